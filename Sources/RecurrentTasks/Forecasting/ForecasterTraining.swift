import Foundation
import RecurrentData
import RecurrentNN
import RecurrentTensor

/// Everything that defines a forecaster's training run (saved in checkpoints). Left nil, the
/// differencing is chosen from the training rows (``resolved(for:)``) and the sizes take the
/// defaults docs/sequence.md measures.
public struct ForecasterTrainingSettings: Codable, Equatable, Sendable {
    public var columns: [String] = []
    public var window: Int?
    public var horizon = 1
    /// Difference the series once (nil: when the KPSS test at the 1 % level finds it, after any
    /// seasonal difference, not stationary).
    public var difference: Bool?
    /// The seasonal difference's period (0: none; nil: the dates' period when the series is
    /// seasonal by ``SeriesDiagnostics/seasonalStrength(_:period:)``).
    public var season: Int?
    public var cell = SequenceCell.lstm
    public var layers = 1
    public var hiddenSize = 64
    public var dropout: Float = 0
    public var batch = 16
    public var optimizer = OptimizerSettings(kind: .adam, learningRate: 1e-3)
    public var clip: Float? = 5
    /// Add a linear autoregression of the window to the network's output (``Forecaster``).
    public var autoregressive = true
    /// Halve the learning rate after this many validations without a better rmse (nil: never).
    public var plateauPatience: Int? = 5
    public var epochs: Int? = 200
    public var timeLimit: Double?
    public var earlyStoppingPatience: Int?
    public var seed: UInt64 = 0

    public init() {}

    /// The differencing and window for a training series: each nil setting chosen from the data.
    public func resolved(for series: ForecastSeries) -> ForecasterTrainingSettings {
        var settings = self
        let first = series.values.first ?? []
        if settings.season == nil {
            let period = series.datePeriod ?? 0
            let strength = period >= 2 ? SeriesDiagnostics.seasonalStrength(first, period: period) : nil
            settings.season = (strength ?? 0) > SeriesDiagnostics.seasonalStrengthThreshold ? period : 0
        }
        if settings.difference == nil {
            let season = settings.season ?? 0
            let seasonal = season > 0 && first.count > season ? (season..<first.count).map { first[$0] - first[$0 - season] } : first
            settings.difference = SeriesDiagnostics.kpss(seasonal) > SeriesDiagnostics.kpssCriticalValue
        }
        if settings.window == nil { settings.window = Swift.max(2 * (settings.season ?? 0), 24) }
        return settings
    }

    public var problem: String? {
        if columns.isEmpty { return "name the value column(s) to forecast" }
        if let window, window < 1 || window > 100_000 { return "the window must be in 1...100000" }
        if horizon < 1 || horizon > 10_000 { return "the horizon must be in 1...10000" }
        if let season, season < 0 || season > 100_000 { return "the season must be in 0...100000" }
        if batch < 1 || batch > SequenceTrainingSettings.maximumBatch { return "the batch must be in 1...\(SequenceTrainingSettings.maximumBatch)" }
        if !(dropout >= 0 && dropout < 1) { return "dropout must be in [0, 1)" }
        if let epochs, epochs < 1 { return "epochs must be at least 1" }
        if let earlyStoppingPatience, earlyStoppingPatience < 1 { return "the patience must be at least 1" }
        if let clip, !(clip > 0 && clip.isFinite) { return "the clipping norm must be a positive number" }
        if let plateauPatience, plateauPatience < 0 { return "the plateau patience must be at least 0" }
        return optimizer.problem
    }
}

/// A forecaster's training run as `recurrent train forecaster` performs it: reads the training
/// series (and the validation series that continues it, or holds out its last tenth), chooses the
/// differencing, fits the scaling on the training rows, and trains with the shared ``Trainer``,
/// keeping the model with the best one-step-ahead validation rmse.
public final class ForecasterTraining {
    public let settings: ForecasterTrainingSettings
    public let forecaster: Forecaster
    public let task: ForecastTask
    public let trainer: Trainer

