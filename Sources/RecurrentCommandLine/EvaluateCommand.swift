import ArgumentParser
import Foundation
import Recurrent

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Evaluate a model on labelled data.",
        subcommands: [EvaluateTabularCommand.self, EvaluateLanguageModelCommand.self, EvaluateEmbeddingsCommand.self],
        defaultSubcommand: EvaluateTabularCommand.self
    )
}

/// `recurrent evaluate --model MODEL --csv FILE`: a tabular model's metrics.
struct EvaluateTabularCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tabular",
        abstract: "Metrics of a regression (mse, r2) or classifier (accuracy, log_loss) on a CSV file.",
        discussion: "JSON keys: rows, and accuracy and log_loss for classifiers, or mse and r2 for regressions."
    )

    @Option(help: "A model file written by `recurrent train regression|classifier`.")
    var model: String

    @Option(help: "Labelled rows: a CSV (or .tsv) file with the model's feature and target columns.")
    var csv: String

    @Flag(help: "Print one JSON object.")
    var json = false

    func run() throws {
        let bundle = try TabularModelBundle.read(from: model)
        let table = try DelimitedText(contentsOfFile: csv)
        let data = TabularData(features: try bundle.features(from: table), targets: try bundle.targets(from: table))
        var metrics: [String: Any] = bundle.model.evaluate(data)
        metrics["rows"] = data.count
        if json {
            try printJSON(metrics)
        } else {
            for key in metrics.keys.sorted() { print("\(key) \(metrics[key]!)") }
        }
    }
}
