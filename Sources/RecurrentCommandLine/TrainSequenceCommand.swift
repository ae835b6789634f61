import ArgumentParser
import Foundation
import Recurrent

extension SequenceDataFormat: ExpressibleByArgument {}
extension SequenceCell: ExpressibleByArgument {}
extension PoolingKind: ExpressibleByArgument {}
extension RegressionLoss: ExpressibleByArgument {}

/// The optimizer defaults of the sequence trainers, those of ``SequenceTrainingSettings``.
enum SequenceOptimizerDefaults: OptimizerDefaults {
    static let optimizer = SequenceTrainingSettings().optimizer.kind
    static func learningRate(for kind: OptimizerSettings.Kind) -> Float {
        kind == optimizer ? SequenceTrainingSettings().optimizer.learningRate : kind.defaultLearningRate
    }
    static var learningRateHelp: String {
        "for adam and adamw 0.002 for text, 0.001 for series; PyTorch's for the others"
    }
    static let clip = SequenceTrainingSettings().clip
}

/// `recurrent train sequence-classifier|sequence-regressor`: a recurrent network that reads a
/// whole sequence (a sentence, a sensor recording) and gives one answer.
enum TrainSequenceCommand {
    /// The flags both trainers share.
    struct Options: ParsableArguments {
        @Option(help: "Training data: label<space>sentence lines, a CSV/TSV file, or a .ts time-series file.")
        var train: String

        @Option(help: "Validation data (default: a stratified --valid-fraction of --train is held out).")
        var valid: String?

        @Option(name: .customLong("valid-fraction"), help: "The fraction of --train held out for validation when there is no --valid.")
        var validFraction: Double = SequenceTrainingSettings().validationFraction

        @Option(help: "The data format: text (label<space>sentence lines), csv (or TSV) or ts (default: detected from the file).")
        var format: SequenceDataFormat?

        @Option(name: .customLong("text-column"), help: "CSV/TSV: the column holding the text.")
        var textColumn: String?

        @Option(name: .customLong("label-column"), help: "CSV/TSV: the column to predict (regressors: several, comma-separated).")
        var labelColumn: String?

        @Option(help: "Recurrent cell: lstm, gru, rnn or simplified-lstm.")
        var cell: SequenceCell = SequenceTrainingSettings().cell

        @Option(help: "Recurrent layers.")
        var layers: Int = SequenceTrainingSettings().layers

        @Option(help: "Hidden units per direction (default: 128).")
        var hidden: Int?

        @Flag(inversion: .prefixedNo, help: "Read each sequence in both directions (default: yes).")
        var bidirectional: Bool?

        @Option(help: "How the states become one vector: last, mean, max or attention (default: attention for text, max for series).")
        var pooling: PoolingKind?

        @Flag(inversion: .prefixedNo, help: "Series: give the network each channel's first difference beside its value (default: yes).")
        var differences: Bool?

        @Option(help: "Text: the embedding size (default: 128, or the vectors' size with --embeddings).")
        var embed: Int?

        @Option(help: "Dropout on the embeddings, between layers and before the output layer (default: 0.5 for text, 0.2 for series).")
        var dropout: Float?

        @Option(name: .customLong("min-count"), help: "Text: keep words seen at least this many times (the rest are <unk>).")
        var minCount: Int = 1

        @Option(name: .customLong("max-vocab"), help: "Text: keep at most this many words.")
        var maxVocab: Int?

        @Flag(help: "Text: lower-case every word.")
        var lowercase = false

        @Flag(inversion: .prefixedNo, help: "Text: row-sparse embedding gradients, PyTorch's sparse=True (default: for \(SequenceTraining.sparseVocabulary) words or more).")
        var sparseGradients: Bool?

        @Option(help: "Sequences per batch (default: 32 for text, 16 for series).")
        var batch: Int?

        @OptionGroup(title: "Pretrained embeddings (text)") var pretrained: PretrainedEmbeddingOptions

        @OptionGroup var optimizer: TaskOptimizerOptions<SequenceOptimizerDefaults>

        @Option(help: "Epochs of training.")
        var epochs: Int?

        @Option(help: "Training time budget, e.g. 5m, 90s (validation time excluded).")
        var time: Duration?

        @Option(help: "Stop after this many validations without improvement (default unless --epochs is given: \(SequenceTrainingSettings.defaultPatience), or \(SequenceTrainingSettings.patienceSteps) steps' worth when more).")
        var patience: Int?

        @Option(name: .customLong("select"), help: "The validation metric that picks the best model (default: accuracy for classifiers, or loss when validation has fewer than \(SequenceTrainingSettings.accuracySelectionMinimum) examples; rmse for regressors).")
        var selection: String?

        @Option(help: "Random seed (initialization, shuffling, dropout, the held-out split).")
        var seed: UInt64 = 0

        @Option(help: "Where to write the best model.")
        var out: String = "model.safetensors"

        @Flag(help: "Continue from OUT.checkpoint with its settings (only --epochs and --time may change).")
        var resume = false

        @Option(help: "Append JSON-lines training metrics to this file.")
        var log: String?

