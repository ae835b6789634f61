import RecurrentData
import RecurrentNN

/// Everything that defines a seq2seq training run; saved in checkpoints so a resumed run
/// continues with exactly the same settings. The defaults are the ones `recurrent train seq2seq`
/// uses (docs/seq2seq.md gives the runs they were chosen by).
public struct Seq2SeqTrainingSettings: Codable, Equatable, Sendable {
    // MARK: Model
    public var cell: CellKind = .gru
    public var layers = 1
    public var hiddenSize = 512
    public var embeddingSize = 256
    public var bidirectional = true
    public var attention: AttentionKind = .additive
    public var inputFeeding = false
    public var dropout: Float = 0.3
    public var tiedOutput = false
    /// Vectors that initialize both embeddings, for the words of each vocabulary the file holds.
    public var pretrainedEmbeddings: PretrainedEmbeddingSettings?

    // MARK: Data
    /// Lower-case all text before tokenizing.
    public var lowercase = false
    /// Keep words seen at least this often in the training text (the rest are `<unk>`).
    public var minimumCount = 2
    /// Keep at most this many tokens in each vocabulary (specials included; nil: no limit).
    public var maximumVocabulary: Int?
    /// Training pairs with a side longer than this many tokens are left out.
    public var maximumLength = 50
    /// A synthetic task instead of files, with its lengths and examples per epoch.
    public var synthetic: SyntheticTranslation?
    public var syntheticLengths = 5...20
    public var syntheticExamples = 20_000

    // MARK: Training
    public var batch = 64
    public var optimizer = OptimizerSettings(kind: .adam, learningRate: 1e-3)
    public var clip: Float? = 1
    public var labelSmoothing: Float = 0.1
    public var scheduledSampling: Float = 0
    public var epochs: Int?
    public var timeLimit: Double?
    public var validationInterval: Double?
    public var earlyStoppingPatience: Int?
    /// The validation metric that picks the best model: `bleu` (the lower-cased one for a
    /// lower-casing model) or `loss`.
    public var selectBy = "bleu"
    /// Validation pairs translated for BLEU at each validation (nil: all).
    public var bleuSentences: Int?
    public var seed: UInt64 = 0

    public init() {}

    /// Validations without improvement that stop a run given no epoch or time limit.
    public static let defaultPatience = 3
    /// The largest batch and length accepted.
    public static let maximumBatch = 100_000, maximumTokens = 100_000

    /// The metric the trainer selects by.
    public var selection: ModelSelection {
        selectBy == "loss" ? .loss : ModelSelection.byName(lowercase ? "bleu_lowercase" : "bleu")
    }

    /// The model configuration for vocabularies of these sizes.
    public func configuration(sourceVocabularySize: Int, targetVocabularySize: Int) -> Seq2SeqConfiguration {
        Seq2SeqConfiguration(cell: cell, sourceVocabularySize: sourceVocabularySize, targetVocabularySize: targetVocabularySize,
                             embeddingSize: embeddingSize, hiddenSize: hiddenSize, layers: layers, bidirectional: bidirectional,
                             attention: attention, inputFeeding: inputFeeding, dropout: dropout, tiedOutput: tiedOutput)
    }

    /// Why these settings cannot train, or nil (the model's sizes are checked with the smallest
    /// vocabularies; the real ones are checked once known).
    public var problem: String? {
        if let problem = configuration(sourceVocabularySize: 5, targetVocabularySize: 5).problem { return problem }
        if pretrainedEmbeddings?.freeze == true && tiedOutput { return "a frozen embedding cannot be tied to the output layer, which would freeze it too" }
        if batch < 1 || batch > Self.maximumBatch { return "the batch must be in 1...\(Self.maximumBatch)" }
        if maximumLength < 1 || maximumLength > Self.maximumTokens { return "the maximum length must be in 1...\(Self.maximumTokens)" }
        if minimumCount < 1 { return "the minimum count must be at least 1" }
        if let maximumVocabulary, maximumVocabulary < 5 { return "the vocabulary limit must be at least 5 (4 special tokens and a word)" }
        if syntheticLengths.lowerBound < 1 || syntheticLengths.upperBound > 1000 { return "synthetic lengths must be within 1...1000" }
        if syntheticExamples < 1 || syntheticExamples > 10_000_000 { return "synthetic examples must be in 1...10000000" }
        if !(labelSmoothing >= 0 && labelSmoothing < 1) { return "label smoothing must be in [0, 1)" }
        if !(scheduledSampling >= 0 && scheduledSampling <= 1) { return "the scheduled sampling probability must be in [0, 1]" }
        if selectBy != "bleu" && selectBy != "loss" { return "select the best model by bleu or loss" }
        if let bleuSentences, bleuSentences < 1 { return "the BLEU sentence count must be at least 1" }
        if epochs == nil && timeLimit == nil && earlyStoppingPatience == nil {
            return "give a number of epochs, a time limit, or validation data with a patience"
        }
        if let epochs, epochs < 1 { return "epochs must be at least 1" }
        if let earlyStoppingPatience, earlyStoppingPatience < 1 { return "the patience must be at least 1" }
        if let clip, !(clip > 0 && clip.isFinite) { return "the clipping norm must be a positive number" }
        return optimizer.problem
    }
}
