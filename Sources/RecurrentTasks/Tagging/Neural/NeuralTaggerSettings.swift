import RecurrentNN

/// Everything that defines a neural tagger's training run (`bilstm`, `bilstm-crf`); saved in its
/// checkpoints so `--resume` continues with exactly the same settings. The defaults are the ones
/// tuned on the UD English EWT dev set (docs/tagging.md gives the figures).
public struct NeuralTaggerSettings: Codable, Equatable, Sendable {
    /// A CRF output layer (`bilstm-crf`) or a per-token softmax (`bilstm`).
    public var crf = true
    public var wordDimension = 100
    /// Each direction of the character BiLSTM (0: no character encoder).
    public var characterHiddenSize = 50
    public var characterDimension = 30
    /// Each direction of the word-level BiLSTM.
    public var hiddenSize = 200
    public var layers = 2
    /// Dropout on the BiLSTM's input, between its layers and on its output.
    public var dropout: Float = 0.33
    /// Word dropout α (Kiperwasser and Goldberg 2016): in training a word seen c times is replaced
    /// by the unknown word with probability α / (α + c), so the unknown row learns what rare words
    /// look like and the tagger leans on their spelling. 0: none.
    public var wordDropout = 0.25
    public var lowercaseWords = true
    public var normalizeDigits = true
    /// Word keys seen fewer times get no row of their own (they are unknown words).
    public var minimumCount = 1
    /// Sentences per batch.
    public var batch = 32
    public var optimizer = OptimizerSettings(kind: .adam, learningRate: Self.defaultLearningRate(for: .adam))
    public var clip: Float? = Self.defaultClip
    /// Multiply the learning rate by this at the start of every epoch after the first (nil: constant).
    public var learningRateDecay: Float?
    public var epochs: Int?
    public var timeLimit: Double?
    public var validationInterval: Double?
    public var earlyStoppingPatience: Int?
    public var seed: UInt64 = 0
    public var pretrainedEmbeddings: PretrainedEmbeddingSettings?

    public init() {}

    /// 2e-3 for Adam and AdamW, PyTorch's default for the others.
    public static func defaultLearningRate(for kind: OptimizerSettings.Kind) -> Float {
        kind == .adam || kind == .adamw ? 2e-3 : kind.defaultLearningRate
    }

    public static let defaultClip: Float? = 5

    /// Epochs when neither epochs nor a time limit is given.
    public static let defaultEpochs = 30

    /// The largest batch.
    public static let maximumBatch = 100_000

    /// The network these settings build for a vocabulary and tag set.
    public func configuration(tags: Int, vocabulary: NeuralTaggerVocabulary) -> NeuralTaggerConfiguration {
        var configuration = NeuralTaggerConfiguration(
            tagCount: tags, wordCount: vocabulary.words.count, wordDimension: wordDimension, characterCount: vocabulary.characters.count,
            characterDimension: characterDimension, characterHiddenSize: characterHiddenSize, hiddenSize: hiddenSize, layers: layers,
            dropout: dropout, crf: crf)
        configuration.lowercaseWords = lowercaseWords
        configuration.normalizeDigits = normalizeDigits
        return configuration
    }

    /// Why these settings cannot train, or nil (the network's sizes checked with a minimal vocabulary).
    public var problem: String? {
        if batch < 1 || batch > Self.maximumBatch { return "the batch must be in 1...\(Self.maximumBatch)" }
        let minimal = NeuralTaggerVocabulary(words: NeuralTaggerVocabulary.reserved, characters: NeuralTaggerVocabulary.reserved,
                                             lowercase: lowercaseWords, normalizeDigits: normalizeDigits)
        if let problem = configuration(tags: 1, vocabulary: minimal).problem { return problem }
        if !(wordDropout >= 0 && wordDropout.isFinite) { return "the word dropout α must be a number ≥ 0" }
        if minimumCount < 1 { return "the minimum count must be at least 1" }
        if let epochs, epochs < 1 { return "epochs must be at least 1" }
        if let timeLimit, !(timeLimit > 0 && timeLimit.isFinite) { return "the time limit must be positive" }
        if let earlyStoppingPatience, earlyStoppingPatience < 1 { return "the patience must be at least 1" }
        if let clip, !(clip > 0 && clip.isFinite) { return "the clipping norm must be a positive number" }
        if let learningRateDecay, !(learningRateDecay > 0 && learningRateDecay <= 1) { return "the learning-rate decay must be in (0, 1]" }
        return optimizer.problem
    }
}
