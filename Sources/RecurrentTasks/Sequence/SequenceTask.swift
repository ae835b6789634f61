import RecurrentData
import RecurrentNN
import RecurrentTensor

/// The loss a sequence regressor minimizes on standardized targets.
public enum RegressionLoss: String, Codable, Sendable, CaseIterable {
    /// Mean squared error.
    case mse
    /// Mean absolute error (less swayed by outliers).
    case mae
}

/// Training a ``SequenceModel`` on whole sequences: each epoch the examples are shuffled into
/// batches of similar length (``SequenceBatcher``), and each batch's loss is the mean
/// cross-entropy of its classes (weighted per class when `classWeights` is set) or the mean
/// squared (or absolute) error of its standardized targets. Validation gives `loss` and, for
/// classifiers, `accuracy` and `macro_f1`; for regressors `rmse`, `mae` and `r2` in the data's units.
public final class SequenceTask: TrainingTask {
    public let sequenceModel: SequenceModel
    public let encoding: SequenceEncoding
    public let training: SequenceExamples
    public let validation: SequenceExamples?
    public let batcher: SequenceBatcher
    /// Per-class weights of the cross-entropy (nil: all 1).
    public var classWeights: [Float]?
    public var regressionLoss = RegressionLoss.mse
    /// What the loss is taken of (nil: the model's head outputs); a forecaster adds its
    /// autoregressive map here.
    public var forward: ((SequenceBatch) -> Tensor)?
    private var batches: [[Int]] = []

    public init(model: SequenceModel, encoding: SequenceEncoding, training: SequenceExamples, validation: SequenceExamples?, batchSize: Int) {
        sequenceModel = model
        self.encoding = encoding
        self.training = training
        self.validation = validation
        batcher = SequenceBatcher(lengths: training.lengths, batchSize: batchSize)
    }

    public var model: any Layer { sequenceModel }
    public var batchesPerEpoch: Int { batcher.batchCount }

    public func beginEpoch(_ epoch: Int, generator: inout RandomGenerator) {
        batches = batcher.shuffledBatches(using: &generator)
    }

    public func trainingLoss(batch index: Int) -> (loss: Tensor, items: Int) {
        let indices = batches[index]
        let batch = training.batch(indices)
        let outputs = forward.map { $0(batch) } ?? sequenceModel(batch)
        return (loss(outputs, targets: training.subset(indices).targets), indices.count)
    }

    /// The mean loss of head outputs `[batch, outputs]` against the examples' targets.
    func loss(_ outputs: Tensor, targets: SequenceExamples.Targets) -> Tensor {
        switch (targets, encoding.targets) {
        case (.classes(let classes), _):
            return Loss.softmaxCrossEntropy(logits: outputs, targets: classes, classWeights: classWeights)
        case (.values(let values), .values(let count, let means, let deviations)):
            let standardized = values.flatMap { row in row.enumerated().map { Float((Double($1) - means[$0]) / deviations[$0]) } }
            let target = Tensor(shape: [values.count, count], scalars: standardized)
            return regressionLoss == .mse ? Loss.meanSquaredError(outputs, target) : (outputs - target).abs().mean()
        default:
            preconditionFailure("SequenceTask: targets do not match the encoding")
        }
    }

    public func validate() -> [String: Double]? {
        guard let validation, validation.count > 0 else { return nil }
        let outputs = sequenceModel.outputs(for: validation)
        let flat = Tensor(shape: [outputs.count, encoding.targets.outputs], scalars: outputs.flatMap { $0 })
        var result = ["loss": Double(loss(flat, targets: validation.targets).scalar)]
        let metrics = SequencePredictions(outputs: outputs, targets: encoding.targets).metrics(against: validation, targets: encoding.targets)
        for key in ["accuracy", "macro_f1", "rmse", "mae", "r2"] {
            if let value = metrics[key] as? Double { result[key] = value }
        }
        return result
    }

    public func modelFile() throws -> ModelFile {
        try SequenceModelBundle(model: sequenceModel, encoding: encoding).modelFile()
    }
}
