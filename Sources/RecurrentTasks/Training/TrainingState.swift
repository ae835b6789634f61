import RecurrentNN
import RecurrentTensor

/// Where a training run is: everything besides the model and optimizer that resuming needs to
/// continue exactly as if never interrupted. Saved as JSON in a checkpoint's metadata.
public struct TrainingState: Codable, Equatable, Sendable {
    /// The current epoch (0-based) and the next batch within it.
    public var epoch = 0
    public var batch = 0
    /// Optimizer steps taken.
    public var step = 0
    /// Items (examples or tokens) trained on.
    public var items = 0
    /// Seconds of training so far (excluding validation).
    public var trainingSeconds = 0.0
    /// Training seconds at the last validation.
    public var lastValidationSeconds = 0.0
    /// The generator state at the start of the current epoch (to replay its shuffle) and now.
    public var epochGenerator: [UInt64] = []
    public var generator: [UInt64] = []
    /// The learning rate in use.
    public var learningRate: Float = 0
    /// The best validation loss so far and the epoch/step it was reached at.
    public var bestValidationLoss: Double?
    public var bestStep: Int?
    /// Validations since the best one.
    public var validationsWithoutImprovement = 0
    /// The latest validation metrics.
    public var lastValidation: [String: Double]?
    /// The reduce-on-plateau schedule with its memory, when one is used.
    public var plateau: ReduceLearningRateOnPlateau?
    /// Generator states of the model's dropout layers, in tree order.
    public var dropoutGenerators: [[UInt64]] = []
    /// Whether training has finished (a resumed run then does nothing more).
    public var finished = false
    /// Why training stopped: "epochs", "steps", "time", "early stopping".
    public var stopReason: String?

    public init() {}
}
