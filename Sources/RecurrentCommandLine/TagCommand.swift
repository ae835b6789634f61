import ArgumentParser
import Foundation
import Recurrent

/// `recurrent tag`: tags sentences read from standard input (or --input) with a tagger model.
struct TagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tag",
        abstract: "Tag sentences with a tagger model (from `recurrent train tagger`).",
        discussion: """
            Input formats: text (one sentence per line, words separated by spaces; prints \
            word/TAG word/TAG ...), conllu (prints the same CoNLL-U with the tag column filled; \
            comments, multiword ranges and empty nodes are kept) or columns (prints each line \
            with the predicted tag appended as a last column, the input conlleval reads). \
            --json prints {"sentences": [{"words": [...], "tags": [...]}, ...]} instead.
            """
    )

    @Option(help: "A tagger model file.")
    var model: String

    @Option(help: "Input format: text, conllu or columns (default: conllu for .conllu input, otherwise text).")
    var format: TaggedTextFormat?

    @Option(help: "Read this file instead of standard input.")
    var input: String?

    @Option(help: "CoNLL-U output: the column to fill, upos, xpos or a number (default: the model's training column, else upos).")
    var tagColumn: TagColumn?

    @Flag(help: "Print one JSON object.")
    var json = false

    func run() throws {
        let bundle = try TaggerBundle.read(from: model)
        let name = input ?? "<stdin>"
        let bytes: [UInt8]
        if let input {
            guard let data = FileManager.default.contents(atPath: input) else { throw CommandError("\(input): cannot read the file") }
            bytes = [UInt8](data)
        } else {
            bytes = [UInt8](FileHandle.standardInput.readDataToEndOfFile())
        }
        let inputFormat = format ?? (input.map { TaggedTextFormat.guess(path: $0, otherwise: .text) } ?? .text)
        let column = tagColumn ?? bundle.configuration.tagColumn.flatMap { TagColumn($0) } ?? .upos
        let output = FileHandle.standardOutput
        switch inputFormat {
        case .conllu:
            let (corpus, document) = try TaggedCorpus.readCoNLLU(bytes, file: name, tagColumn: column)
            let tags = corpus.sentences.map { bundle.tag($0.words) }
            if json { return try printSentences(corpus, tags) }
            output.write(Data(try document.filling(column: column.conlluColumn, with: tags).utf8))
        case .columns:
            let corpus = try TaggedCorpus.parse(bytes, file: name, format: .columns, requireTags: false)
            let tags = corpus.sentences.map { bundle.tag($0.words) }
            if json { return try printSentences(corpus, tags) }
            // Append each tag to its source line; sentences separated by a blank line.
            let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            var text = ""
            for (sentence, sentenceTags) in zip(corpus.sentences, tags) {
                for (line, tag) in zip(sentence.lines, sentenceTags) {
                    var source = lines[line - 1]
                    if source.hasSuffix("\r") { source = source.dropLast() }
                    text += source + " " + tag + "\n"
                }
                text += "\n"
            }
            output.write(Data(text.utf8))
        case .text:
            let corpus = try TaggedCorpus.parse(bytes, file: name, format: .text)
            let tags = corpus.sentences.map { bundle.tag($0.words) }
            if json { return try printSentences(corpus, tags) }
            var text = ""
            for (sentence, sentenceTags) in zip(corpus.sentences, tags) {
                text += zip(sentence.words, sentenceTags).map { "\($0)/\($1)" }.joined(separator: " ") + "\n"
            }
            output.write(Data(text.utf8))
        }
    }

    func printSentences(_ corpus: TaggedCorpus, _ tags: [[String]]) throws {
        try printJSON(["sentences": zip(corpus.sentences, tags).map { ["words": $0.words, "tags": $1] }])
    }
}