    public init(settings requested: ForecasterTrainingSettings, trainingFile: String, validationFile: String?, modelPath: String,
                resume: Bool = false, logPath: String? = nil, showsProgress: Bool = true) throws {
        var settings = requested
        var checkpoint: TrainingCheckpoint?
        if resume {
            let saved = try TrainingCheckpoint.read(from: TrainingOutput.checkpointPath(for: modelPath), expectedKind: ForecasterBundle.kind)
            settings = try saved.settings(as: ForecasterTrainingSettings.self)
            if requested.epochs != nil || requested.timeLimit != nil {
                (settings.epochs, settings.timeLimit) = (requested.epochs, requested.timeLimit)
            }
            checkpoint = saved
        }
        if let problem = settings.problem { throw SequenceTrainingError.invalidSettings(problem) }
        var training = try ForecastSeries.read(trainingFile, columns: settings.columns)
        var validation: ForecastSeries?
        if let validationFile {
            validation = try ForecastSeries.read(validationFile, columns: settings.columns)
        } else {
            let held = Swift.max(settings.horizon, training.count / 10)
            validation = training.rows((training.count - held)..<training.count)
            training = training.rows(0..<(training.count - held))
        }
        settings = settings.resolved(for: training)
        self.settings = settings
        let window = settings.window ?? 24, season = settings.season ?? 0
        let transform = SeriesTransform.fit(training.values, season: season, difference: settings.difference ?? false)
        let configuration = Forecaster.Configuration(columns: settings.columns, window: window, horizon: settings.horizon, transform: transform,
                                                     seasonalPeriod: Swift.max(season, training.datePeriod ?? 1),
                                                     autoregressive: settings.autoregressive)
        if let problem = configuration.problem { throw SequenceTrainingError.invalidSettings(problem) }
        guard training.count >= configuration.minimumHistory + settings.horizon else {
            throw SequenceFileError(file: trainingFile, problem: "\(training.count) rows are too few for a window of \(window), a horizon of "
                                    + "\(settings.horizon) and \(transform.offset) rows of differencing; use a smaller --window")
        }
        let modelConfiguration = SequenceModel.Configuration(
            input: .frames, features: settings.columns.count, cell: settings.cell, layers: settings.layers, hiddenSize: settings.hiddenSize,
            dropout: settings.dropout, pooling: .last, outputs: settings.horizon * settings.columns.count)
        if let problem = modelConfiguration.problem { throw SequenceTrainingError.invalidSettings(problem) }
        var generator = RandomGenerator(seed: settings.seed)
        forecaster = try checkpoint.map { try ForecasterBundle(file: $0.file).forecaster }
            ?? Forecaster(model: SequenceModel(modelConfiguration, generator: &generator), configuration: configuration, generator: &generator)
        task = ForecastTask(forecaster: forecaster, training: training.values, validation: validation?.values, batchSize: settings.batch)
        if checkpoint == nil { forecaster.startFromLeastSquares(task.windows.training) }
        let data = ["rows": training.count]
        try checkpoint?.checkData(data, describedAs: trainingFile)

        var options = TrainingOptions()
        options.epochs = settings.epochs
        options.timeLimit = settings.timeLimit
        options.gradientClipNorm = settings.clip
        options.earlyStoppingPatience = settings.earlyStoppingPatience
        options.selection = ModelSelection.byName("rmse")
        options.plateau = settings.plateauPatience.map {
            ReduceLearningRateOnPlateau(learningRate: settings.optimizer.learningRate, mode: .minimize, factor: 0.5, patience: $0)
        }
        options.seed = settings.seed
        options.logPath = logPath
        options.showsProgress = showsProgress
        options.itemName = "windows"
        options.output = try TrainingOutput(modelPath: modelPath, settings: settings, data: data)
        let optimizer = settings.optimizer.make(forecaster.trainableParameters)
        if let checkpoint {
            trainer = try Trainer(optimizer: optimizer, options: options, resumingFrom: checkpoint, task: task)
        } else {
            trainer = try Trainer(optimizer: optimizer, options: options)
        }
    }

    @discardableResult
    public func run() throws -> TrainingState {
        try trainer.fit(task)
    }
}
