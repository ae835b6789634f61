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
    /// The best value so far of the selected validation metric (``TrainingOptions/selection``),
    /// and the step it was reached at.
    public var bestMetric: Double?
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

    enum CodingKeys: String, CodingKey {
        case epoch, batch, step, items, trainingSeconds, lastValidationSeconds, epochGenerator, generator, learningRate
        case bestMetric, bestStep, validationsWithoutImprovement, lastValidation, plateau, dropoutGenerators, finished, stopReason
        case bestValidationLoss  // the name of bestMetric in checkpoints of versions that selected by loss only
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        epoch = try container.decode(Int.self, forKey: .epoch)
        batch = try container.decode(Int.self, forKey: .batch)
        step = try container.decode(Int.self, forKey: .step)
        items = try container.decode(Int.self, forKey: .items)
        trainingSeconds = try container.decode(Double.self, forKey: .trainingSeconds)
        lastValidationSeconds = try container.decode(Double.self, forKey: .lastValidationSeconds)
        epochGenerator = try container.decode([UInt64].self, forKey: .epochGenerator)
        generator = try container.decode([UInt64].self, forKey: .generator)
        learningRate = try container.decode(Float.self, forKey: .learningRate)
        bestMetric = try container.decodeIfPresent(Double.self, forKey: .bestMetric)
            ?? container.decodeIfPresent(Double.self, forKey: .bestValidationLoss)
        bestStep = try container.decodeIfPresent(Int.self, forKey: .bestStep)
        validationsWithoutImprovement = try container.decode(Int.self, forKey: .validationsWithoutImprovement)
        lastValidation = try container.decodeIfPresent([String: Double].self, forKey: .lastValidation)
        plateau = try container.decodeIfPresent(ReduceLearningRateOnPlateau.self, forKey: .plateau)
        dropoutGenerators = try container.decode([[UInt64]].self, forKey: .dropoutGenerators)
        finished = try container.decode(Bool.self, forKey: .finished)
        stopReason = try container.decodeIfPresent(String.self, forKey: .stopReason)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(epoch, forKey: .epoch)
        try container.encode(batch, forKey: .batch)
        try container.encode(step, forKey: .step)
        try container.encode(items, forKey: .items)
        try container.encode(trainingSeconds, forKey: .trainingSeconds)
        try container.encode(lastValidationSeconds, forKey: .lastValidationSeconds)
        try container.encode(epochGenerator, forKey: .epochGenerator)
        try container.encode(generator, forKey: .generator)
        try container.encode(learningRate, forKey: .learningRate)
        try container.encodeIfPresent(bestMetric, forKey: .bestMetric)
        try container.encodeIfPresent(bestStep, forKey: .bestStep)
        try container.encode(validationsWithoutImprovement, forKey: .validationsWithoutImprovement)
        try container.encodeIfPresent(lastValidation, forKey: .lastValidation)
        try container.encodeIfPresent(plateau, forKey: .plateau)
        try container.encode(dropoutGenerators, forKey: .dropoutGenerators)
        try container.encode(finished, forKey: .finished)
        try container.encodeIfPresent(stopReason, forKey: .stopReason)
    }
}
