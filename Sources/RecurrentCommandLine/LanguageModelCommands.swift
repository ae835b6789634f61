import ArgumentParser
import Foundation
import Recurrent

/// `recurrent evaluate lm`: loss, perplexity and bits per character on a text.
struct EvaluateLanguageModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lm",
        abstract: "Loss and perplexity of a language model on a text.",
        discussion: """
            The whole text is one stream from a zero state; every token after the first is \
            predicted from all the tokens before it. Prints the loss (mean nats per predicted \
            token), the perplexity, and bits per character for character models. JSON keys: \
            loss, perplexity, tokens (how many were predicted), and bpc where it applies.
            """
    )

    @Option(help: "A language model file (from `recurrent train lm` or `recurrent import pytorch`).")
    var model: String

    @Option(help: "The text to evaluate on.")
    var text: String

    @Flag(help: "Print one JSON object.")
    var json = false

    func run() throws {
        let bundle = try LanguageModelBundle.read(from: model)
        let tokens = try bundle.vocabulary.encode(try TextFile.read(text), file: text)
        guard tokens.count >= 2 else { throw CommandError("\(text): needs at least 2 tokens to predict one") }
        let result = bundle.model.negativeLogLikelihood(of: tokens)
        var metrics: [String: Any] = ["loss": result.mean, "perplexity": exp(result.mean), "tokens": result.predicted]
        if bundle.vocabulary.level == .char { metrics["bpc"] = result.mean / log(2) }
        if json {
            try printJSON(metrics)
        } else {
            for key in ["loss", "perplexity", "bpc", "tokens"] where metrics[key] != nil { print("\(key) \(metrics[key]!)") }
        }
    }
}

/// `recurrent generate`: sampling text from a language model, streamed as it is generated.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate text from a language model, printing it as it is generated.",
        discussion: "Each token is drawn from softmax(logits / temperature), over the --top-k most likely when given."
    )

    @Option(help: "A language model file.")
    var model: String

    @Option(help: "Text to start from (default: a line break, or <eos> for word models).")
    var prime: String?

    @Option(help: "Tokens to generate.")
    var length = 500

    @Option(help: "Sampling temperature: lower is more conservative.")
    var temperature: Float = 1

    @Option(help: "Sample only among the K most likely tokens.")
    var topK: Int?

    @Option(help: "Random seed.")
    var seed: UInt64 = 0

    func validate() throws {
        guard length >= 0 else { throw ValidationError("--length must be >= 0") }
        guard temperature > 0 && temperature.isFinite else { throw ValidationError("--temperature must be a positive number") }
        if let topK, topK < 1 { throw ValidationError("--top-k must be at least 1") }
    }

    func run() throws {
        let bundle = try LanguageModelBundle.read(from: model)
        let vocabulary = bundle.vocabulary
        var primeTokens = try vocabulary.encode(Tokenizer.universalNewlines(prime ?? ""), file: "--prime")
        if vocabulary.level == .word, primeTokens.last == vocabulary.index(of: Vocabulary.endOfSentence), !(prime ?? "").hasSuffix("\n") {
            primeTokens.removeLast()  // a prime is a start, not a finished line
        }
        if primeTokens.isEmpty {
            let start = vocabulary.level == .char ? "\n" : Vocabulary.endOfSentence
            primeTokens = [vocabulary.index(of: start) ?? 0]
        } else if let prime {
            FileHandle.standardOutput.write(Data(prime.utf8))
        }
        var generator = RandomGenerator(seed: seed)
        let output = FileHandle.standardOutput
        var previousWasLineStart = prime.map { $0.isEmpty || $0.hasSuffix("\n") } ?? true
        TextGenerator(model: bundle.model).sample(prime: primeTokens, count: length, temperature: temperature, topK: topK,
                                                  generator: &generator) { token in
            let piece: String
            if vocabulary.level == .char {
                piece = vocabulary.tokens[token]
            } else {
                let word = vocabulary.tokens[token]
                piece = word == Vocabulary.endOfSentence ? "\n" : (previousWasLineStart ? "" : " ") + word
                previousWasLineStart = word == Vocabulary.endOfSentence
            }
            output.write(Data(piece.utf8))
        }
        output.write(Data("\n".utf8))
    }
}

/// `recurrent score`: each line's log-probability, for reranking candidates.
struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "The log-probability of each line of a text under a language model.",
        discussion: """
            Each line is scored on its own, from a zero state, after a line break (character \
            models) or <eos> (word models) as context: log p(line) = Σ log p(token | tokens \
            before it), including the closing line break or <eos>, in nats. Use it to rerank \
            candidate transcriptions or translations (the noisy-channel use of a language model). \
            Prints the log-probability, a tab and the line; with --json, \
            {"lines": [{"line": n, "log_probability": x, "tokens": k}, ...]}.
            """
    )

    @Option(help: "A language model file.")
    var model: String

    @Option(help: "The lines to score.")
    var text: String

    @Flag(help: "Print one JSON object.")
    var json = false

    func run() throws {
        let bundle = try LanguageModelBundle.read(from: model)
        let vocabulary = bundle.vocabulary
        let contents = try TextFile.read(text)
        var lines = contents.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if contents.hasSuffix("\n") { lines.removeLast() }
        let boundary = vocabulary.index(of: vocabulary.level == .char ? "\n" : Vocabulary.endOfSentence)
        var results: [[String: Any]] = []
        for (offset, line) in lines.enumerated() {
            var tokens = try vocabulary.encode(line + "\n", file: "\(text):\(offset + 1)")
            if let boundary { tokens.insert(boundary, at: 0) }
            let logProbabilities = bundle.model.tokenLogProbabilities(of: tokens)
            let total = logProbabilities.reduce(0, +)
            results.append(["line": offset + 1, "log_probability": total, "tokens": logProbabilities.count])
            if !json { print(String(format: "%.4f", total) + "\t" + line) }
        }
        if json { try printJSON(["lines": results]) }
    }
}
