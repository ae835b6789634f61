import ArgumentParser
import Foundation
import Recurrent

/// `recurrent evaluate tagger`: accuracy (overall, known and unknown words, whole sentences),
/// per-tag precision/recall/F1 and, for BIO tags, conlleval's chunk scores.
struct EvaluateTaggerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tagger",
        abstract: "Score a tagger model on tagged sentences.",
        discussion: """
            JSON keys: accuracy, known_accuracy, unknown_accuracy (words not in the training \
            data), sentence_accuracy, tokens, unknown_tokens, sentences, per_tag ({tag: \
            {precision, recall, f1, support, predicted}}) and, when the tags are BIO/IOB chunk \
            tags, chunks ({precision, recall, f1, gold_chunks, predicted_chunks, correct_chunks, \
            per_type}) computed as conlleval does. Values are fractions in [0, 1]. A tag the model \
            does not know is an error naming its file, line and column.
            """
    )

    @Option(help: "A tagger model file.")
    var model: String

    @Option(help: "Tagged sentences to score on.")
    var data: String

    @Option(help: "Input format: conllu or columns (default: conllu for .conllu files, else the model's training format).")
    var format: TaggedTextFormat?

    @Option(help: "The tag column (default: the model's training column).")
    var tagColumn: TagColumn?

    @Flag(help: "Print one JSON object.")
    var json = false

    func run() throws {
        let bundle = try TaggerBundle.read(from: model)
        let trainedFormat = bundle.configuration.format.flatMap(TaggedTextFormat.init(rawValue:)) ?? .columns
        let inputFormat = format ?? TaggedTextFormat.guess(path: data, otherwise: trainedFormat == .conllu ? .columns : trainedFormat)
        guard inputFormat != .text else { throw CommandError("--format text has no tags to score against; use conllu or columns") }
        let column = tagColumn ?? bundle.configuration.tagColumn.flatMap { TagColumn($0) }
        let corpus = try TaggedCorpus.read(data, format: inputFormat, tagColumn: column)
        guard !corpus.sentences.isEmpty else { throw CommandError("\(data): no sentences") }
        let start = monotonicSeconds()
        let evaluation = try bundle.evaluate(corpus)
        var metrics = evaluation.json
        metrics["tokens_per_second"] = Double(evaluation.tokens) / max(monotonicSeconds() - start, 1e-9)
        if json { return try printJSON(metrics) }
        print(String(format: "accuracy %.2f%% (%d tokens), known %.2f%%, unknown %.2f%% (%d tokens), sentences %.2f%% (%d)",
                     100 * evaluation.accuracy, evaluation.tokens, 100 * evaluation.knownAccuracy, 100 * evaluation.unknownAccuracy,
                     evaluation.tokens - evaluation.knownTokens, 100 * evaluation.sentenceAccuracy, evaluation.sentences))
        let perTag = metrics["per_tag"] as? [String: [String: Any]] ?? [:]
        print("tag        precision  recall      F1  support")
        for tag in perTag.keys.sorted() {
            let row = perTag[tag]!
            print(tag.padding(toLength: max(10, tag.count), withPad: " ", startingAt: 0) + String(format: " %8.2f%% %6.2f%% %6.2f%% %8d", 100 * (row["precision"] as? Double ?? 0),
                         100 * (row["recall"] as? Double ?? 0), 100 * (row["f1"] as? Double ?? 0), row["support"] as? Int ?? 0))
        }
        if let chunks = evaluation.chunks?.finished() {
            print(String(format: "chunks: precision %.2f%%, recall %.2f%%, FB1 %.2f (found %d, gold %d, correct %d)", 100 * chunks.overall.precision,
                         100 * chunks.overall.recall, 100 * chunks.overall.f1, chunks.overall.predicted, chunks.overall.gold, chunks.overall.correct))
            for type in chunks.byType.keys.sorted() where !type.isEmpty {
                let counts = chunks.byType[type]!
                print(String(repeating: " ", count: max(0, 17 - type.count)) + type + String(format: ": precision %6.2f%%; recall %6.2f%%; FB1 %6.2f  %d", 100 * counts.precision,
                             100 * counts.recall, 100 * counts.f1, counts.predicted))
            }
        }
    }
}
