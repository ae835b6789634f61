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

    @OptionGroup var word2vec: Word2VecOptions

    @OptionGroup var common: BenchmarkOptions

    func validate() throws {
        guard words >= 1 else { throw ValidationError("--words must be positive") }
    }

    func run() throws {
        common.apply()
        let settings = word2vec.settings
        let corpus = try text.map { try WordCorpus.read($0, minimumCount: settings.minimumCount) }
            ?? Self.generatedCorpus(words: words, minimumCount: settings.minimumCount)
        let model = Word2Vec(vocabulary: corpus, settings: settings)
        let summary = model.train(on: corpus, threads: Kernels.threadCount)
        if common.json {
            try printJSON(["words_per_second": (summary.wordsPerSecond * 10).rounded() / 10, "seconds": summary.seconds,
                           "raw_words": summary.rawWords, "trained_words": summary.trainedWords, "vocabulary": corpus.words.count,
                           "model": settings.architecture.rawValue, "dim": settings.dimension, "window": settings.window,
                           "negative": settings.negatives, "min_count": settings.minimumCount, "sample": settings.sample,
                           "epochs": settings.epochs, "threads": Kernels.threadCount, "isa": Kernels.instructionSet,
                           "peak_memory_mb": peakMemoryMegabytes().rounded()])
        } else {
            print(String(format: "embeddings %@ dim=%d window=%d negative=%d epochs=%d threads=%d: %.0f words/s (%d words in %.2f s, %d words) (%@)",
                         settings.architecture.rawValue, settings.dimension, settings.window, settings.negatives, settings.epochs,
                         Kernels.threadCount, summary.wordsPerSecond, summary.rawWords, summary.seconds, corpus.words.count,
                         Kernels.instructionSet))
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
