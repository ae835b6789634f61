import Foundation
import RecurrentData
import RecurrentNN
import RecurrentTensor

/// A sequence classifier or regressor's training run as `recurrent train sequence-classifier`
/// and `sequence-regressor` perform it, usable from Swift: reads the training file (and a
/// validation file, or holds out a stratified fraction of the training file), fits the encoding,
/// builds the model (or resumes both from the checkpoint next to `modelPath`) and trains with the
/// shared ``Trainer``, which writes the best model by the selected validation metric to
/// `modelPath` and a checkpoint after every validation.
public final class SequenceTraining {
    public let settings: SequenceTrainingSettings
    public let bundle: SequenceModelBundle
    public let task: SequenceTask
    public let trainer: Trainer
    public let modelPath: String
    /// What loading `settings.pretrainedEmbeddings` found (nil without them, or on resume).
    public private(set) var pretrainedEmbeddingReport: PretrainedEmbeddingReport?

    public init(settings requested: SequenceTrainingSettings, trainingFile: String, validationFile: String?, modelPath: String,
                resume: Bool = false, logPath: String? = nil, showsProgress: Bool = true) throws {
        self.modelPath = modelPath
        var settings = requested
        var checkpoint: TrainingCheckpoint?
        if resume {
            let saved = try TrainingCheckpoint.read(from: TrainingOutput.checkpointPath(for: modelPath), expectedKind: SequenceModelBundle.kind)
            settings = try saved.settings(as: SequenceTrainingSettings.self)
            if requested.epochs != nil || requested.timeLimit != nil {
                (settings.epochs, settings.timeLimit) = (requested.epochs, requested.timeLimit)
            }
            checkpoint = saved
        }
        if let problem = settings.problem { throw SequenceTrainingError.invalidSettings(problem) }
        let layout = settings.layout ?? SequenceDataLayout(format: SequenceDataFormat.detect(trainingFile))
        settings.layout = layout
        let records = try SequenceRecords.read(trainingFile, layout: layout)
        let resumed = try checkpoint.map { try SequenceModelBundle(file: $0.file) }
        let encoding = try resumed?.encoding ?? SequenceEncoding.fit(
            records, layout: layout, classification: settings.objective == .classification, minimumCount: settings.minimumCount,
            maximumVocabulary: settings.maximumVocabulary, lowercase: settings.lowercase,
            frameDifferences: settings.frameDifferences ?? SequenceTrainingSettings.defaultFrameDifferences)
        var all = try encoding.examples(records)
        let validation: SequenceExamples
        if let validationFile {
            validation = try encoding.examples(SequenceRecords.read(validationFile, layout: layout))
        } else {
            var generator = RandomGenerator(seed: settings.seed &+ 0x5EED)
            let (kept, heldOut) = all.split(holdingOut: settings.validationFraction, generator: &generator)
            validation = all.subset(heldOut)
            all = all.subset(kept)
        }
        guard all.count > 0 else { throw SequenceTrainingError.noTrainingExamples(file: trainingFile) }
        settings = settings.resolved(for: encoding.input, trainingExamples: all.count, validationExamples: validation.count)
        self.settings = settings

        let configuration = SequenceModel.Configuration(
            input: encoding.input, vocabularySize: encoding.words?.vocabulary.count ?? 0, embeddingSize: settings.embeddingSize ?? 0,
            features: encoding.frames?.features ?? 0, cell: settings.cell, layers: settings.layers, hiddenSize: settings.hiddenSize ?? 0,
            bidirectional: settings.bidirectional ?? false, dropout: settings.dropout ?? 0, pooling: settings.pooling ?? .last,
            outputs: encoding.targets.outputs)
        if let problem = configuration.problem { throw SequenceTrainingError.invalidSettings(problem) }
        var generator = RandomGenerator(seed: settings.seed)
        let model = resumed?.model ?? SequenceModel(configuration, generator: &generator)
        if let pretrained = settings.pretrainedEmbeddings {
            guard let embedding = model.embedding, let words = encoding.words else {
                throw SequenceTrainingError.invalidSettings("pretrained word vectors (--embeddings) need text, not time series")
            }
            if resumed == nil {
                pretrainedEmbeddingReport = try PretrainedEmbeddings.load(pretrained, into: embedding, words: words.vocabulary.tokens)
            } else if pretrained.freeze {
                embedding.weight.setTrainable(false)  // the checkpoint holds the loaded values
            }
        }
        // A large vocabulary's embedding learns from the few rows each batch touches (PyTorch's
        // sparse=True): the step costs O(rows touched), not O(vocabulary).
        model.embedding?.sparseGradients = settings.sparseGradients ?? ((model.embedding?.vocabularySize ?? 0) >= Self.sparseVocabulary)
        bundle = SequenceModelBundle(model: model, encoding: encoding)
        task = SequenceTask(model: model, encoding: encoding, training: all, validation: validation, batchSize: settings.batch ?? 32)
        task.regressionLoss = settings.regressionLoss
        if settings.balancedClassWeights, case .classes(let labels) = encoding.targets {
            let counts = (0..<labels.count).map { c in all.classes.filter { $0 == c }.count }
            task.classWeights = counts.map { $0 == 0 ? 0 : Float(all.count) / Float(labels.count * $0) }
        }
        let data = ["examples": all.count]
        try checkpoint?.checkData(data, describedAs: trainingFile)

        var optimizerSettings = settings.optimizer
        if let weightDecay = settings.weightDecay { optimizerSettings.weightDecay = weightDecay }
        let optimizer = optimizerSettings.make(model.trainableParameters)
        var options = TrainingOptions()
        options.epochs = settings.epochs
        options.timeLimit = settings.timeLimit
        options.gradientClipNorm = settings.clip
        options.earlyStoppingPatience = settings.earlyStoppingPatience
        options.selection = ModelSelection.byName(settings.selection ?? "loss")
        options.seed = settings.seed
        options.logPath = logPath
        options.showsProgress = showsProgress
        options.output = try TrainingOutput(modelPath: modelPath, settings: settings, data: data)
        if let checkpoint {
            trainer = try Trainer(optimizer: optimizer, options: options, resumingFrom: checkpoint, task: task)
        } else {
            trainer = try Trainer(optimizer: optimizer, options: options)
        }
    }

    /// Vocabularies at least this large train their embedding with row-sparse gradients.
    public static let sparseVocabulary = 5000

    /// Trains until a limit; the model then holds the best validation's parameters (those in the
    /// model file).
    @discardableResult
    public func run() throws -> TrainingState {
        try trainer.fit(task)
    }
}

public enum SequenceTrainingError: Error, CustomStringConvertible {
    case invalidSettings(String)
    case noTrainingExamples(file: String)

    public var description: String {
        switch self {
        case .invalidSettings(let problem): return "invalid training settings: \(problem)"
        case .noTrainingExamples(let file): return "\(file): no examples are left to train on after holding out the validation fraction"
        }
    }
}
