import ArgumentParser
import Foundation
import Recurrent

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Evaluate a model on labelled data.",
        discussion: """
            `recurrent evaluate --model M ...` reads the kind of model M holds and evaluates it with \
            that kind's subcommand and options (for example --text for a language model, --csv for a \
            tabular model).
            """,
        subcommands: [EvaluateModelCommand.self, EvaluateTabularCommand.self, EvaluateLanguageModelCommand.self, EvaluateSequenceCommand.self, EvaluateForecastCommand.self, EvaluateEmbeddingsCommand.self, EvaluateTaggerCommand.self, EvaluateAgentCommand.self, EvaluateSeq2SeqCommand.self],
        defaultSubcommand: EvaluateModelCommand.self
    )
}

/// `recurrent evaluate --model MODEL ...`: the evaluation of the model's kind.
struct EvaluateModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Evaluate any model file with the subcommand of its kind (\(ModelKindRoutes.kinds(ModelKindRoutes.evaluate))).",
        discussion: "The options after --model are those of the kind's subcommand; see `recurrent evaluate <subcommand> --help`."
    )

    @Option(help: "A model file.")
    var model: String

    @Argument(parsing: .allUnrecognized, help: "The options of the model kind's evaluation.")
    var options: [String] = []

    func run() throws {
        try ModelKindRoutes.run(ModelKindRoutes.evaluate, command: "evaluate", modelPath: model, arguments: options)
    }
}

/// `recurrent evaluate tabular --model MODEL --csv FILE`: a tabular model's metrics.
struct EvaluateTabularCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tabular",
        abstract: "Metrics of a regression (mse, r2) or classifier (accuracy, log_loss) on a CSV file.",
        discussion: "JSON keys: rows, and accuracy and log_loss for classifiers, or mse and r2 for regressions."
    )

    @Option(help: "A model file written by `recurrent train regression|classifier`.")
    var model: String

    @Option(name: [.customLong("csv"), .customLong("data")], help: "Labelled rows: a CSV (or .tsv) file with the model's feature and target columns.")
    var csv: String

    @Flag(help: "Print one JSON object.")
    var json = false

    func run() throws {
        let bundle = try TabularModelBundle.read(from: model)
        let table = try DelimitedText(contentsOfFile: csv)
        let data = TabularData(features: try bundle.features(from: table), targets: try bundle.targets(from: table))
        var metrics: [String: Any] = bundle.evaluate(data)
        metrics["rows"] = data.count
        if json {
            try printJSON(metrics)
        } else {
            for key in metrics.keys.sorted() { print("\(key) \(metrics[key]!)") }
        }
    }
}
