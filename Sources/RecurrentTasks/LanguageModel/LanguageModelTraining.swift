import Foundation
import RecurrentData
import RecurrentNN
import RecurrentTensor

/// Everything that defines a language-model training run; saved in checkpoints so `--resume`
/// continues with exactly the same settings.
public struct LanguageModelTrainingSettings: Codable, Equatable, Sendable {
    public var level: TokenLevel = .char
    public var cell: CellKind = .lstm
    public var layers = 2
    public var hiddenSize = 512
    public var embeddingSize = 64
    /// Dropout on the embeddings, between layers and before the decoder. 0.2 by default (PyTorch's
    /// word_language_model default): on tinyshakespeare a 2 × 512 LSTM trained 15 minutes reaches
    /// 1.543 nats/char on held-out text with it and 1.596 without.
    public var dropout: Float = 0.2
    public var tiedWeights = false
    /// Initialize every weight uniform in ±initRange (Zaremba et al.); nil: the defaults.
    public var initRange: Float?
    /// Word level: keep at most this many words / words seen at least this often.
    public var maximumVocabulary: Int?
    public var minimumCount = 1
    public var window = 64
    public var batch = 32
    public var optimizer = OptimizerSettings(kind: .adam, learningRate: Self.defaultLearningRate(for: .adam))
    /// Clip the global gradient norm to this (nil: no clipping).
    public var clip: Float? = Self.defaultClip
    /// Multiply the learning rate by `decay` at the start of each epoch from `start` (1-based) on.
    public var learningRateDecay: Float?
    public var learningRateDecayStart = 1
    public var epochs: Int?
    public var timeLimit: Double?
    public var validationInterval: Double?
    public var earlyStoppingPatience: Int?
    public var seed: UInt64 = 0
    /// Word level: initialize the embedding from a vector file (and maybe freeze it).
    public var pretrainedEmbeddings: PretrainedEmbeddingSettings?

    public init() {}

    /// The learning rate used when none is given: 2e-3 for Adam and AdamW (char-rnn's and the
    /// tutorial models' choice, faster than PyTorch's 1e-3 for these models), PyTorch's default
    /// for the others.
    public static func defaultLearningRate(for kind: OptimizerSettings.Kind) -> Float {
        kind == .adam || kind == .adamw ? 2e-3 : kind.defaultLearningRate
    }

    /// The gradient-norm clip used when none is given.
    public static let defaultClip: Float? = 5

    /// Validations without improvement that stop a run given no epoch or time limit.
    public static let defaultPatience = 3

    /// The largest window and batch (the time loop allocates window × batch activations).
    public static let maximumWindow = 100_000, maximumBatch = 100_000

    /// Why these settings cannot train, or nil (checked before any data is read, so the model's
    /// sizes are checked with a one-token vocabulary; the vocabulary's part is checked once known).
    public var problem: String? {
        if window < 1 || window > Self.maximumWindow { return "the window (--seq) must be in 1...\(Self.maximumWindow)" }
        if batch < 1 || batch > Self.maximumBatch { return "the batch must be in 1...\(Self.maximumBatch)" }
        if let problem = LanguageModel.Configuration(cell: cell, vocabularySize: 1, embeddingSize: embeddingSize, hiddenSize: hiddenSize,
                                                     layers: layers, dropout: dropout, tiedWeights: tiedWeights).problem {
            return problem
        }
        if epochs == nil && timeLimit == nil && earlyStoppingPatience == nil {
            return "give a number of epochs, a time limit, or validation text with a patience"
        }
        if let epochs, epochs < 1 { return "epochs must be at least 1" }
        if let earlyStoppingPatience, earlyStoppingPatience < 1 { return "the patience must be at least 1" }
        if let clip, !(clip > 0 && clip.isFinite) { return "the clipping norm must be a positive number" }
        if let problem = optimizer.problem { return problem }
        if pretrainedEmbeddings != nil && level != .word { return "pretrained embeddings need the word level" }
        if pretrainedEmbeddings?.freeze == true && tiedWeights { return "a frozen embedding cannot be tied to the output layer, which would freeze it too" }
        return nil
    }
}

/// A language-model training run as the CLI performs it, usable from Swift: builds the
/// vocabulary and model (or resumes them from a checkpoint), trains with the shared
/// ``Trainer``, which writes the best model (by validation loss) to `modelPath` and, after every
/// validation, a checkpoint to `checkpointPath` from which ``resume`` continues exactly.
public final class LanguageModelTraining {
    public let settings: LanguageModelTrainingSettings
    public let bundle: LanguageModelBundle
    public let task: LanguageModelTask
    public let trainer: Trainer
    public let modelPath: String
    public let checkpointPath: String
    /// What loading `settings.pretrainedEmbeddings` found (nil without them, or on resume).
    public private(set) var pretrainedEmbeddingReport: PretrainedEmbeddingReport?

    /// The checkpoint written next to a model file.
    public static func checkpointPath(for modelPath: String) -> String { TrainingOutput.checkpointPath(for: modelPath) }

