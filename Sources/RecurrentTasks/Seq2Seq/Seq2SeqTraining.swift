import Foundation
import RecurrentData
import RecurrentNN
import RecurrentTensor

/// A seq2seq training run as the CLI performs it, usable from Swift: tokenizes the parallel text
/// (or draws a synthetic task), builds the vocabularies and model (or resumes them from a
/// checkpoint) and trains with the shared ``Trainer``, which writes the best model (by validation
/// BLEU or loss) to `modelPath` and a checkpoint after every validation.
public final class Seq2SeqTraining {
    public let settings: Seq2SeqTrainingSettings
    public let task: Seq2SeqTask
    public let trainer: Trainer
    public let modelPath: String
    /// Training pairs left out for an empty side or a side over the maximum length.
    public let skippedPairs: Int
    /// What loading pretrained vectors into the source and target embeddings found (empty
    /// without them, or on resume).
    public private(set) var pretrainedEmbeddingReports: [PretrainedEmbeddingReport] = []

    public var bundle: Seq2SeqBundle { task.bundle }

    /// A fresh run, or (with `resume`) the continuation of the one checkpointed for `modelPath`,
    /// whose saved settings apply except `epochs`/`timeLimit` when either is given.
    /// `training` and `validation` are parallel text; for a synthetic task, nil.
    public init(settings requested: Seq2SeqTrainingSettings, training: ParallelText?, validation: ParallelText?, modelPath: String,
                resume: Bool = false, logPath: String? = nil, showsProgress: Bool = true) throws {
        self.modelPath = modelPath
        var settings = requested
        var checkpoint: TrainingCheckpoint?
        var resumed: Seq2SeqBundle?
        if resume {
            let saved = try TrainingCheckpoint.read(from: TrainingOutput.checkpointPath(for: modelPath), expectedKind: Seq2SeqBundle.kind)
            settings = try saved.settings(as: Seq2SeqTrainingSettings.self)
            if requested.epochs != nil || requested.timeLimit != nil {
                settings.epochs = requested.epochs
                settings.timeLimit = requested.timeLimit
            }
            resumed = try Seq2SeqBundle(file: saved.file)
            checkpoint = saved
        }
        if let problem = settings.problem { throw Seq2SeqTrainingError.invalidSettings(problem) }
        self.settings = settings
        let tokenizer = TranslationTokenizer(lowercases: settings.lowercase)

        // Training and validation text: files, or a synthetic task's lines.
        var trainingText: ParallelText, validationText: ParallelText?
        if let synthetic = settings.synthetic {
            var generator = RandomGenerator(seed: settings.seed &+ 1)
            let (sources, targets) = synthetic.lines(count: Swift.min(1000, settings.syntheticExamples), lengths: settings.syntheticLengths,
                                                     generator: &generator)
            validationText = try ParallelText(sourceLines: sources, targetLines: targets, sourceFile: "<\(synthetic.rawValue) validation>",
                                              targetFile: "<\(synthetic.rawValue) validation>")
            trainingText = validationText!  // replaced by fresh examples at every epoch
        } else {
            guard let training else { throw Seq2SeqTrainingError.invalidSettings("give training files or a synthetic task") }
            trainingText = training
            validationText = validation
        }
        var kept: [(source: [String], target: [String], line: String)] = []
        for (source, target) in zip(trainingText.sourceLines, trainingText.targetLines) {
            let (sourceTokens, targetTokens) = (tokenizer.tokens(source), tokenizer.tokens(target))
            if sourceTokens.isEmpty || targetTokens.isEmpty || sourceTokens.count > settings.maximumLength
                || targetTokens.count > settings.maximumLength { continue }
            kept.append((sourceTokens, targetTokens, target))
        }
        skippedPairs = trainingText.count - kept.count
        guard !kept.isEmpty else { throw Seq2SeqTrainingError.noTrainingPairs(file: trainingText.sourceFile, maximumLength: settings.maximumLength) }

        let sourceVocabulary: Vocabulary, targetVocabulary: Vocabulary
        if let resumed {
            (sourceVocabulary, targetVocabulary) = (resumed.sourceVocabulary, resumed.targetVocabulary)
        } else if let synthetic = settings.synthetic {
            (sourceVocabulary, targetVocabulary) = (synthetic.vocabulary, synthetic.vocabulary)
        } else {
            sourceVocabulary = try Vocabulary.build(sentences: kept.map(\.source), minimumCount: settings.minimumCount,
                                                    maximumSize: settings.maximumVocabulary)
            targetVocabulary = try Vocabulary.build(sentences: kept.map(\.target), minimumCount: settings.minimumCount,
                                                    maximumSize: settings.maximumVocabulary)
        }
        let configuration = settings.configuration(sourceVocabularySize: sourceVocabulary.count, targetVocabularySize: targetVocabulary.count)
        if let problem = configuration.problem { throw Seq2SeqTrainingError.invalidSettings(problem) }
        var generator = RandomGenerator(seed: settings.seed)
        let model = resumed?.model ?? Seq2SeqModel(configuration, generator: &generator)
        if let pretrained = settings.pretrainedEmbeddings {
            for (embedding, vocabulary) in [(model.encoder.embedding, sourceVocabulary), (model.decoder.embedding, targetVocabulary)] {
                if resumed == nil {
                    pretrainedEmbeddingReports.append(try PretrainedEmbeddings.load(pretrained, into: embedding, words: vocabulary.tokens))
                } else if pretrained.freeze {
                    embedding.weight.setTrainable(false)  // the checkpoint holds the loaded values
                }
            }
        }
        let bundle = Seq2SeqBundle(model: model, sourceVocabulary: sourceVocabulary, targetVocabulary: targetVocabulary, tokenizer: tokenizer)

        let examples = Seq2SeqExamples(sources: kept.map { sourceVocabulary.indices(of: $0.source) },
                                       targets: kept.map { targetVocabulary.indices(of: $0.target) }, references: kept.map(\.line))
        let validationExamples = validationText.map { text in
            Seq2SeqExamples(sources: text.sourceLines.map(bundle.encodeSource), targets: text.targetLines.map(bundle.encodeTarget),
                            references: text.targetLines)
        }
        let task = Seq2SeqTask(bundle: bundle, training: examples, validation: validationExamples, batchSize: settings.batch)
        task.labelSmoothing = settings.labelSmoothing
        task.samplingProbability = settings.scheduledSampling
        task.bleuSentences = settings.bleuSentences
        task.seed = settings.seed
        if let synthetic = settings.synthetic { task.synthetic = (synthetic, settings.syntheticLengths, settings.syntheticExamples) }
        self.task = task
        let data = ["pairs": settings.synthetic == nil ? examples.count : settings.syntheticExamples,
                    "target_tokens": settings.synthetic == nil ? examples.targetTokens : 0]
        try checkpoint?.checkData(data, describedAs: trainingText.sourceFile)

        var options = TrainingOptions()
        options.epochs = settings.epochs
        options.timeLimit = settings.timeLimit
        options.validationInterval = settings.validationInterval
        options.gradientClipNorm = settings.clip
        options.earlyStoppingPatience = settings.earlyStoppingPatience
        options.selection = validationExamples == nil ? .loss : settings.selection
        options.seed = settings.seed
        options.logPath = logPath
        options.showsProgress = showsProgress
        options.itemName = "target tokens"
        options.output = try TrainingOutput(modelPath: modelPath, settings: settings, data: data)
        let optimizer = settings.optimizer.make(model.parameters)
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

public enum Seq2SeqTrainingError: Error, CustomStringConvertible {
    case invalidSettings(String)
    case noTrainingPairs(file: String, maximumLength: Int)

    public var description: String {
        switch self {
        case .invalidSettings(let problem): return "invalid training settings: \(problem)"
        case .noTrainingPairs(let file, let maximumLength):
            return "\(file): no sentence pair has both sides non-empty and at most \(maximumLength) tokens; nothing to train on"
        }
    }
}
