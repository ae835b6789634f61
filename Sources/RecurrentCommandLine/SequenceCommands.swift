import ArgumentParser
import Foundation
import Recurrent

/// The data flags of the commands that read a sequence model's kind of file.
struct SequenceDataOptions: ParsableArguments {
    @Option(help: "Data: in the format the model was trained on, unless --format says otherwise.")
    var data: String

    @Option(help: "The data format: text, lines (unlabelled sentences, one per line), csv or ts (default: the model's).")
    var format: SequenceDataFormat?

    @Option(name: .customLong("text-column"), help: "CSV/TSV: the column holding the text (default: the model's).")
    var textColumn: String?

    @Option(name: .customLong("label-column"), help: "CSV/TSV: the label column(s) (default: the model's).")
    var labelColumn: String?

    /// The model's layout with the flags' changes.
    func layout(_ bundle: SequenceModelBundle) -> SequenceDataLayout {
        var layout = bundle.encoding.layout
        if let format {
            layout.format = format
        } else if layout.format == .text && SequenceDataFormat.detect(data) == .csv {
            layout.format = .csv
        }
        if let textColumn { layout.textColumn = textColumn }
        if let labelColumn { layout.labelColumns = labelColumn.split(separator: ",").map(String.init) }
        return layout
    }
}

/// `recurrent evaluate sequence`: a sequence classifier's or regressor's metrics on labelled data.
struct EvaluateSequenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sequence",
        abstract: "Metrics of a sequence classifier (accuracy, macro F1, per class, confusion) or regressor (rmse, mae, r2).",
        discussion: """
            JSON keys for classifiers: accuracy, macro_f1, classes (per label: precision, recall, \
            f1, support), labels, confusion (rows: true label, columns: predicted), examples; for \
            regressors: rmse, mae, r2, examples.
            """
    )

    @Option(help: "A model file written by `recurrent train sequence-classifier|sequence-regressor`.")
    var model: String

    @OptionGroup var data: SequenceDataOptions

    @Flag(help: "Print one JSON object.")
    var json = false

    func run() throws {
        let bundle = try SequenceModelBundle.read(from: model)
        let examples = try bundle.examples(from: data.data, layout: data.layout(bundle), labeled: true)
        let metrics = bundle.evaluate(examples)
        if json {
            try printJSON(metrics)
            return
        }
        if case .classes(let labels) = bundle.encoding.targets {
            print(String(format: "accuracy %.4f  macro F1 %.4f  (%d examples)", metrics["accuracy"] as? Double ?? 0,
                         metrics["macro_f1"] as? Double ?? 0, examples.count))
            let perClass = metrics["classes"] as? [String: [String: Any]] ?? [:]
            let width = max(5, labels.map(\.count).max() ?? 0)
            print("class".padding(toLength: width, withPad: " ", startingAt: 0) + "  precision  recall      f1  support")
            for label in labels {
                let row = perClass[label] ?? [:]
                print(label.padding(toLength: width, withPad: " ", startingAt: 0)
                      + String(format: "  %9.4f  %6.4f  %6.4f  %7d", row["precision"] as? Double ?? 0, row["recall"] as? Double ?? 0,
                               row["f1"] as? Double ?? 0, row["support"] as? Int ?? 0))
            }
            print("confusion (rows: true, columns: predicted)")
            for (label, row) in zip(labels, metrics["confusion"] as? [[Int]] ?? []) {
                print(label.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + row.map { String(format: "%5d", $0) }.joined())
            }
        } else {
            for key in ["rmse", "mae", "r2", "examples"] { print("\(key) \(metrics[key]!)") }
        }
    }
}

/// `recurrent predict --model M --data F` for a sequence model.
struct PredictSequenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Predict each sequence's class (with its probability) or values with a sequence model.",
        discussion: """
            Prints one line per example in file order: the label, a tab and its probability \
            (classifiers), or the values separated by tabs (regressors). Labels in the file are \
            ignored. --json prints {"predictions": [{"label": L, "probabilities": {label: p}}, ...]} \
            or {"predictions": [[values], ...]}.
            """
    )

    @Option(help: "A model file written by `recurrent train sequence-classifier|sequence-regressor`.")
    var model: String

    @OptionGroup var data: SequenceDataOptions

    @Flag(help: "Print one JSON object.")
    var json = false

    func run() throws {
        let bundle = try SequenceModelBundle.read(from: model)
        let layout = data.layout(bundle)
        // Text lines carry a label to skip; a .ts file says itself whether it has one.
        let examples = try bundle.examples(from: data.data, layout: layout, labeled: false)
        switch bundle.predictions(for: examples) {
        case .classes(let predicted, let probabilities):
            guard case .classes(let labels) = bundle.encoding.targets else { return }
            if json {
                try printJSON(["predictions": zip(predicted, probabilities).map { label, row in
                    ["label": labels[label], "probabilities": Dictionary(uniqueKeysWithValues: zip(labels, row))] as [String: Any]
                }])
            } else {
                for (label, row) in zip(predicted, probabilities) { print("\(labels[label])\t\(String(format: "%.6f", row[label]))") }
            }
        case .values(let rows):
            if json {
                try printJSON(["predictions": rows])
            } else {
                for row in rows { print(row.map { String(format: "%.6g", $0) }.joined(separator: "\t")) }
            }
        }
    }
}

/// `recurrent embed`: each sequence's encoder state, for clustering and similarity.
struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Write each sequence's encoder state (the pooled vector the model's output layer reads) to a TSV file.",
        discussion: """
            One line per example, in file order: the values separated by tabs. Sequences the model \
            finds alike get nearby vectors, to cluster or compare (cosine similarity), as the \
            tutorial's "behaviour of users from their logs".
            """
    )

    @Option(help: "A model file written by `recurrent train sequence-classifier|sequence-regressor`.")
    var model: String

    @OptionGroup var data: SequenceDataOptions

    @Option(help: "Where to write the vectors (TSV).")
    var out: String

    func run() throws {
        try checkWritableDestination(out, flag: "--out")
        let bundle = try SequenceModelBundle.read(from: model)
        let examples = try bundle.examples(from: data.data, layout: data.layout(bundle), labeled: false)
        var text = ""
        for row in bundle.model.embeddings(for: examples) {
            text += row.map { "\($0)" }.joined(separator: "\t") + "\n"
        }
        try writeAtomically(Data(text.utf8), to: out)
        printError("wrote \(examples.count) vectors of \(bundle.model.configuration.pooledWidth) values to \(out)")
    }
}
