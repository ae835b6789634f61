import ArgumentParser
import Foundation
import Recurrent

/// The decoding flags `translate`, `evaluate seq2seq` and `attention` share.
struct DecodingFlags: ParsableArguments {
    @Option(help: "Beam size (1: greedy).")
    var beam = DecodingOptions().beamSize

    @Option(help: "Length normalization α: hypotheses are ranked by log p / length^α (0: none).")
    var lengthPenalty = DecodingOptions().lengthPenalty

    @Option(help: "A translation has at most ceil(RATIO × source words) + --max-offset tokens.")
    var maxRatio = DecodingOptions().maximumLengthRatio

    @Option(help: "See --max-ratio.")
    var maxOffset = DecodingOptions().maximumLengthOffset

    @Option(help: "Sentences decoded together (each with its beam).")
    var batch = 64

    func validate() throws {
        if let problem = options(nBest: 1).problem { throw ValidationError(problem) }
        if batch < 1 { throw ValidationError("--batch must be at least 1") }
    }

    func options(nBest: Int, recordsAttention: Bool = false) -> DecodingOptions {
        DecodingOptions(beamSize: beam, lengthPenalty: lengthPenalty, maximumLengthRatio: maxRatio, maximumLengthOffset: maxOffset,
                        nBest: nBest, recordsAttention: recordsAttention)
    }
}

/// `recurrent translate`: source lines on standard input (or --input), translations out.
struct TranslateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "translate",
        abstract: "Translate lines with a seq2seq model (beam search), one output line per input line.",
        discussion: """
            Reads source sentences, one per line, from standard input or --input, and prints each \
            translation, detokenized, on its own line. With --n-best K, prints K lines per sentence \
            in Moses' n-best format: `i ||| translation ||| score`, i counting from 0, best first, \
            the score log p / length^α. --json prints {"translations": [{"line": n, "hypotheses": \
            [{"text", "score", "log_probability"}, ...]}, ...]}.
            """
    )

    @Option(help: "A seq2seq model file (from `recurrent train seq2seq`).")
    var model: String

    @Option(help: "Read source lines from this file instead of standard input.")
    var input: String?

    @OptionGroup var decoding: DecodingFlags

    @Option(help: "Hypotheses per sentence (at most the beam size).")
    var nBest = 1

    @Flag(help: "Print one JSON object.")
    var json = false

    func validate() throws {
        if nBest < 1 || nBest > decoding.beam { throw ValidationError("--n-best must be in 1...\(decoding.beam) (the beam size)") }
    }

    func run() throws {
        let bundle = try Seq2SeqBundle.read(from: model)
        let lines = try readSourceLines(input)
        let translations = translate(bundle, lines: lines, options: decoding.options(nBest: nBest), batch: decoding.batch)
        if json {
            try printJSON(["translations": translations.enumerated().map { index, hypotheses in
                ["line": index + 1, "hypotheses": hypotheses.map { hypothesis -> [String: Any] in
                    ["text": bundle.decodeTarget(hypothesis.tokens), "score": hypothesis.score, "log_probability": hypothesis.logProbability]
                }] as [String: Any]
            }])
            return
        }
        var output = ""
        for (index, hypotheses) in translations.enumerated() {
            if nBest == 1 {
                output += (hypotheses.first.map { bundle.decodeTarget($0.tokens) } ?? "") + "\n"
            } else {
                for hypothesis in hypotheses {
                    output += "\(index) ||| \(bundle.decodeTarget(hypothesis.tokens)) ||| \(String(format: "%.6f", hypothesis.score))\n"
                }
            }
        }
        FileHandle.standardOutput.write(Data(output.utf8))
    }
}

/// Source lines from a file, or standard input when `path` is nil (empty input: no lines).
func readSourceLines(_ path: String?) throws -> [String] {
    if let path { return try ParallelText.lines(ofFile: path) }
    let bytes = [UInt8](FileHandle.standardInput.readDataToEndOfFile())
    guard !bytes.isEmpty else { return [] }
    return ParallelText.lines(of: try TextFile.decode(bytes, file: "<standard input>"))
}

/// Every line's `options.nBest` best translations, decoding `batch` sentences at a time (sorted
/// by length, so a batch pads little), in the lines' order.
func translate(_ bundle: Seq2SeqBundle, lines: [String], options: DecodingOptions, batch: Int) -> [[Hypothesis]] {
    let sources = lines.map(bundle.encodeSource)
    var result = [[Hypothesis]](repeating: [], count: sources.count)
    for indices in SequenceBatcher(lengths: sources.map(\.count), batchSize: batch).orderedBatches(sortedByLength: true) {
        let found = bundle.model.beamSearch(indices.map { sources[$0] }, options: options)
        for (index, hypotheses) in zip(indices, found) { result[index] = hypotheses }
    }
    return result
}
