import ArgumentParser
import Foundation
import Recurrent

/// The flags of every task with word embeddings that initialize them from a vector file.
struct PretrainedEmbeddingOptions: ParsableArguments {
    @Option(help: "Initialize the word embedding from this vector file (word2vec text or binary, GloVe, fastText .vec); words it lacks are initialized as usual.")
    var embeddings: String?

    @Option(help: "The vector file's format: \(WordVectorFormat.allCases.map(\.rawValue).joined(separator: ", ")) (default: detected).")
    var embeddingsFormat: WordVectorFormat?

    @Flag(help: "Keep the loaded embedding fixed (no gradient, no update).")
    var freeze = false

    @Flag(help: "A word the file lacks takes the vector of its lower-case form, when the file has it.")
    var embeddingsLowercaseFallback = false

    @Flag(help: "Read only the rows of the task's words (bounded memory and faster on large files; other rows are not checked).")
    var embeddingsVocabOnly = false

    func validate() throws {
        if embeddings == nil && (freeze || embeddingsFormat != nil || embeddingsLowercaseFallback || embeddingsVocabOnly) {
            throw ValidationError("--freeze, --embeddings-format, --embeddings-lowercase-fallback and --embeddings-vocab-only need --embeddings FILE")
        }
    }

    var settings: PretrainedEmbeddingSettings? {
        embeddings.map {
            PretrainedEmbeddingSettings(path: $0, format: embeddingsFormat, freeze: freeze, lowercaseFallback: embeddingsLowercaseFallback,
                                        vocabularyOnly: embeddingsVocabOnly)
        }
    }

    /// The vectors' dimension, read from the file's start (to size the embedding when no size is given).
    func dimension() throws -> Int? {
        guard let embeddings else { return nil }
        return try WordVectorsReader.read(embeddings, format: embeddingsFormat, limit: 1).vectors.dimension
    }

    /// Prints the one-line report of a load (and the reader's notices) on standard error.
    static func printReport(_ report: PretrainedEmbeddingReport?) {
        guard let report else { return }
        for notice in report.notices { printError(notice) }
        printError(report.summary)
    }
}
