import RecurrentNN

/// Everything that defines a sequence classifier or regressor's training run; saved in
/// checkpoints so a resumed run continues with exactly the same settings. Sizes left nil take
/// the defaults for the kind of input (``resolved(for:)``), which the docs give with the figures
/// they reach (docs/sequence.md).
public struct SequenceTrainingSettings: Codable, Equatable, Sendable {
    public enum Objective: String, Codable, Sendable {
        case classification, regression
    }

    public var objective = Objective.classification
    /// The file layout (format and columns); nil: detected from the training file.
    public var layout: SequenceDataLayout?
    public var cell = SequenceCell.lstm
    public var layers = 1
    public var hiddenSize: Int?
    public var bidirectional: Bool?
    public var pooling: PoolingKind?
    /// Series: give the network each channel's first difference beside its value
    /// (``FrameEncoding``); nil: ``defaultFrameDifferences``.
    public var frameDifferences: Bool?
    /// Tokens: the embedding's width.
    public var embeddingSize: Int?
    public var dropout: Float?
    /// Tokens: keep words seen at least this often (and at most this many), lower-case them or not.
    public var minimumCount = 1
    public var maximumVocabulary: Int?
    public var lowercase = false
    /// Tokens: train the embedding with row-sparse gradients (PyTorch's `sparse=True`, with Adam
    /// its `SparseAdam`); nil: for vocabularies of ``SequenceTraining/sparseVocabulary`` words or more.
    public var sparseGradients: Bool?
    /// Tokens: initialize (and optionally freeze) the embedding from a vector file.
    public var pretrainedEmbeddings: PretrainedEmbeddingSettings?
    public var batch: Int?
    /// The optimizer; its learning rate is replaced by `learningRate` once resolved.
    public var optimizer = OptimizerSettings(kind: .adam, learningRate: 2e-3)
    /// nil: for Adam and AdamW 2e-3 for text and 1e-3 for series (whose long sequences of few
    /// examples train unsteadily at 2e-3), PyTorch's default for the other optimizers.
    public var learningRate: Float?
    public var weightDecay: Double?
    public var clip: Float? = 5
    /// Weigh each class's cross-entropy by n / (classes · n_c) (scikit-learn's "balanced").
    public var balancedClassWeights = false
    public var regressionLoss = RegressionLoss.mse
    public var epochs: Int?
    public var timeLimit: Double?
    public var earlyStoppingPatience: Int?
    /// The fraction of the training file held out (stratified) when there is no validation file.
    public var validationFraction = 0.1
    /// The validation metric that picks the best model (nil: for classifiers accuracy, or loss on
    /// fewer than ``accuracySelectionMinimum`` validation examples; rmse for regressors).
    public var selection: String?
    public var seed: UInt64 = 0

    public init() {}

    /// Series read their channels' first differences too unless told not to: in 5-fold
    /// cross-validation over TRAIN (scripts/sequence_quality.py ts) they took JapaneseVowels from
    /// 95.9 to 97.8 % and GunPoint from 94.0 to 96.0 %.
    public static let defaultFrameDifferences = true

    /// Validations without improvement that stop a run unless a number of epochs is given: at
    /// least this many, and at least ``patienceSteps`` optimizer steps' worth (a set of 35 series
    /// in batches of 16 takes 3 steps an epoch, and its validation loss on 4 series is noisy).
    public static let defaultPatience = 10
    public static let patienceSteps = 500
    /// Validation sets at least this large pick the best classifier by accuracy; smaller ones by
    /// loss, since the accuracy of a few examples ties from epoch to epoch (a tie is no improvement,
    /// so the first epoch to reach it would be kept, undertrained).
    public static let accuracySelectionMinimum = 100

    /// These settings with every default filled in for `input` and the numbers of examples.
    public func resolved(for input: SequenceModel.Configuration.Input, trainingExamples: Int, validationExamples: Int) -> SequenceTrainingSettings {
        var settings = self
        let tokens = input == .tokens
        settings.hiddenSize = hiddenSize ?? 128
        settings.bidirectional = bidirectional ?? true
        settings.pooling = pooling ?? (tokens ? .attention : .max)
        settings.embeddingSize = embeddingSize ?? (tokens ? 128 : 0)
        settings.frameDifferences = tokens ? nil : frameDifferences ?? Self.defaultFrameDifferences
        settings.dropout = dropout ?? (tokens ? 0.5 : 0.2)
        settings.batch = batch ?? (tokens ? 32 : 16)
        settings.selection = selection ?? (objective == .regression ? "rmse"
            : validationExamples >= Self.accuracySelectionMinimum ? "accuracy" : "loss")
        let adam = optimizer.kind == .adam || optimizer.kind == .adamw
        settings.learningRate = learningRate ?? (adam ? (tokens ? 2e-3 : 1e-3) : optimizer.kind.defaultLearningRate)
        settings.optimizer.learningRate = settings.learningRate ?? optimizer.learningRate
        if epochs == nil && earlyStoppingPatience == nil {
            let batchesPerEpoch = (trainingExamples + (settings.batch ?? 1) - 1) / Swift.max(settings.batch ?? 1, 1)
            settings.earlyStoppingPatience = Swift.max(Self.defaultPatience, (Self.patienceSteps + batchesPerEpoch - 1) / Swift.max(batchesPerEpoch, 1))
        }
        return settings
    }

    /// The largest batch.
    public static let maximumBatch = 100_000

    /// Why these settings cannot train, or nil (sizes are checked once the data is known).
    public var problem: String? {
        if let learningRate, !(learningRate > 0 && learningRate.isFinite) { return "the learning rate must be a positive number" }
        if let batch, batch < 1 || batch > Self.maximumBatch { return "the batch must be in 1...\(Self.maximumBatch)" }
        if let dropout, !(dropout >= 0 && dropout < 1) { return "dropout must be in [0, 1)" }
        if let epochs, epochs < 1 { return "epochs must be at least 1" }
        if let earlyStoppingPatience, earlyStoppingPatience < 1 { return "the patience must be at least 1" }
        if let clip, !(clip > 0 && clip.isFinite) { return "the clipping norm must be a positive number" }
        if !(validationFraction > 0 && validationFraction < 1) { return "the validation fraction must be in (0, 1)" }
        if minimumCount < 1 { return "the minimum count must be at least 1" }
        if let maximumVocabulary, maximumVocabulary < 2 { return "the vocabulary must hold at least 2 words" }
        return optimizer.problem
    }
}
