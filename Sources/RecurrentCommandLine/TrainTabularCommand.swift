import ArgumentParser
import Foundation
import Recurrent

/// `recurrent train regression|classifier`: the ladder's non-recurrent rungs on CSV/TSV data.
enum TrainTabularCommand {
    enum ModelName: String, ExpressibleByArgument, CaseIterable {
        case linear, logistic, mlp
    }

    /// The flags both tabular trainers share.
    struct Options: ParsableArguments {
        @Option(help: "Training data: a CSV (or .tsv) file with a header row.")
        var csv: String

        @Option(help: "The column to predict.")
        var target: String

        @Option(help: "Comma-separated feature columns (default: every column but the target).")
        var features: String?

        @Option(help: "Model: linear (regression), logistic (classification) or mlp.")
        var model: ModelName?

        @Option(help: "Hidden layer sizes of the MLP, comma-separated.")
        var hidden: IntegerList = IntegerList(argument: "64")!

        @Option(help: "Hidden activation of the MLP: tanh, sigmoid or relu.")
        var activation: String = "tanh"

        @Option(help: "Epochs over the training data.")
        var epochs: Int = 100

        @Option(help: "Examples per mini-batch.")
        var batchSize: Int = 32

        @Option(help: "Fraction of rows held out for validation, early stopping and best-model keeping (0: none).")
        var validationSplit: Double = 0

        @Option(help: "Stop after this many validations without improvement.")
        var patience: Int?

        @Option(help: "Random seed (initialization and shuffling).")
        var seed: UInt64 = 0

        @Option(help: "Append JSON-lines training metrics to this file.")
        var log: String?

        @Option(help: "Where to write the model (a safetensors file).")
        var out: String

        @OptionGroup var optimizer: OptimizerOptions

        func validate() throws {
            guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1") }
            guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
            guard validationSplit >= 0 && validationSplit < 1 else { throw ValidationError("--validation-split must be in [0, 1)") }
            guard ["tanh", "sigmoid", "relu"].contains(activation) else { throw ValidationError("--activation must be tanh, sigmoid or relu") }
            if let patience, patience < 1 { throw ValidationError("--patience must be at least 1") }
        }
    }

    struct Regression: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "regression",
            abstract: "Fit a linear regression (Y = XW + b) or an MLP to a numeric column of a CSV file."
        )
        @OptionGroup var options: Options

        func validate() throws {
            if options.model == .logistic { throw ValidationError("--model logistic is for classifiers; use linear or mlp") }
        }

        func run() throws { try TrainTabularCommand.train(options, classification: false) }
    }

    struct Classifier: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "classifier",
            abstract: "Fit a logistic regression (binary or softmax) or an MLP to a categorical column of a CSV file."
        )
        @OptionGroup var options: Options

        func validate() throws {
            if options.model == .linear { throw ValidationError("--model linear is for regression; use logistic or mlp") }
        }

        func run() throws { try TrainTabularCommand.train(options, classification: true) }
    }

    static func train(_ options: Options, classification: Bool) throws {
        try checkWritableDestination(options.out, flag: "--out")
        if let log = options.log { try checkWritableDestination(log, flag: "--log") }
        let table = try DelimitedText(contentsOfFile: options.csv)
        guard !table.records.isEmpty else { throw CommandError("\(options.csv): no data rows after the header") }
        _ = try table.columnIndex(named: options.target)
        let featureNames = options.features.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
            ?? table.header.filter { $0 != options.target }
        guard !featureNames.isEmpty else { throw CommandError("\(options.csv): no feature columns besides the target \"\(options.target)\"") }
        if featureNames.contains(options.target) { throw CommandError("--features: the target \"\(options.target)\" cannot also be a feature") }
        let raw = try table.floatTensor(columns: featureNames)

        // Classes are the sorted distinct labels, so the same data always gives the same indices.
        var classes: [String]?
        if classification {
            let labels = try table.strings(inColumn: options.target)
            let distinct = Array(Set(labels)).sorted()
            guard distinct.count >= 2 else {
                throw CommandError("\(options.csv): column \"\(options.target)\" has \(distinct.count) distinct value(s); a classifier needs at least 2")
            }
            classes = distinct
        }
        let modelName = options.model ?? (classification ? .logistic : .linear)
        let objective = classification ? (classes!.count == 2 ? "binary" : "multiclass") : "regression"

        // Standardize features with the training rows' statistics (saved in the model).
        var generator = RandomGenerator(seed: options.seed)
        var order = Array(0..<table.records.count)
        generator.shuffle(&order)
        let validationCount = Int((Double(order.count) * options.validationSplit).rounded())
        let trainingRows = Array(order[validationCount...]), validationRows = Array(order[..<validationCount])
        guard !trainingRows.isEmpty else { throw CommandError("--validation-split \(options.validationSplit) leaves no training rows") }
        let trainingRaw = raw.gatherRows(trainingRows)
        let means = trainingRaw.mean(alongAxis: 0)
        let deviations = (trainingRaw - means).squared().mean(alongAxis: 0).squareRoot().mapValues { $0 > 1e-12 ? $0 : 1 }
        let configuration = TabularModelBundle.Configuration(
            model: modelName.rawValue, objective: objective, features: featureNames, target: options.target, classes: classes,
            hiddenSizes: modelName == .mlp ? options.hidden.values : [], activation: options.activation,
            featureMeans: means.scalars, featureDeviations: deviations.scalars)
        let bundle = try TabularModelBundle(configuration: configuration, generator: &generator)
        let features = try bundle.features(from: table), targets = try bundle.targets(from: table)
        let all = TabularData(features: features, targets: targets)
        let training = all.rows(trainingRows), validation = validationRows.isEmpty ? nil : all.rows(validationRows)

        var trainingOptions = TrainingOptions()
        trainingOptions.epochs = options.epochs
        trainingOptions.seed = options.seed
        trainingOptions.logPath = options.log
        trainingOptions.gradientClipNorm = options.optimizer.clip
        trainingOptions.earlyStoppingPatience = options.patience
        let optimizer = options.optimizer.make(bundle.model.parameters)
        printError("training \(modelName.rawValue) \(objective) on \(training.count) rows (\(featureNames.count) features)"
                   + (validation.map { ", validating on \($0.count)" } ?? ""))
        try bundle.model.fit(training, validation: validation, optimizer: optimizer, batchSize: options.batchSize, options: trainingOptions)
        let metrics = bundle.model.evaluate(training)
        printError("training " + metrics.keys.sorted().map { "\($0) \(String(format: "%.4f", metrics[$0]!))" }.joined(separator: ", "))
        try bundle.write(to: options.out)
        printError("wrote \(options.out)")
    }
}
