/// The settings of a word2vec training run, named and defaulted as the original tool and gensim
/// name and default them (`-size 100 -window 5 -negative 5 -min-count 5 -sample 1e-3 -iter 5`).
public struct Word2VecSettings: Codable, Equatable, Sendable {
    /// Which word predicts which.
    public enum Architecture: String, Codable, CaseIterable, Sendable {
        /// Each context word predicts the center word (better for rare words).
        case skipGram = "skipgram"
        /// The mean of the context words predicts the center word (faster).
        case cbow
    }

    public var architecture = Architecture.skipGram
    /// The vector length.
    public var dimension = 100
    /// The largest distance between a word and a context word; each position draws its own
    /// window from 1...window, which weighs near words more.
    public var window = 5
    /// Negative words drawn per update.
    public var negatives = 5
    /// Words seen fewer times are dropped before training.
    public var minimumCount = 5
    /// The subsampling threshold s (``Subsampling``); 0 keeps every word.
    public var sample = 1e-3
    /// Passes over the text.
    public var epochs = 5
    /// The learning rate at the start (nil: 0.025 for skip-gram, 0.05 for CBOW, as the original
    /// tool has them); it falls linearly to ``finalLearningRate`` over all epochs.
    public var learningRate: Float?
    /// The learning rate at the end (gensim's `min_alpha`).
    public var finalLearningRate: Float = 1e-4
    /// Seeds the initial vectors and every random draw.
    public var seed: UInt64 = 1
    /// Longer lines are cut into sentences of this many words (gensim's limit).
    public var maximumSentenceLength = 10_000
    /// Words per unit of work given to a thread (gensim's `batch_words`).
    public var chunkWords = 10_000

    public init() {}

    /// The starting learning rate in force.
    public var initialLearningRate: Float { learningRate ?? (architecture == .cbow ? 0.05 : 0.025) }

    /// Why these settings cannot train, or nil.
    public var problem: String? {
        if dimension < 1 || dimension > 65536 { return "the dimension must be in 1...65536" }
        if window < 1 || window > 1000 { return "the window must be in 1...1000" }
        if negatives < 1 || negatives > 1000 { return "the number of negative samples must be in 1...1000" }
        if minimumCount < 1 { return "the minimum count must be at least 1" }
        if !(sample >= 0 && sample.isFinite) { return "the sample threshold must be a non-negative number" }
        if epochs < 1 { return "the number of epochs must be at least 1" }
        if let learningRate, !(learningRate > 0 && learningRate.isFinite) { return "the learning rate must be a positive number" }
        if !(finalLearningRate >= 0 && finalLearningRate.isFinite) { return "the final learning rate must be a non-negative number" }
        if maximumSentenceLength < 1 || chunkWords < 1 { return "sentence and chunk lengths must be positive" }
        return nil
    }
}