    /// A fresh run, or (with `resume`) the continuation of the one checkpointed for
    /// `modelPath`. On resume the saved settings apply, except that `epochs`/`timeLimit` from
    /// `settings`, when either is given, replace the saved limits.
    public init(settings requested: LanguageModelTrainingSettings, trainingText: String, validationText: String?,
                modelPath: String, resume: Bool, logPath: String? = nil, showsProgress: Bool = true,
                trainingFile: String = "<training text>", validationFile: String = "<validation text>") throws {
        self.modelPath = modelPath
        checkpointPath = Self.checkpointPath(for: modelPath)
        var settings = requested
        var checkpoint: TrainingCheckpoint?
        var resumed: LanguageModelBundle?
        if resume {
            let saved = try TrainingCheckpoint.read(from: checkpointPath, expectedKind: LanguageModelBundle.kind)
            settings = try saved.settings(as: LanguageModelTrainingSettings.self)
            if requested.epochs != nil || requested.timeLimit != nil {
                settings.epochs = requested.epochs
                settings.timeLimit = requested.timeLimit
            }
            resumed = try LanguageModelBundle(file: saved.file)
            checkpoint = saved
        }
        if let problem = settings.problem { throw LanguageModelTrainingError.invalidSettings(problem) }
        if validationText == nil && settings.epochs == nil && settings.timeLimit == nil {
            throw LanguageModelTrainingError.invalidSettings("without validation text, give a number of epochs or a time limit")
        }
        self.settings = settings

        let vocabulary = try resumed?.vocabulary ?? Vocabulary.build(from: trainingText, level: settings.level,
                                                                    maximumSize: settings.maximumVocabulary,
                                                                    minimumCount: settings.minimumCount)
        let trainingTokens = try vocabulary.encode(trainingText, file: trainingFile)
        guard trainingTokens.count / settings.batch >= 2 else {
            throw LanguageModelTrainingError.textTooShort(file: trainingFile, tokens: trainingTokens.count, batch: settings.batch)
        }
        let validationTokens = try validationText.map { try vocabulary.encode($0, file: validationFile) }

        let configuration = LanguageModel.Configuration(
            cell: settings.cell, vocabularySize: vocabulary.count, embeddingSize: settings.embeddingSize, hiddenSize: settings.hiddenSize,
            layers: settings.layers, dropout: settings.dropout, tiedWeights: settings.tiedWeights)
        if let problem = configuration.problem { throw LanguageModelTrainingError.invalidSettings(problem) }
        var generator = RandomGenerator(seed: settings.seed)
        let model = resumed?.model ?? LanguageModel(configuration, initRange: settings.initRange, generator: &generator)
        if let pretrained = settings.pretrainedEmbeddings {
            if resumed == nil {
                pretrainedEmbeddingReport = try PretrainedEmbeddings.load(pretrained, into: model.encoder, words: vocabulary.tokens)
            } else if pretrained.freeze {
                model.encoder.weight.setTrainable(false)  // the checkpoint holds the loaded values
            }
        }
        bundle = LanguageModelBundle(model: model, vocabulary: vocabulary)
        task = LanguageModelTask(model: model, vocabulary: vocabulary, trainingTokens: trainingTokens,
                                 validationTokens: validationTokens, batch: settings.batch, window: settings.window)
        let data = ["tokens": task.training.predictedTokens]
        try checkpoint?.checkData(data, describedAs: trainingFile)

        let optimizer = settings.optimizer.make(model.parameters)
        var options = TrainingOptions()
        options.epochs = settings.epochs
        options.timeLimit = settings.timeLimit
        options.validationInterval = settings.validationInterval
        options.gradientClipNorm = settings.clip
        options.earlyStoppingPatience = settings.earlyStoppingPatience
        options.epochDecay = settings.learningRateDecay.map { ($0, settings.learningRateDecayStart) }
        options.seed = settings.seed
        options.logPath = logPath
        options.showsProgress = showsProgress
        options.itemName = settings.level == .char ? "chars" : "tokens"
        options.output = try TrainingOutput(modelPath: modelPath, checkpointPath: checkpointPath, settings: settings, data: data)
        if let checkpoint {
            trainer = try Trainer(optimizer: optimizer, options: options, resumingFrom: checkpoint, task: task)
        } else {
            trainer = try Trainer(optimizer: optimizer, options: options)
        }
    }

    /// Trains until a limit; the model then holds the best validation's parameters (those
    /// written to `modelPath`), and the checkpoint the last ones.
    @discardableResult
    public func run() throws -> TrainingState {
        try trainer.fit(task)
    }
}

public enum LanguageModelTrainingError: Error, CustomStringConvertible {
    case invalidSettings(String)
    case textTooShort(file: String, tokens: Int, batch: Int)

    public var description: String {
        switch self {
        case .invalidSettings(let problem): return "invalid training settings: \(problem)"
        case .textTooShort(let file, let tokens, let batch):
            return "\(file): \(tokens) tokens are too few for \(batch) streams of at least 2 tokens; use a smaller --batch or more text"
        }
    }
}
