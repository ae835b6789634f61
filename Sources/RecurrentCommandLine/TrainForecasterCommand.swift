import ArgumentParser
import Foundation
import Recurrent

/// The forecaster's optimizer defaults, those of ``ForecasterTrainingSettings``.
enum ForecasterOptimizerDefaults: OptimizerDefaults {
    static let optimizer = ForecasterTrainingSettings().optimizer.kind
    static func learningRate(for kind: OptimizerSettings.Kind) -> Float {
        kind == optimizer ? ForecasterTrainingSettings().optimizer.learningRate : kind.defaultLearningRate
    }
    static var learningRateHelp: String { "\(ForecasterTrainingSettings().optimizer.learningRate) for \(optimizer.rawValue), PyTorch's for the others" }
    static let clip = ForecasterTrainingSettings().clip
}

/// `recurrent train forecaster`: a recurrent network that forecasts the next values of a series.
struct TrainForecasterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forecaster",
        abstract: "Train a recurrent forecaster of one or more columns of a CSV time series.",
        discussion: """
            The network reads the last --window steps of the series, differenced (--difference), \
            seasonally differenced (--season S) and standardized with the training rows' statistics, \
            and emits the next --horizon values of every column at once. Left out, the differencing \
            is chosen from the training rows: a seasonal difference with the dates' period (12 for \
            YYYY-MM) when the seasonality is strong, a first difference when the KPSS test (1 % level) finds \
            the series not stationary. --valid continues the training series; the model with the \
            best one-step-ahead validation rmse is written to --out.
            """
    )

    @Option(help: "Training series: a CSV (or TSV) file with a header, one row per time step, in order.")
    var train: String

    @Option(help: "Validation series continuing the training one (default: the last tenth of --train).")
    var valid: String?

    @Option(help: "The value column(s) to forecast, comma-separated.")
    var column: String

    @Option(help: "Steps the network reads (default: 24, or two seasons when longer).")
    var window: Int?

    @Option(help: "Steps forecast at once.")
    var horizon: Int = ForecasterTrainingSettings().horizon

    @Flag(inversion: .prefixedNo, help: "Difference the series once (default: when the KPSS test at the 1 % level finds it not stationary).")
    var difference: Bool?

    @Option(help: "Seasonal difference with this period; 0 for none (default: the dates' period when the series is seasonal).")
    var season: Int?

    @Flag(inversion: .prefixedNo, help: "Add a linear autoregression of the window to the network's output (default: yes).")
    var autoregressive = ForecasterTrainingSettings().autoregressive

    @Option(help: "Recurrent cell: lstm, gru, rnn or simplified-lstm.")
    var cell: SequenceCell = ForecasterTrainingSettings().cell

    @Option(help: "Recurrent layers.")
    var layers: Int = ForecasterTrainingSettings().layers

    @Option(help: "Hidden units.")
    var hidden: Int = ForecasterTrainingSettings().hiddenSize

    @Option(help: "Dropout between layers and before the output layer.")
    var dropout: Float = ForecasterTrainingSettings().dropout

    @Option(help: "Windows per batch.")
    var batch: Int = ForecasterTrainingSettings().batch

    @OptionGroup var optimizer: TaskOptimizerOptions<ForecasterOptimizerDefaults>

    @Option(name: .customLong("plateau"), help: "Halve the learning rate after this many validations without a better rmse; 0: never.")
    var plateau: Int = ForecasterTrainingSettings().plateauPatience ?? 0

    @Option(help: "Epochs of training (default: \(ForecasterTrainingSettings().epochs ?? 0) unless --time is given).")
    var epochs: Int?

    @Option(help: "Training time budget, e.g. 2m.")
    var time: Duration?

    @Option(help: "Stop after this many validations without improvement.")
    var patience: Int?

    @Option(help: "Random seed.")
    var seed: UInt64 = 0

    @Option(help: "Where to write the best model.")
    var out: String = "forecaster.safetensors"

    @Flag(help: "Continue from OUT.checkpoint with its settings (only --epochs and --time may change).")
    var resume = false

    @Option(help: "Append JSON-lines training metrics to this file.")
    var log: String?

    var settings: ForecasterTrainingSettings {
        var settings = ForecasterTrainingSettings()
        settings.columns = column.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        settings.window = window
        settings.horizon = horizon
        settings.difference = difference
        settings.season = season
        settings.autoregressive = autoregressive
        settings.cell = cell
        settings.layers = layers
        settings.hiddenSize = hidden
        settings.dropout = dropout
        settings.batch = batch
        settings.optimizer = optimizer.settings
        settings.clip = optimizer.clip
        settings.plateauPatience = plateau == 0 ? nil : plateau
        if epochs != nil || time != nil { settings.epochs = epochs }
        settings.timeLimit = time?.seconds
        settings.earlyStoppingPatience = patience
        settings.seed = seed
        return settings
    }

    func validate() throws {
        if let problem = settings.problem { throw ValidationError(problem) }
        guard layers >= 1, hidden >= 1 else { throw ValidationError("--layers and --hidden must be at least 1") }
    }

    func run() throws {
        try checkWritableDestination(out, flag: "--out")
        if let log { try checkWritableDestination(log, flag: "--log") }
        let training = try ForecasterTraining(settings: settings, trainingFile: train, validationFile: valid, modelPath: out, resume: resume,
                                              logPath: log)
        let used = training.settings, configuration = training.forecaster.configuration
        printError("\(resume ? "resuming" : "training") forecaster of \(used.columns.joined(separator: ", ")): \(used.cell.rawValue) "
                   + "\(used.layers) x \(used.hiddenSize), window \(configuration.window), horizon \(configuration.horizon), "
                   + "season \(configuration.transform.season), difference \(configuration.transform.difference ? "yes" : "no"); "
                   + "\(training.task.windows.training.count) training windows; \(Kernels.threadCount) threads")
        let state = try training.run()
        if let best = state.bestMetric {
            printError(String(format: "best validation rmse %.4f at step %d; wrote %@", best, state.bestStep ?? 0, out))
        } else {
            printError("wrote \(out)")
        }
    }
}
