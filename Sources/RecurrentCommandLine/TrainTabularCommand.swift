import ArgumentParser
import Foundation
import Recurrent

extension TabularTrainingSettings.Model: ExpressibleByArgument {}
extension TabularTrainingSettings.Solver: ExpressibleByArgument {}
extension Activation: ExpressibleByArgument {}

/// `recurrent train regression|classifier`: the ladder's non-recurrent rungs on CSV/TSV data.
/// The work is ``TabularTrainingRun``'s; this maps flags to its settings and reports.
enum TrainTabularCommand {
    typealias Settings = TabularTrainingSettings

    /// The flags both tabular trainers share.
    struct Options: ParsableArguments {
        @Option(help: "Training data: a CSV (or .tsv) file with a header row.")
        var csv: String

        @Option(help: "The column to predict.")
        var target: String

        @Option(help: "Comma-separated feature columns (default: every column but the target).")
        var features: String?

        @Option(help: "Model: linear (regression), logistic (classification) or mlp (default: linear for regression, logistic for classification).")
        var model: Settings.Model?

        @Option(help: ArgumentHelp("Hidden layer sizes of the MLP, comma-separated, such as 64 or 64,32.", valueName: "sizes"))
        var hidden = IntegerList(Settings.defaultHiddenSizes)

        @Option(help: "Hidden activation of the MLP.")
        var activation = Settings.defaultActivation

        @Option(help: """
            How to fit: exact least squares in one solve (linear regression only), or a gradient optimizer \
            over epochs of mini-batches (default: exact for linear, adam otherwise).
            """)
        var solver: Settings.Solver?

        @Option(help: "Ridge penalty λ of the exact solver on the standardized features' weights (the intercept is not penalized).")
        var l2 = 0.0

        @Option(name: .customLong("lr"), help: "Learning rate of a gradient solver (default: PyTorch's, \(defaultLearningRates)).")
        var learningRate: Float?

        /// "0.01 for sgd, adagrad and rmsprop, 0.001 for adam and adamw", from the optimizers themselves.
        static var defaultLearningRates: String {
            let kinds = OptimizerSettings.Kind.allCases
            var rates: [Float] = []
            for kind in kinds where !rates.contains(kind.defaultLearningRate) { rates.append(kind.defaultLearningRate) }
            return rates.map { rate in
                let names = kinds.filter { $0.defaultLearningRate == rate }.map(\.rawValue)
                return "\(rate) for " + (names.count > 1 ? names.dropLast().joined(separator: ", ") + " and " + names.last! : names[0])
            }.joined(separator: ", ")
        }

        @Option(help: "Momentum of the sgd and rmsprop solvers.")
        var momentum = 0.0

        @Option(help: "Weight decay of a gradient solver (L2 in the gradient; decoupled for adamw) (default: 0, 0.01 for adamw).")
        var weightDecay: Double?

        @Option(help: "Clip the global gradient norm to this value (default: no clipping).")
        var clip: Float?

        @Option(help: "Epochs over the training data (gradient solvers).")
        var epochs = Settings.defaultEpochs

        @Option(help: "Examples per mini-batch (gradient solvers).")
        var batchSize = Settings.defaultBatchSize

        @Option(help: "Fraction of rows held out for validation, early stopping and best-model keeping (0: none).")
        var validationSplit = 0.0

        @Option(help: "Stop after this many validations without improvement (default: never).")
        var patience: Int?

        @Option(help: "Random seed (split, initialization and shuffling).")
        var seed: UInt64 = 0

        @Option(help: "Append JSON-lines training metrics to this file.")
        var log: String?

        @Option(help: "Where to write the model (a safetensors file).")
        var out: String

        func settings(classification: Bool) -> Settings {
            var settings = Settings(target: target, classification: classification)
            settings.features = features.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
            settings.model = model
            settings.hiddenSizes = hidden.values
            settings.activation = activation
            settings.solver = solver
            settings.l2 = l2
            settings.learningRate = learningRate
            settings.momentum = momentum
            settings.weightDecay = weightDecay
            settings.gradientClipNorm = clip
            settings.epochs = epochs
            settings.batchSize = batchSize
            settings.validationFraction = validationSplit
            settings.patience = patience
            settings.seed = seed
            settings.logPath = log
            return settings
        }
    }

    struct Regression: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "regression",
            abstract: "Fit a linear regression (Y = XW + b, exact least squares by default) or an MLP to a numeric column of a CSV file."
        )
        @OptionGroup var options: Options

        func validate() throws {
            if let problem = options.settings(classification: false).problem { throw ValidationError(problem.description) }
        }

        func run() throws { try TrainTabularCommand.train(options.settings(classification: false), out: options.out, csv: options.csv) }
    }

    struct Classifier: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "classifier",
            abstract: "Fit a logistic regression (binary or softmax) or an MLP to a categorical column of a CSV file."
        )
        @OptionGroup var options: Options

        func validate() throws {
            if let problem = options.settings(classification: true).problem { throw ValidationError(problem.description) }
        }

        func run() throws { try TrainTabularCommand.train(options.settings(classification: true), out: options.out, csv: options.csv) }
    }

    static func train(_ settings: Settings, out: String, csv: String) throws {
        try checkWritableDestination(out, flag: "--out")
        if let log = settings.logPath { try checkWritableDestination(log, flag: "--log") }
        let run = try TabularTrainingRun(table: try DelimitedText(contentsOfFile: csv), settings: settings)
        let solver = settings.resolvedSolver
        printError("training \(settings.resolvedModel.rawValue) \(run.bundle.configuration.objective) on \(run.training.count) rows "
                   + "(\(run.bundle.configuration.features.count) features)" + (run.validation.map { ", validating on \($0.count)" } ?? "")
                   + (solver == .exact ? ", exact least squares" : ", solver \(solver.rawValue)"))
        let metrics = try run.train()
        printError("training " + metrics.keys.sorted().map { "\($0) \(String(format: "%.4f", metrics[$0]!))" }.joined(separator: ", "))
        try run.bundle.write(to: out)
        printError("wrote \(out)")
    }
}
