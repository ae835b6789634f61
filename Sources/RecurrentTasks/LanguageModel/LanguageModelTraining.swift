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
    public var dropout: Float = 0
    public var tiedWeights = false
    /// Initialize every weight uniform in ±initRange (Zaremba et al.); nil: the defaults.
    public var initRange: Float?
    /// Word level: keep at most this many words / words seen at least this often.
    public var maximumVocabulary: Int?
    public var minimumCount = 1
    public var window = 64
    public var batch = 32
    public var optimizer = OptimizerSettings(kind: .adam, learningRate: 2e-3)
    public var clip: Float? = 5
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

    /// Why these settings cannot train, or nil.
    public var problem: String? {
        if layers < 1 || hiddenSize < 1 || embeddingSize < 1 || window < 1 || batch < 1 { return "sizes must be positive" }
        if !(dropout >= 0 && dropout < 1) { return "dropout must be in [0, 1)" }
        if tiedWeights && embeddingSize != hiddenSize { return "tied weights need the embedding size to equal the hidden size" }
        if epochs == nil && timeLimit == nil { return "give a number of epochs or a time limit" }
        if let epochs, epochs < 1 { return "epochs must be at least 1" }
        if let problem = optimizer.problem { return problem }
        if pretrainedEmbeddings != nil && level != .word { return "pretrained embeddings need the word level" }
        if pretrainedEmbeddings?.freeze == true && tiedWeights { return "a frozen embedding cannot be tied to the output layer, which would freeze it too" }
        return nil
    }
}

