import ArgumentParser
import Foundation
import Recurrent

extension Word2VecSettings.Architecture: ExpressibleByArgument {}

/// `recurrent train embeddings`: word2vec vectors from a plain text.
struct TrainEmbeddingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embeddings",
        abstract: "Train word2vec vectors (skip-gram or CBOW with negative sampling) on a text file.",
        discussion: """
            Each line of --text is a sentence of whitespace-separated words (lines over 10,000 \
            words are cut). Words seen fewer than --min-count times are dropped; frequent words \
            are subsampled (--sample); the learning rate falls linearly from --lr to --min-lr. \
            The vectors go to --out as word2vec binary when it ends in .bin, fastText text for \
            .vec, word2vec text otherwise (or as --out-format says), readable by gensim's \
            KeyedVectors.load_word2vec_format and the original C tool. With --threads 1 a run \
            depends only on the text and --seed; with more, threads update the vectors without \
            locks (Hogwild) and runs differ slightly.
            """
    )

    @Option(help: "Training text: one sentence per line.")
    var text: String

    @OptionGroup var word2vec: Word2VecOptions

    @Option(help: "Final learning rate.")
    var minLr: Float = 1e-4

    @Option(help: "Threads (default: all online CPUs).")
    var threads: Int?

    @Option(help: "Random seed (initial vectors, window sizes, subsampling, negative samples).")
    var seed: UInt64 = 1

    @Option(help: "Where to write the vectors.")
    var out: String

    @Option(help: "Output format: \(WordVectorFormat.allCases.map(\.rawValue).joined(separator: ", ")) (default: from --out's extension).")
    var outFormat: WordVectorFormat?

    @Option(help: "Append JSON-lines progress records to this file.")
    var log: String?

    var settings: Word2VecSettings {
        var settings = word2vec.settings
        settings.finalLearningRate = minLr
        settings.seed = seed
        return settings
    }

    func validate() throws {
        if let problem = settings.problem { throw ValidationError(problem) }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        try checkWritableDestination(out, flag: "--out")
        if let log { try checkWritableDestination(log, flag: "--log") }
        if let threads { Kernels.threadCount = threads }
        let metrics = try log.map { try MetricsLog(path: $0) }
        let readStart = ProcessInfo.processInfo.systemUptime
        let corpus = try WordCorpus.read(text, minimumCount: settings.minimumCount)
        if corpus.latin1Words > 0 {
            printError("\(text): \(corpus.latin1Words) words are not valid UTF-8 and were read as Latin-1")
        }
        printError("read \(text) in \(String(format: "%.1f", ProcessInfo.processInfo.systemUptime - readStart)) s: "
                   + "\(grouped(corpus.rawWordCount)) words, \(grouped(corpus.distinctWordCount)) distinct; "
                   + "\(grouped(corpus.words.count)) seen at least \(settings.minimumCount) times (\(grouped(corpus.tokens.count)) words in "
                   + "\(grouped(corpus.sentenceEnds.count)) sentences); \(settings.architecture.rawValue), dimension \(settings.dimension), \(Kernels.threadCount) threads")
        let model = Word2Vec(vocabulary: corpus, settings: settings)
        let reporter = ProgressReporter(plainInterval: 10)
        var logError: Error?
        let summary = model.train(on: corpus, threads: Kernels.threadCount) { progress in
            let text = String(format: "epoch %d/%d %3.0f%%  %@ words/s  lr %.5f", progress.epoch, progress.epochs,
                              progress.fraction * 100, grouped(Int(progress.wordsPerSecond)), progress.learningRate)
            reporter.update(text, fraction: progress.fraction, now: progress.seconds)
            do {
                try metrics?.write(["event": "train", "epoch": progress.epoch, "fraction": progress.fraction,
                                    "words_per_second": progress.wordsPerSecond, "learning_rate": Double(progress.learningRate),
                                    "train_seconds": progress.seconds])
            } catch {
                logError = logError ?? error
            }
        }
        if let logError { throw logError }
        let format = outFormat ?? WordVectorsWriter.format(forPath: out)
        try WordVectorsWriter.write(model.vectors, to: out, format: format)
        reporter.line(String(format: "trained %@ words (%@ after subsampling) in %.1f s, %@ words/s; wrote %@ (%@ x %d, %@)",
                             grouped(summary.rawWords), grouped(summary.trainedWords), summary.seconds,
                             grouped(Int(summary.wordsPerSecond)), out, grouped(corpus.words.count), settings.dimension, format.displayName))
    }
}

/// The word2vec settings `train embeddings` and `bench embeddings` share.
struct Word2VecOptions: ParsableArguments {
    @Option(help: "skipgram (each context word predicts the word) or cbow (their mean predicts it).")
    var model: Word2VecSettings.Architecture = .skipGram

    @Option(help: "Vector length.")
    var dim = 100

    @Option(help: "Largest distance between a word and a context word.")
    var window = 5

    @Option(help: "Negative samples per update.")
    var negative = 5

    @Option(help: "Drop words seen fewer times than this.")
    var minCount = 5

    @Option(help: "Subsampling threshold for frequent words (0: keep all).")
    var sample = 1e-3

    @Option(help: "Passes over the text.")
    var epochs = 5

    @Option(help: "Initial learning rate (default: 0.025 for skipgram, 0.05 for cbow).")
    var lr: Float?

    func validate() throws {
        if let problem = settings.problem { throw ValidationError(problem) }
    }

    var settings: Word2VecSettings {
        var settings = Word2VecSettings()
        settings.architecture = model
        settings.dimension = dim
        settings.window = window
        settings.negatives = negative
        settings.minimumCount = minCount
        settings.sample = sample
        settings.epochs = epochs
        settings.learningRate = lr
        return settings
    }
}

/// `1234567` as `1,234,567`.
func grouped(_ value: Int) -> String { PretrainedEmbeddingReport.grouped(value) }
