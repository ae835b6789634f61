import RecurrentData
import RecurrentNN
import RecurrentTensor

/// Training a ``Forecaster``: batches of training windows with the mean squared error of the
/// standardized next values (a ``SequenceTask``), and validation by walking forward over the
/// validation series that continues the training one (``ForecastEvaluation``): `rmse`, `mae`,
/// `smape` and `mase` of the one-step-ahead forecasts, in the data's units.
public final class ForecastTask: TrainingTask {
    public let forecaster: Forecaster
    public let windows: SequenceTask
    public let history: [[Double]]
    public let validation: [[Double]]?

    public init(forecaster: Forecaster, training: [[Double]], validation: [[Double]]?, batchSize: Int) {
        self.forecaster = forecaster
        history = training
        self.validation = validation
        let outputs = forecaster.model.configuration.outputs
        // The windows' targets are already standardized: the task's own scaling is the identity.
        let encoding = SequenceEncoding(layout: SequenceDataLayout(format: .csv), words: nil, frames: nil,
                                        targets: .values(outputs: outputs, means: Array(repeating: 0, count: outputs),
                                                         deviations: Array(repeating: 1, count: outputs)))
        windows = SequenceTask(model: forecaster.model, encoding: encoding, training: forecaster.trainingExamples(training),
                               validation: nil, batchSize: batchSize)
        windows.forward = { [unowned forecaster] in forecaster($0) }
    }

    public var model: any Layer { forecaster }
    public var batchesPerEpoch: Int { windows.batchesPerEpoch }
    public func beginEpoch(_ epoch: Int, generator: inout RandomGenerator) { windows.beginEpoch(epoch, generator: &generator) }
    public func trainingLoss(batch index: Int) -> (loss: Tensor, items: Int) { windows.trainingLoss(batch: index) }

    public func validate() -> [String: Double]? {
        guard let validation, (validation.first?.count ?? 0) > 0 else { return nil }
        let errors = ForecastEvaluation(forecaster, history: history, data: validation).model[0]
        return ["rmse": errors.rmse, "mae": errors.mae, "smape": errors.smape, "mase": errors.mase]
    }

    public func modelFile() throws -> ModelFile {
        try ForecasterBundle(forecaster: forecaster).modelFile()
    }
}
