import RecurrentNN
import RecurrentTensor

/// Rows of fixed-size inputs with their targets: `features` `[n, inputs]`; `targets`
/// `[n, outputs]` for regression, or class indices `[n, 1]` (as floats) for classification.
public struct TabularData {
    public var features: Tensor
    public var targets: Tensor

    public init(features: Tensor, targets: Tensor) {
        precondition(features.rank == 2 && targets.rank == 2 && features.shape[0] == targets.shape[0],
                     "TabularData: features \(features.shape) and targets \(targets.shape) must be [n, _] with equal n")
        self.features = features
        self.targets = targets
    }

    /// Class indices as a `[n, 1]` target tensor.
    public init(features: Tensor, labels: [Int]) {
        self.init(features: features, targets: Tensor(shape: [labels.count, 1], scalars: labels.map { Float($0) }))
    }

    public var count: Int { features.shape[0] }

    /// The rows at `indices`.
    public func rows(_ indices: [Int]) -> TabularData {
        TabularData(features: features.gatherRows(indices).detached, targets: targets.gatherRows(indices).detached)
    }
}

/// A model of the ladder's non-recurrent rungs: inputs `[n, inputSize]` to raw outputs
/// (`[n, objective.outputSize]`: predicted values, or logits), trained by ``fit(_:validation:optimizer:batchSize:options:)``.
public protocol TabularModel: Layer {
    var inputSize: Int { get }
    var objective: TabularObjective { get }
    /// Raw outputs: predicted values for regression, logits for classification.
    func outputs(_ features: Tensor) -> Tensor
}

extension TabularModel {
    /// Predictions: values `[n, outputs]` for regression; for classification the probability
    /// of class 1 `[n, 1]` (binary) or of every class `[n, classes]` (multiclass).
    public func predict(_ features: Tensor) -> Tensor {
        withoutGradient {
            let raw = outputs(features)
            switch objective {
            case .regression: return raw
            case .binary: return raw.sigmoid()
            case .multiclass: return raw.softmax()
            }
        }
    }

    /// The most likely class of each row (classification only).
    public func predictClasses(_ features: Tensor) -> [Int] {
        let raw = withoutGradient { outputs(features) }
        switch objective {
        case .binary: return raw.scalars.map { $0 > 0 ? 1 : 0 }
        case .multiclass: return raw.argmax(alongAxis: 1)
        case .regression: preconditionFailure("predictClasses: this model is a regression")
        }
    }

    /// The objective's metrics on `data`.
    public func evaluate(_ data: TabularData) -> [String: Double] {
        let wasTraining = isTraining
        setTraining(false)
        defer { setTraining(wasTraining) }
        return objective.metrics(outputs: withoutGradient { outputs(data.features) }, targets: data.targets)
    }

    /// Trains on shuffled mini-batches of `data` with the shared ``Trainer``.
    ///
    /// `targetScaling`: when the targets of `data` and `validation` are standardized regression
    /// targets, their standardization, so that validation metrics are reported in the data's
    /// units (the loss stays the standardized one that is minimized).
    @discardableResult
    public func fit(_ data: TabularData, validation: TabularData? = nil, optimizer: any Optimizer, batchSize: Int = 32,
                    options: TrainingOptions = TrainingOptions(), targetScaling: ColumnStandardization? = nil) throws -> TrainingState {
        let task = TabularTrainingTask(model: self, data: data, validation: validation, batchSize: batchSize)
        task.targetScaling = targetScaling
        let trainer = try Trainer(optimizer: optimizer, options: options)
        return try trainer.fit(task)
    }
}

/// Shuffled mini-batches of a ``TabularData`` for a ``TabularModel``.
public final class TabularTrainingTask<Model: TabularModel>: TrainingTask {
    public let tabularModel: Model
    public let data: TabularData
    public let validation: TabularData?
    public let batchSize: Int
    /// The standardization of regression targets, to report validation metrics in the data's units.
    public var targetScaling: ColumnStandardization?
    private var order: [Int] = []

    public init(model: Model, data: TabularData, validation: TabularData?, batchSize: Int) {
        precondition(batchSize >= 1, "TabularTrainingTask: batch size must be positive")
        tabularModel = model
        self.data = data
        self.validation = validation
        self.batchSize = batchSize
    }

    /// Makes the model file ``modelFile()`` returns (the model with its feature scaling, which
    /// this task does not know); needed only when the trainer saves (``TrainingOptions/output``).
    public var makeModelFile: (() throws -> ModelFile)?

    public var model: any Layer { tabularModel }
    public var batchesPerEpoch: Int { (data.count + batchSize - 1) / batchSize }

    public func modelFile() throws -> ModelFile {
        guard let makeModelFile else { throw TrainerError.cannotSave("a tabular training task needs makeModelFile to save the model") }
        return try makeModelFile()
    }

    public func beginEpoch(_ epoch: Int, generator: inout RandomGenerator) {
        order = Array(0..<data.count)
        generator.shuffle(&order)
    }

    public func trainingLoss(batch index: Int) -> (loss: Tensor, items: Int) {
        let rows = Array(order[(index * batchSize)..<min((index + 1) * batchSize, order.count)])
        let batch = data.rows(rows)
        return (tabularModel.objective.loss(outputs: tabularModel.outputs(batch.features), targets: batch.targets), rows.count)
    }

    public func validate() -> [String: Double]? {
        guard let validation, validation.count > 0 else { return nil }
        let outputs = tabularModel.outputs(validation.features)
        var metrics = tabularModel.objective.metrics(outputs: targetScaling?.restore(outputs) ?? outputs,
                                                     targets: targetScaling?.restore(validation.targets) ?? validation.targets)
        metrics["loss"] = Double(tabularModel.objective.loss(outputs: outputs, targets: validation.targets).scalar)
        return metrics
    }
}
