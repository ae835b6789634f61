import Foundation
import RecurrentData
import RecurrentNN
import RecurrentTensor

/// A neural tagger's training run as `recurrent train tagger --model bilstm|bilstm-crf` performs
/// it, usable from Swift: builds the vocabulary and network (or resumes them from a
/// checkpoint), trains with the shared ``Trainer``, which writes the model with the best dev
/// accuracy to `modelPath` and after every validation a checkpoint to `checkpointPath`, from
/// which `resume` continues exactly as if never interrupted (same machine and thread count).
///
/// ```swift
/// var settings = NeuralTaggerSettings()
/// settings.timeLimit = 15 * 60
/// let run = try NeuralTaggerTraining(settings: settings, training: train, validation: dev, modelPath: "pos.safetensors")
/// try run.run()     // the best model is in pos.safetensors, run.bundle holds it
/// ```
public final class NeuralTaggerTraining {
    public let settings: NeuralTaggerSettings
    public let bundle: TaggerBundle
    public let task: NeuralTaggerTask
    public let trainer: Trainer
    /// Where the best model and the checkpoint go (nil: nowhere; the caller saves ``bundle``).
    public let modelPath: String?
    public let checkpointPath: String?
    /// What loading `settings.pretrainedEmbeddings` found (nil without them, or on resume).
    public private(set) var pretrainedEmbeddingReport: PretrainedEmbeddingReport?

