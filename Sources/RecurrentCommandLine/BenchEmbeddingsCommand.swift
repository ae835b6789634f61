import ArgumentParser
import Foundation
import Recurrent

/// `recurrent bench embeddings`: word2vec training speed.
struct BenchEmbeddingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embeddings",
        abstract: "word2vec training speed in words per second, on a text file or a generated one.",
        discussion: """
            Words per second are the text's words (rare ones included) times epochs over the \
            training time, reading and vocabulary excluded: the figure gensim reports. Compare with \
            `python3 scripts/bench_reference.py embeddings --text FILE` (gensim, same settings and \
            threads). Without --text, a text of --words words is generated: sentences of 20 words \
            drawn from a Zipf distribution over 30,000 words.
            """
    )

    @Option(help: "Training text (default: a generated one).")
    var text: String?

    @Option(help: "Words of the generated text.")
    var words = 2_000_000

    @Option(help: "skipgram or cbow.")
    var model: Word2VecSettings.Architecture = .skipGram

    @Option(help: "Vector length.")
    var dim = 100

    @Option(help: "Largest distance between a word and a context word.")
    var window = 5

    @Option(help: "Negative samples per update.")
    var negative = 5

    @Option(help: "Drop words seen fewer times than this.")
    var minCount = 5

    @Option(help: "Subsampling threshold (0: keep all).")
    var sample = 1e-3

    @Option(help: "Passes over the text.")
    var epochs = 5

    @Option(help: "Initial learning rate (default: 0.025 for skipgram, 0.05 for cbow).")
    var lr: Float?

    @OptionGroup var common: BenchmarkOptions

    func validate() throws {
        guard words >= 1 else { throw ValidationError("--words must be positive") }
    }

    func run() throws {
        common.apply()
        var settings = Word2VecSettings()
        settings.architecture = model
        settings.dimension = dim
        settings.window = window
        settings.negatives = negative
        settings.minimumCount = minCount
        settings.sample = sample
        settings.epochs = epochs
        settings.learningRate = lr
        if let problem = settings.problem { throw CommandError(problem) }
        let corpus = try text.map { try WordCorpus.read($0, minimumCount: minCount) } ?? Self.generatedCorpus(words: words, minimumCount: minCount)
        let word2vec = Word2Vec(vocabulary: corpus, settings: settings)
        let summary = word2vec.train(on: corpus, threads: Kernels.threadCount)
        if common.json {
            try printJSON(["words_per_second": (summary.wordsPerSecond * 10).rounded() / 10, "seconds": summary.seconds,
                           "raw_words": summary.rawWords, "trained_words": summary.trainedWords, "vocabulary": corpus.words.count,
                           "model": model.rawValue, "dim": dim, "window": window, "negative": negative, "min_count": minCount,
                           "sample": sample, "epochs": epochs, "threads": Kernels.threadCount, "isa": Kernels.instructionSet,
                           "peak_memory_mb": peakMemoryMegabytes().rounded()])
        } else {
            print(String(format: "embeddings %@ dim=%d window=%d negative=%d epochs=%d threads=%d: %.0f words/s (%d words in %.2f s, %d words) (%@)",
                         model.rawValue, dim, window, negative, epochs, Kernels.threadCount, summary.wordsPerSecond, summary.rawWords,
                         summary.seconds, corpus.words.count, Kernels.instructionSet))
        }
    }

    /// Sentences of 20 words drawn from a Zipf distribution (P(rank r) ∝ 1/r) over 30,000 words.
    static func generatedCorpus(words: Int, minimumCount: Int) throws -> WordCorpus {
        let table = AliasTable(weights: (1...30_000).map { 1 / Double($0) })
        let names = (0..<30_000).map { "w\($0)" }
        var generator = RandomGenerator(seed: 1)
        let sentences = stride(from: 0, to: words, by: 20).map { start in
            (start..<Swift.min(start + 20, words)).map { _ -> String in
                let bucket = generator.nextInt(below: names.count)
                let keep = UInt32(truncatingIfNeeded: generator.next()) < table.thresholds[bucket]
                return names[keep ? bucket : Int(table.aliases[bucket])]
            }
        }
        return try WordCorpus(sentences: sentences, minimumCount: minimumCount)
    }
}
