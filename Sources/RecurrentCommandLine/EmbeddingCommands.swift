import ArgumentParser
import Foundation
import Recurrent

/// The flags that name a word-vector file.
struct VectorFileOptions: ParsableArguments {
    @Option(help: "Word vectors: word2vec text or binary, GloVe text or fastText .vec.")
    var embeddings: String

    @Option(help: "The file's format: \(WordVectorFormat.allCases.map(\.rawValue).joined(separator: ", ")) (default: detected).")
    var embeddingsFormat: WordVectorFormat?

    /// Reads the file (its first `limit` rows), printing the reader's notices on stderr.
    func load(limit: Int? = nil) throws -> WordVectors {
        let (vectors, report) = try WordVectorsReader.read(embeddings, format: embeddingsFormat, limit: limit)
        for notice in report.notices { printError(notice) }
        guard vectors.count > 0 else { throw CommandError("\(embeddings): the file holds no vectors") }
        return vectors
    }
}

/// `recurrent neighbors`: the words nearest to a word by cosine similarity.
struct NeighborsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "neighbors",
        abstract: "The words most similar to a word (cosine similarity of their vectors).",
        discussion: "Prints one `word similarity` line per neighbor, most similar first (with --json, one object)."
    )

    @OptionGroup var file: VectorFileOptions

    @Option(help: "The word.")
    var word: String

    @Option(help: "How many neighbors.")
    var k = 10

    @Option(help: "Consider only the first N words of the file (the most frequent, in files sorted by frequency).")
    var restrict: Int?

    @Flag(help: "Print one JSON object.")
    var json = false

    func validate() throws {
        guard k >= 1 else { throw ValidationError("--k must be at least 1") }
        if let restrict, restrict < 1 { throw ValidationError("--restrict must be at least 1") }
    }

    func run() throws {
        let similarity = WordSimilarity(try file.load(), restrict: restrict)
        guard let matches = similarity.neighbors(of: word, k: k) else {
            throw CommandError("\(word.debugDescription) is not in \(file.embeddings) (\(similarity.unitVectors.count) words)")
        }
        try printMatches(matches, json: json, query: ["word": word])
    }
}

/// `recurrent analogy a b c`: "a is to b as c is to ?".
struct AnalogyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analogy",
        abstract: "Answer \"A is to B as C is to ?\" with the words nearest to B - A + C (3CosAdd over unit vectors).",
        discussion: "`recurrent analogy --embeddings vectors.txt man king woman` asks for the word that is to woman what king is to man."
    )

    @OptionGroup var file: VectorFileOptions

    @Argument(help: "The words A, B and C.")
    var words: [String]

    @Option(help: "How many answers.")
    var k = 10

    @Option(help: "Consider only the first N words of the file as answers.")
    var restrict: Int?

    @Flag(help: "Print one JSON object.")
    var json = false

    func validate() throws {
        guard words.count == 3 else { throw ValidationError("give three words: A B C (A is to B as C is to ?)") }
        guard k >= 1 else { throw ValidationError("--k must be at least 1") }
        if let restrict, restrict < 1 { throw ValidationError("--restrict must be at least 1") }
    }

    func run() throws {
        let similarity = WordSimilarity(try file.load(), restrict: restrict)
        switch similarity.analogy(words[0], words[1], words[2], k: k) {
        case .success(let matches):
            try printMatches(matches, json: json, query: ["a": words[0], "b": words[1], "c": words[2]])
        case .failure(let missing):
            throw CommandError("\(missing.word.debugDescription) is not in \(file.embeddings) (\(similarity.unitVectors.count) words)")
        }
    }
}

/// Prints matches as `word similarity` lines or one JSON object.
private func printMatches(_ matches: [WordSimilarity.Match], json: Bool, query: [String: Any]) throws {
    if json {
        try printJSON(query.merging(["results": matches.map { ["word": $0.word, "similarity": Double($0.similarity)] }]) { $1 })
    } else {
        for match in matches { print(String(format: "%@ %.4f", match.word, match.similarity)) }
    }
}

/// `recurrent evaluate embeddings`: accuracy on word analogies.
struct EvaluateEmbeddingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embeddings",
        abstract: "Word-analogy accuracy of word vectors (Mikolov et al.'s questions-words.txt format).",
        discussion: """
            Each question "a b c d" is answered with the word nearest to b - a + c (3CosAdd over \
            unit vectors, a, b and c excluded), among the first --restrict words of the file, as \
            gensim's evaluate_word_analogies does (same default, 300000, and case-insensitive \
            comparison). Questions with a word outside those are counted as out of vocabulary: \
            `accuracy` is correct / answered (gensim's and compute-accuracy's figure), \
            `accuracy_all` correct / questions. JSON keys: sections (name, questions, answered, \
            correct, oov, accuracy, accuracy_all), semantic, syntactic, total, restrict, vocabulary.
            """
    )

    @OptionGroup var file: VectorFileOptions

    @Option(help: "Analogy questions: `: section` lines, then four words per line.")
    var analogies: String

    @Option(help: "Candidates and question words: the first N words of the file.")
    var restrict = 300_000

    @Flag(help: "Compare words exactly instead of upper-cased.")
    var caseSensitive = false

    @Flag(help: "Print one JSON object.")
    var json = false

    func validate() throws {
        guard restrict >= 1 else { throw ValidationError("--restrict must be at least 1") }
    }

    func run() throws {
        let questions = try AnalogyQuestions.read(analogies)
        let vectors = try file.load(limit: restrict)
        let result = AnalogyEvaluation.evaluate(questions, similarity: WordSimilarity(vectors), caseInsensitive: !caseSensitive)
        func object(_ score: AnalogyScore) -> [String: Any] {
            ["name": score.name, "questions": score.questions, "answered": score.answered, "correct": score.correct,
             "oov": score.outOfVocabulary, "accuracy": score.accuracy, "accuracy_all": score.accuracyOverAll]
        }
        if json {
            try printJSON(["sections": result.sections.map(object), "semantic": object(result.semantic), "syntactic": object(result.syntactic),
                           "total": object(result.total), "restrict": restrict, "vocabulary": vectors.count])
        } else {
            for score in result.sections + [result.semantic, result.syntactic, result.total] {
                print(score.name.padding(toLength: max(score.name.count, 28), withPad: " ", startingAt: 0)
                      + String(format: " %5.1f%%  (%d of %d answered, %d out of vocabulary)", score.accuracy * 100, score.correct,
                               score.answered, score.outOfVocabulary))
            }
        }
    }
}