    /// A fresh run, or (with `resume`) the continuation of the one checkpointed for `modelPath`.
    /// On resume the saved settings apply, except that `epochs`/`timeLimit` from `settings`,
    /// when either is given, replace the saved limits. `format` and `tagColumn` are recorded in
    /// the model so `tag` and `evaluate` read files the same way.
    public init(settings requested: NeuralTaggerSettings, training: TaggedCorpus, validation: TaggedCorpus?, modelPath: String?,
                resume: Bool = false, logPath: String? = nil, showsProgress: Bool = true, format: String? = nil, tagColumn: String? = nil) throws {
        self.modelPath = modelPath
        checkpointPath = modelPath.map(TrainingOutput.checkpointPath(for:))
        var settings = requested
        var checkpoint: TrainingCheckpoint?
        var resumed: TaggerBundle?
        if resume {
            guard let checkpointPath else { throw TaggerTraining.Failure(description: "resuming needs the model's path") }
            let saved = try TrainingCheckpoint.read(from: checkpointPath, expectedKind: TaggerBundle.kind)
            settings = try saved.settings(as: NeuralTaggerSettings.self)
            if requested.epochs != nil || requested.timeLimit != nil {
                settings.epochs = requested.epochs
                settings.timeLimit = requested.timeLimit
            }
            resumed = try TaggerBundle.read(from: checkpointPath)
            checkpoint = saved
        }
        if settings.epochs == nil && settings.timeLimit == nil { settings.epochs = NeuralTaggerSettings.defaultEpochs }
        if let problem = settings.problem { throw TaggerTraining.Failure(description: "invalid training settings: \(problem)") }
        guard training.sentences.contains(where: \.isTagged) else {
            throw TaggerTraining.Failure(description: "\(training.file): no tagged sentence to train on")
        }
        self.settings = settings

        let tagger: NeuralTagger
        if let resumed {
            guard case .neural(let saved) = resumed.model, saved.network.configuration.crf == settings.crf else {
                throw ModelFileError(path: checkpointPath ?? "<checkpoint>", problem: "is not a checkpoint of a \(settings.crf ? "bilstm-crf" : "bilstm") tagger")
            }
            if let validation { try TaggerEvaluation.checkTags(of: validation, against: SymbolTable(resumed.tags)) }
            try TaggerEvaluation.checkTags(of: training, against: SymbolTable(resumed.tags))
            tagger = saved
            bundle = resumed
            if settings.pretrainedEmbeddings?.freeze == true { tagger.network.wordEmbedding.weight.setTrainable(false) }
        } else {
            let tags = TaggerTraining.tagSet(of: training)
            if let validation { try TaggerEvaluation.checkTags(of: validation, against: tags) }
            // Words the vector file has beyond the training words get rows too, holding their
            // vectors, so a word unseen in training still finds its own (unless only the task's
            // words were read).
            var pretrained: (vectors: WordVectors, notices: [String])?
            if let pretrainedSettings = settings.pretrainedEmbeddings {
                let keys = NeuralTaggerVocabulary.build(from: training, lowercase: settings.lowercaseWords, normalizeDigits: settings.normalizeDigits)
                pretrained = try PretrainedEmbeddings.read(pretrainedSettings, words: keys.words)
            }
            let vocabulary = NeuralTaggerVocabulary.build(from: training, lowercase: settings.lowercaseWords, normalizeDigits: settings.normalizeDigits,
                                                          minimumCount: settings.minimumCount,
                                                          extraWords: settings.pretrainedEmbeddings?.vocabularyOnly == false ? pretrained?.vectors.words ?? [] : [])
            let configuration = settings.configuration(tags: tags.count, vocabulary: vocabulary)
            if let problem = configuration.problem { throw TaggerTraining.Failure(description: "invalid training settings: \(problem)") }
            var generator = RandomGenerator(seed: settings.seed)
            let network = NeuralTaggerNetwork(configuration, generator: &generator)
            if let pretrained, let pretrainedSettings = settings.pretrainedEmbeddings {
                pretrainedEmbeddingReport = try PretrainedEmbeddings.load(pretrained.vectors, notices: pretrained.notices, settings: pretrainedSettings,
                                                                          into: network.wordEmbedding, words: vocabulary.words)
            }
            tagger = NeuralTagger(network: network, vocabulary: vocabulary)
            let words = TaggerTraining.words(of: training)
            var bundleConfiguration = TaggerBundle.Configuration(model: settings.crf ? "bilstm-crf" : "bilstm", tags: tags.symbols,
                                                                 knownWordCount: words.count)
            bundleConfiguration.neural = configuration
            bundleConfiguration.format = format
            bundleConfiguration.tagColumn = tagColumn
            bundle = TaggerBundle(configuration: bundleConfiguration, model: .neural(tagger), words: words)
        }
        task = NeuralTaggerTask(bundle: bundle, tagger: tagger, training: training, validation: validation, batchSize: settings.batch,
                                wordDropout: settings.wordDropout)
        let data = ["sentences": task.training.sentences.count, "tokens": task.tokenCount]
        try checkpoint?.checkData(data, describedAs: training.file)

        var options = TrainingOptions()
        options.epochs = settings.epochs
        options.timeLimit = settings.timeLimit
        options.validationInterval = settings.validationInterval
        options.gradientClipNorm = settings.clip
        options.earlyStoppingPatience = settings.earlyStoppingPatience
        options.epochDecay = settings.learningRateDecay.map { ($0, 2) }
        options.selection = validation == nil ? .loss : .byName("accuracy")
        options.seed = settings.seed
        options.logPath = logPath
        options.showsProgress = showsProgress
        options.itemName = "tokens"
        if let modelPath {
            options.output = try TrainingOutput(modelPath: modelPath, checkpointPath: checkpointPath, settings: settings, data: data)
        }
        let optimizer = settings.optimizer.make(tagger.network.parameters)
        if let checkpoint {
            trainer = try Trainer(optimizer: optimizer, options: options, resumingFrom: checkpoint, task: task)
        } else {
            trainer = try Trainer(optimizer: optimizer, options: options)
        }
    }

    /// Trains until a limit; the network then holds the best validation's parameters (those
    /// written to `modelPath`), and the checkpoint the last ones.
    @discardableResult
    public func run() throws -> TrainingState {
        try trainer.fit(task)
    }
}
