import RecurrentData
import RecurrentNN
import RecurrentTensor

/// Where a task's embedding takes pretrained vectors from, and what to do with them: the flags
/// `--embeddings FILE [--embeddings-format F] [--freeze] [--embeddings-lowercase-fallback]
/// [--embeddings-vocab-only]` of every task with word embeddings.
public struct PretrainedEmbeddingSettings: Codable, Equatable, Sendable {
    /// The vector file (word2vec text or binary, GloVe, fastText `.vec`).
    public var path: String
    /// Its format; nil detects it.
    public var format: WordVectorFormat?
    /// Keep the embedding fixed during training (its parameter gets no gradient and no update).
    public var freeze = false
    /// A word missing from the file takes the vector of its lower-cased form when the file has it
    /// (lower-cased files such as GloVe 6B with a cased vocabulary).
    public var lowercaseFallback = false
    /// Read only the rows of the task's words: bounded memory and much faster on large files,
    /// but the other rows' values are not checked.
    public var vocabularyOnly = false

    public init(path: String, format: WordVectorFormat? = nil, freeze: Bool = false, lowercaseFallback: Bool = false,
                vocabularyOnly: Bool = false) {
        self.path = path
        self.format = format
        self.freeze = freeze
        self.lowercaseFallback = lowercaseFallback
        self.vocabularyOnly = vocabularyOnly
    }
}

/// What loading pretrained vectors into an embedding found.
public struct PretrainedEmbeddingReport: Equatable, Sendable {
    /// The vector file.
    public var file: String
    /// Task words given a vector, and how many of those through their lower-cased form.
    public var found: Int, foundByLowercase: Int
    /// Task words (rows of the embedding).
    public var words: Int
    /// The reader's notices (Latin-1 words, duplicates), for standard error.
    public var notices: [String]

    /// `12,345 of 14,828 words found in glove.txt (35 by their lower-case form); the rest initialized as usual`.
    public var summary: String {
        "\(grouped(found)) of \(grouped(words)) words found in \(file)"
            + (foundByLowercase > 0 ? " (\(grouped(foundByLowercase)) by their lower-case form)" : "")
            + (found < words ? "; the rest initialized as usual" : "")
    }

    /// `1234567` as `1,234,567`.
    public static func grouped(_ value: Int) -> String {
        var digits = String(value.magnitude), result = ""
        while digits.count > 3 {
            result = "," + digits.suffix(3) + result
            digits.removeLast(3)
        }
        return (value < 0 ? "-" : "") + digits + result
    }

    private func grouped(_ value: Int) -> String { Self.grouped(value) }
}

/// Why pretrained vectors cannot go into an embedding.
public struct PretrainedEmbeddingError: Error, CustomStringConvertible, Equatable, Sendable {
    public var file: String
    public var fileDimension: Int, embeddingDimension: Int

    public init(file: String, fileDimension: Int, embeddingDimension: Int) {
        self.file = file
        self.fileDimension = fileDimension
        self.embeddingDimension = embeddingDimension
    }

    public var description: String {
        "\(file): the vectors have \(fileDimension) values but the embedding has \(embeddingDimension); "
            + "make the embedding size \(fileDimension) (for example --embed \(fileDimension))"
    }
}

extension Embedding {
    /// Copies the vector of each word of `words` (row i of this embedding is `words[i]`) that
    /// `vectors` has into its row; other rows keep their values (the task's initialization).
    /// With `lowercaseFallback`, a word the vectors lack takes its lower-cased form's vector.
    ///
    /// - Returns: how many words were found, and how many of them through the fallback.
    /// - Throws: ``PretrainedEmbeddingError`` when the dimensions differ.
    @discardableResult
    public func loadPretrained(_ vectors: WordVectors, words: [String], lowercaseFallback: Bool = false,
                               file: String = "<vectors>") throws -> (found: Int, foundByLowercase: Int) {
        precondition(words.count == vocabularySize, "Embedding.loadPretrained: \(words.count) words for \(vocabularySize) rows")
        guard vectors.dimension == dimension else {
            throw PretrainedEmbeddingError(file: file, fileDimension: vectors.dimension, embeddingDimension: dimension)
        }
        var found = 0, byLowercase = 0
        let dimension = self.dimension
        vectors.values.withUnsafeBufferPointer { source in
            weight.update { table in
                for (row, word) in words.enumerated() {
                    var match = vectors.index(of: word)
                    if match == nil && lowercaseFallback, case let lower = word.lowercased(), lower != word {
                        match = vectors.index(of: lower)
                        if match != nil { byLowercase += 1 }
                    }
                    guard let match, row != paddingIndex else { continue }
                    found += 1
                    for j in 0..<dimension { table[row * dimension + j] = source[match * dimension + j] }
                }
            }
        }
        return (found, byLowercase)
    }
}

public enum PretrainedEmbeddings {
    /// Reads `settings.path` and loads it into `embedding` for `words` (``Embedding/loadPretrained(_:words:lowercaseFallback:file:)``),
    /// reading only the rows of those words (and their lower-cased forms) when
    /// `settings.vocabularyOnly`; then freezes the embedding when `settings.freeze`.
    ///
    /// Sequence classifiers, taggers and seq2seq models call this with their word vocabulary
    /// just after building the model, before making the optimizer.
    public static func load(_ settings: PretrainedEmbeddingSettings, into embedding: Embedding,
                            words: [String]) throws -> PretrainedEmbeddingReport {
        var keep: ((String) -> Bool)?
        if settings.vocabularyOnly {
            let wanted = Set(words + (settings.lowercaseFallback ? words.map { $0.lowercased() } : []))
            keep = { wanted.contains($0) }
        }
        let (vectors, report) = try WordVectorsReader.read(settings.path, format: settings.format, keeping: keep)
        let (found, byLowercase) = try embedding.loadPretrained(vectors, words: words, lowercaseFallback: settings.lowercaseFallback,
                                                                file: settings.path)
        if settings.freeze { embedding.weight.setTrainable(false) }
        return PretrainedEmbeddingReport(file: settings.path, found: found, foundByLowercase: byLowercase, words: words.count,
                                         notices: report.notices)
    }
}
