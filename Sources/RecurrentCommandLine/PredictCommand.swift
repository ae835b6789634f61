import ArgumentParser
import Foundation
import Recurrent

struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Predict with any model that makes predictions (\(ModelKindRoutes.kinds(ModelKindRoutes.predict))).",
        discussion: """
            Reads the kind of model --model holds and predicts with that kind's options: tabular \
            models take --csv FILE (or --data FILE) and print one prediction per line, the value \
            (regression) or the label and its probability (classifier); --json prints one object.
            """
    )

    @Option(help: "A model file.")
    var model: String

    @Argument(parsing: .allUnrecognized, help: "The options of the model kind's prediction (for tabular models: --csv FILE [--json]).")
    var options: [String] = []

    func run() throws {
        try ModelKindRoutes.run(ModelKindRoutes.predict, command: "predict", modelPath: model, arguments: options)
    }
}

/// `recurrent predict --model M --csv F` for a tabular model.
struct PredictTabularCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Predict the target of every row of a CSV file with a tabular model.",
        discussion: "Prints one prediction per line: the value (regression), or the label and its probability (classifier)."
    )

    @Option(help: "A model file written by `recurrent train regression|classifier`.")
    var model: String

    @Option(name: [.customLong("csv"), .customLong("data")], help: "Rows to predict: a CSV (or .tsv) file with the model's feature columns.")
    var csv: String

    @Flag(help: "Print one JSON object: {\"predictions\": [...]}.")
    var json = false

    func run() throws {
        let bundle = try TabularModelBundle.read(from: model)
        let table = try DelimitedText(contentsOfFile: csv)
        let features = try bundle.features(from: table)
        let predictions = bundle.predict(features)
        if let classes = bundle.configuration.classes {
            let probabilities: [[Float]] = (0..<features.shape[0]).map { row in
                classes.count == 2 ? { let p = predictions[row].scalars[0]; return [1 - p, p] }() : predictions[row].scalars
            }
            let labels = probabilities.map { row in row.indices.max(by: { row[$0] < row[$1] }) ?? 0 }
            if json {
                try printJSON(["predictions": zip(labels, probabilities).map { label, row in
                    ["label": classes[label], "probabilities": Dictionary(uniqueKeysWithValues: zip(classes, row.map(Double.init)))] as [String: Any]
                }])
            } else {
                for (label, row) in zip(labels, probabilities) { print("\(classes[label])\t\(row[label])") }
            }
        } else {
            let values = predictions.scalars
            if json { try printJSON(["predictions": values.map(Double.init)]) } else { values.forEach { print($0) } }
        }
    }
}