/// A language-model training run as the CLI performs it, usable from Swift: builds the
/// vocabulary and model (or resumes them from a checkpoint), trains with the shared
/// ``Trainer``, writes the best model (by validation loss) to `modelPath` and, after every
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
    public static func checkpointPath(for modelPath: String) -> String { modelPath + ".checkpoint" }

    /// A fresh run, or (with `resume`) the continuation of the one checkpointed for
    /// `modelPath`. On resume the saved settings apply, except that `epochs`/`timeLimit` from
    /// `settings`, when either is given, replace the saved limits.
    public init(settings requested: LanguageModelTrainingSettings, trainingText: String, validationText: String?,
                modelPath: String, resume: Bool, logPath: String? = nil, showsProgress: Bool = true,
                trainingFile: String = "<training text>", validationFile: String = "<validation text>") throws {
        self.modelPath = modelPath
        checkpointPath = Self.checkpointPath(for: modelPath)
        var settings = requested
        var savedState: TrainingState?
        var checkpoint: LanguageModelBundle?
        var resumedTokens: Int?
        if resume {
            let saved = try LanguageModelBundle.read(from: checkpointPath)
            guard let file = saved.file, let json = file.extraMetadata["training"] else {
                throw ModelFileError(path: checkpointPath, problem: "not a training checkpoint (no \"training\" metadata)")
            }
            let record: CheckpointRecord
            do {
                record = try JSONDecoder().decode(CheckpointRecord.self, from: Data(json.utf8))
            } catch {
                throw ModelFileError(path: checkpointPath, problem: "its \"training\" metadata is not a checkpoint record this version reads "
                                     + "(\(ModelFile.describe(error)))")
            }
            settings = record.settings
            resumedTokens = record.trainingTokens
            if requested.epochs != nil || requested.timeLimit != nil {
                settings.epochs = requested.epochs
                settings.timeLimit = requested.timeLimit
            }
            savedState = record.state
            savedState?.finished = false
            checkpoint = saved
        }
        if let problem = settings.problem { throw LanguageModelTrainingError.invalidSettings(problem) }
        self.settings = settings

        let vocabulary = try checkpoint?.vocabulary ?? Vocabulary.build(from: trainingText, level: settings.level,
                                                                       maximumSize: settings.maximumVocabulary,
                                                                       minimumCount: settings.minimumCount)
        let trainingTokens = try vocabulary.encode(trainingText, file: trainingFile)
        guard trainingTokens.count / settings.batch >= 2 else {
            throw LanguageModelTrainingError.textTooShort(file: trainingFile, tokens: trainingTokens.count, batch: settings.batch)
        }
        let validationTokens = try validationText.map { try vocabulary.encode($0, file: validationFile) }

        var generator = RandomGenerator(seed: settings.seed)
        let model = checkpoint?.model ?? LanguageModel(
            .init(cell: settings.cell, vocabularySize: vocabulary.count, embeddingSize: settings.embeddingSize,
                  hiddenSize: settings.hiddenSize, layers: settings.layers, dropout: settings.dropout,
                  tiedWeights: settings.tiedWeights),
            initRange: settings.initRange, generator: &generator)
        if let pretrained = settings.pretrainedEmbeddings {
            if checkpoint == nil {
                pretrainedEmbeddingReport = try PretrainedEmbeddings.load(pretrained, into: model.encoder, words: vocabulary.tokens)
            } else if pretrained.freeze {
                model.encoder.weight.setTrainable(false)  // the checkpoint holds the loaded values
            }
        }
        bundle = LanguageModelBundle(model: model, vocabulary: vocabulary)
        task = LanguageModelTask(model: model, trainingTokens: trainingTokens, validationTokens: validationTokens,
                                 batch: settings.batch, window: settings.window)
        if let resumedTokens, resumedTokens != task.training.predictedTokens {
            throw ModelFileError(path: checkpointPath, problem: "was trained on a text of \(resumedTokens) predicted tokens per epoch, "
                                 + "but \(trainingFile) gives \(task.training.predictedTokens): resume with the same training text")
        }

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
        options.restoreBest = false  // the best model is on disk; the checkpoint needs the last parameters

        if let checkpoint, let file = checkpoint.file, let savedState {
            var optimizerState: [String: Tensor] = [:], carried: [String: Tensor] = [:]
            for (name, tensor) in file.tensors.tensors {
                if name.hasPrefix("optimizer.") { optimizerState[String(name.dropFirst("optimizer.".count))] = tensor }
                if name.hasPrefix("carried.") { carried[String(name.dropFirst("carried.".count))] = tensor }
            }
            try optimizer.loadState(optimizerState)
            optimizer.stepCount = savedState.step
            try task.restoreCarriedState(carried)
        }
        trainer = try Trainer(optimizer: optimizer, options: options, resumingFrom: savedState)
        let bundle = self.bundle, checkpointPath = self.checkpointPath, task = self.task
        trainer.onValidation = { trainer, _, improved in
            if improved { try bundle.write(to: modelPath) }
            try Self.writeCheckpoint(bundle: bundle, trainer: trainer, task: task, settings: settings, to: checkpointPath)
        }
    }

    /// Trains until a limit; the model then holds the best validation's parameters (those
    /// written to `modelPath`), and the checkpoint the last ones.
    @discardableResult
    public func run() throws -> TrainingState {
        let state = try trainer.fit(task)
        try Self.writeCheckpoint(bundle: bundle, trainer: trainer, task: task, settings: settings, to: checkpointPath)
        if task.validation == nil || state.bestValidationLoss == nil {
            try bundle.write(to: modelPath)
        } else {
            let best = try LanguageModelBundle.read(from: modelPath)
            for named in bundle.model.parameters {
                if let saved = best.model.parameter(named: named.name) { named.parameter.assign(saved.value) }
            }
        }
        return state
    }

    struct CheckpointRecord: Codable {
        var settings: LanguageModelTrainingSettings
        var state: TrainingState
        /// Tokens in the training text, so resuming on another text is caught (absent from
        /// checkpoints of early versions, which resume unchecked).
        var trainingTokens: Int?
    }

    static func writeCheckpoint(bundle: LanguageModelBundle, trainer: Trainer, task: LanguageModelTask,
                                settings: LanguageModelTrainingSettings, to path: String) throws {
        var tensors: [String: Tensor] = [:]
        for (name, tensor) in trainer.optimizer.stateTensors() { tensors["optimizer." + name] = tensor }
        for (name, tensor) in task.carriedState() { tensors["carried." + name] = tensor }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let record = try encoder.encode(CheckpointRecord(settings: settings, state: trainer.state,
                                                         trainingTokens: task.training.predictedTokens))
        // The checkpoint holds the current parameters (not the best), so training resumes from them.
        try bundle.write(to: path, extraTensors: tensors, extraMetadata: ["training": String(decoding: record, as: UTF8.self)])
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