        func validate() throws {
            if let problem = settings(.classification).problem { throw ValidationError(problem) }
            if format == .lines { throw ValidationError("--format lines has no labels to train on; use text, csv or ts") }
            if (textColumn != nil || labelColumn != nil) && (format ?? SequenceDataFormat.detect(train)) != .csv {
                throw ValidationError("--text-column and --label-column are for CSV/TSV files")
            }
            guard layers >= 1 else { throw ValidationError("--layers must be at least 1") }
            if let hidden, hidden < 1 { throw ValidationError("--hidden must be at least 1") }
            if let embed, embed < 1 { throw ValidationError("--embed must be at least 1") }
        }

        func settings(_ objective: SequenceTrainingSettings.Objective) -> SequenceTrainingSettings {
            var settings = SequenceTrainingSettings()
            settings.objective = objective
            if format != nil || textColumn != nil {
                settings.layout = SequenceDataLayout(format: format ?? SequenceDataFormat.detect(train), textColumn: textColumn,
                                                     labelColumns: labelColumn.map { $0.split(separator: ",").map(String.init) } ?? [])
            }
            settings.cell = cell
            settings.layers = layers
            settings.hiddenSize = hidden
            settings.bidirectional = bidirectional
            settings.pooling = pooling
            settings.frameDifferences = differences
            settings.embeddingSize = embed
            settings.dropout = dropout
            settings.minimumCount = minCount
            settings.maximumVocabulary = maxVocab
            settings.lowercase = lowercase
            settings.sparseGradients = sparseGradients
            settings.pretrainedEmbeddings = pretrained.settings
            settings.batch = batch
            settings.optimizer = optimizer.settings
            settings.learningRate = optimizer.learningRate
            settings.clip = optimizer.clip
            settings.epochs = epochs
            settings.timeLimit = time?.seconds
            settings.earlyStoppingPatience = patience
            settings.validationFraction = validFraction
            settings.selection = selection
            settings.seed = seed
            return settings
        }

        func run(_ requested: SequenceTrainingSettings) throws {
            try checkWritableDestination(out, flag: "--out")
            if let log { try checkWritableDestination(log, flag: "--log") }
            var settings = requested
            if embed == nil, !resume, let dimension = try pretrained.dimension() { settings.embeddingSize = dimension }
            let training = try SequenceTraining(settings: settings, trainingFile: train, validationFile: valid, modelPath: out,
                                                resume: resume, logPath: log)
            let model = training.bundle.model.configuration, used = training.settings
            let input = model.input == .tokens
                ? "\(model.vocabularySize) words, embedding \(model.embeddingSize)"
                : "\(model.features) features" + (training.bundle.encoding.frames?.differences == true ? " (channels and their differences)" : "")
            let validation = valid.map { "validating on \($0)" } ?? "validating on \(training.task.validation?.count ?? 0) held-out examples"
            printError("\(resume ? "resuming" : "training") \(used.objective.rawValue): \(model.bidirectional ? "bidirectional " : "")"
                       + "\(model.cell.rawValue) \(model.layers) x \(model.hiddenSize), \(model.pooling.rawValue) pooling, \(input), "
                       + "\(training.bundle.model.parameterCount) parameters; \(training.task.training.count) examples, \(validation); "
                       + "\(Kernels.threadCount) threads")
            PretrainedEmbeddingOptions.printReport(training.pretrainedEmbeddingReport)
            let state = try training.run()
            if let best = state.bestMetric {
                printError(String(format: "best validation %@ %.4f at step %d; wrote %@", used.selection ?? "loss", best, state.bestStep ?? 0, out))
            } else {
                printError("wrote \(out)")
            }
        }
    }

    struct Classifier: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sequence-classifier",
            abstract: "Train a recurrent classifier of whole sequences: sentences or (multivariate) time series.",
            discussion: """
                Text is split on whitespace and looked up in a vocabulary of the training words \
                (<unk> for the rest); series are standardized per channel with the training \
                data's statistics (stored in the model). The model reads each sequence (masked, so \
                padding never changes an answer), pools its states and classifies with a softmax. \
                The best model by validation accuracy (or loss, on a small validation set; --select) is written to --out, and a \
                checkpoint after every validation to OUT.checkpoint, from which --resume continues \
                exactly. Defaults and the accuracies they reach are in docs/sequence.md.
                """
        )

        @OptionGroup var options: Options

        @Option(name: .customLong("class-weights"), help: "balanced: weigh each class's loss by n / (classes · n_class).")
        var classWeights: String?

        func validate() throws {
            if let classWeights, classWeights != "balanced" { throw ValidationError("--class-weights takes balanced") }
        }

        func run() throws {
            var settings = options.settings(.classification)
            settings.balancedClassWeights = classWeights == "balanced"
            try options.run(settings)
        }
    }

    struct Regressor: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sequence-regressor",
            abstract: "Train a recurrent regressor of whole sequences (one or several numeric targets).",
            discussion: """
                As sequence-classifier, with numeric targets (`0.75 sentence` lines, label columns, \
                or a .ts file with @targetLabel true), standardized with the training targets' \
                statistics; the best model by validation rmse (--select) is kept.
                """
        )

        @OptionGroup var options: Options

        @Option(help: "The loss: mse or mae.")
        var loss: RegressionLoss = .mse

        func run() throws {
            var settings = options.settings(.regression)
            settings.regressionLoss = loss
            try options.run(settings)
        }
    }
}
