import ArgumentParser
import Foundation
import Recurrent

extension TokenLevel: ExpressibleByArgument {}

/// `train lm`'s optimizer defaults, those of ``LanguageModelTrainingSettings``.
enum LanguageModelOptimizerDefaults: OptimizerDefaults {
    static let optimizer = LanguageModelTrainingSettings().optimizer.kind
    static func learningRate(for kind: OptimizerSettings.Kind) -> Float { LanguageModelTrainingSettings.defaultLearningRate(for: kind) }
    static var learningRateHelp: String {
        let adam = LanguageModelTrainingSettings.defaultLearningRate(for: .adam)
        return "\(adam) for adam and adamw, PyTorch's for the others: 0.01 for sgd, adagrad and rmsprop"
    }
    static let clip = LanguageModelTrainingSettings.defaultClip
}

/// `recurrent train lm`: a character or word language model on plain text.
struct TrainLanguageModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lm",
        abstract: "Train a character or word language model on a text file.",
        discussion: """
            The text is cut into --batch parallel streams read in windows of --seq steps \
            (truncated backpropagation through time, the state carried across windows). \
            Validation (on --valid) runs at the end of every epoch and every --valid-every; the \
            best model by validation loss is written to --out, and after every validation a \
            checkpoint to OUT.checkpoint, from which --resume continues exactly as if never \
            interrupted (same machine and thread count).

            Zaremba et al.'s "small" PTB configuration (their SGD lr 1 and clip 5 apply to the \
            loss summed over 20 steps; with the per-token mean loss used here that is lr 20 and \
            clip 0.25): --level word --layers 2 --hidden 200 --embed 200 --batch 20 --seq 20 \
            --optimizer sgd --lr 20 --clip 0.25 --init-range 0.1 --epochs 13 --lr-decay 0.5 \
            --lr-decay-start 5 --dropout 0
            """
    )

    @Option(help: "Training text (UTF-8).")
    var text: String

    @Option(help: "Validation text.")
    var valid: String?

    @Option(help: "Tokens: char (Unicode scalars) or word (whitespace-split lines plus <eos>).")
    var level: TokenLevel = .char

    @Option(help: "Recurrent cell: lstm, gru, rnn (tanh) or rnn_relu.")
    var cell: CellKind = .lstm

    @Option(help: "Recurrent layers (1...\(LanguageModel.Configuration.maximumLayers)).")
    var layers = LanguageModelTrainingSettings().layers

    @Option(help: "Hidden size (1...\(LanguageModel.Configuration.maximumWidth)).")
    var hidden = LanguageModelTrainingSettings().hiddenSize

    @Option(help: "Embedding size (default: 64 for characters, the hidden size for words, the vectors' size with --embeddings).")
    var embed: Int?

    @Option(help: "Dropout on the embeddings, between layers and before the decoder.")
    var dropout: Float = LanguageModelTrainingSettings().dropout

    @Flag(help: "Share the embedding matrix with the output layer (needs --embed equal to --hidden).")
    var tieWeights = false

    @Option(help: "Initialize every weight uniform in ±this value (e.g. 0.1), instead of PyTorch's defaults.")
    var initRange: Float?

    @Option(help: "Word level: keep at most this many words (the rest become <unk>).")
    var maxVocab: Int?

    @Option(help: "Word level: keep words seen at least this many times.")
    var minCount = 1

    @Option(help: "Time steps per window (truncated backpropagation length).")
    var seq = 64

    @Option(help: "Parallel streams (sequences per batch).")
    var batch = 32

    @OptionGroup var optimizer: TaskOptimizerOptions<LanguageModelOptimizerDefaults>

    @OptionGroup(title: "Pretrained embeddings (word level)") var pretrained: PretrainedEmbeddingOptions

    @Option(help: "Multiply the learning rate by this at the start of each epoch from --lr-decay-start on.")
    var lrDecay: Float?

    @Option(help: "The first epoch (1-based) whose learning rate is decayed.")
    var lrDecayStart = 1

    @Option(help: "Epochs of training.")
    var epochs: Int?

    @Option(help: "Training time budget, e.g. 15m, 90s, 1h (validation time excluded).")
    var time: Duration?

    @Option(name: .customLong("valid-every"), help: "Also validate (and checkpoint) every this much training time, e.g. 5m.")
    var validEvery: Duration?

    @Option(help: "Stop after this many validations without improvement (default: \(LanguageModelTrainingSettings.defaultPatience) when neither --epochs nor --time is given, else none).")
    var patience: Int?

    @Option(help: "Random seed (initialization, dropout).")
    var seed: UInt64 = 0

    @Option(help: "Where to write the best model.")
    var out: String = "model.safetensors"

    @Flag(help: "Continue from OUT.checkpoint with its settings and limits (only --epochs and --time may change).")
    var resume = false

    @Option(help: "Append JSON-lines training metrics to this file.")
    var log: String?

    func validate() throws {
        if epochs == nil && time == nil && valid == nil && !resume {
            throw ValidationError("give --valid FILE (training stops when validation stops improving), --epochs N or --time DURATION")
        }
        if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1") }
        guard layers >= 1, layers <= LanguageModel.Configuration.maximumLayers else {
            throw ValidationError("--layers must be in 1...\(LanguageModel.Configuration.maximumLayers)")
        }
        guard hidden >= 1, hidden <= LanguageModel.Configuration.maximumWidth else {
            throw ValidationError("--hidden must be in 1...\(LanguageModel.Configuration.maximumWidth)")
        }
        if let embed, embed < 1 || embed > LanguageModel.Configuration.maximumWidth {
            throw ValidationError("--embed must be in 1...\(LanguageModel.Configuration.maximumWidth)")
        }
        guard seq >= 1, seq <= LanguageModelTrainingSettings.maximumWindow else {
            throw ValidationError("--seq must be in 1...\(LanguageModelTrainingSettings.maximumWindow)")
        }
        guard batch >= 1, batch <= LanguageModelTrainingSettings.maximumBatch else {
            throw ValidationError("--batch must be in 1...\(LanguageModelTrainingSettings.maximumBatch)")
        }
        guard dropout >= 0 && dropout < 1 else { throw ValidationError("--dropout must be in [0, 1)") }
        if tieWeights && pretrained.embeddings == nil && (embed ?? (level == .char ? 64 : hidden)) != hidden {
            throw ValidationError("--tie-weights needs --embed equal to --hidden")
        }
        if pretrained.embeddings != nil && level != .word { throw ValidationError("--embeddings needs --level word") }
        if pretrained.freeze && tieWeights { throw ValidationError("--freeze cannot be combined with --tie-weights (the output layer would be frozen too)") }
        if let maxVocab, maxVocab < 2 || maxVocab > LanguageModel.Configuration.maximumVocabulary {
            throw ValidationError("--max-vocab must be in 2...\(LanguageModel.Configuration.maximumVocabulary)")
        }
        if let initRange, !(initRange > 0 && initRange.isFinite) { throw ValidationError("--init-range must be a positive number") }
        if let lrDecay, !(lrDecay > 0 && lrDecay.isFinite) { throw ValidationError("--lr-decay must be a positive number") }
        if let patience, patience < 1 { throw ValidationError("--patience must be at least 1") }
        if !resume, let problem = settings.problem { throw ValidationError(problem) }
    }

    var settings: LanguageModelTrainingSettings {
        var settings = LanguageModelTrainingSettings()
        settings.level = level
        settings.cell = cell
        settings.layers = layers
        settings.hiddenSize = hidden
        settings.embeddingSize = embed ?? (level == .char ? 64 : hidden)
        settings.dropout = dropout
        settings.tiedWeights = tieWeights
        settings.initRange = initRange
        settings.maximumVocabulary = maxVocab
        settings.minimumCount = minCount
        settings.window = seq
        settings.batch = batch
        settings.optimizer = optimizer.settings
        settings.clip = optimizer.clip
        settings.learningRateDecay = lrDecay
        settings.learningRateDecayStart = lrDecayStart
        settings.epochs = epochs
        settings.timeLimit = time?.seconds
        settings.validationInterval = validEvery?.seconds
        settings.earlyStoppingPatience = patience ?? (epochs == nil && time == nil ? LanguageModelTrainingSettings.defaultPatience : nil)
        settings.seed = seed
        settings.pretrainedEmbeddings = pretrained.settings
        return settings
    }

    func run() throws {
        try checkWritableDestination(out, flag: "--out")
        if let log { try checkWritableDestination(log, flag: "--log") }
        let trainingText = try TextFile.read(text)
        let validationText = try valid.map { try TextFile.read($0) }
        var settings = self.settings
        if embed == nil, !resume, let dimension = try pretrained.dimension() { settings.embeddingSize = dimension }
        let training = try LanguageModelTraining(settings: settings, trainingText: trainingText, validationText: validationText,
                                                 modelPath: out, resume: resume, logPath: log, trainingFile: text,
                                                 validationFile: valid ?? "<validation text>")
        let model = training.bundle.model.configuration
        printError("\(resume ? "resuming" : "training") \(model.cell.rawValue) language model: \(model.layers) x \(model.hiddenSize), "
                   + "embedding \(model.embeddingSize), \(training.bundle.vocabulary.count) \(training.settings.level == .char ? "characters" : "words"), "
                   + "\(training.bundle.model.parameterCount) parameters; \(training.task.training.predictedTokens) training tokens per epoch"
                   + " (\(training.task.batchesPerEpoch) windows of \(training.settings.window) x \(training.settings.batch)); "
                   + "\(Kernels.threadCount) threads")
        PretrainedEmbeddingOptions.printReport(training.pretrainedEmbeddingReport)
        let state = try training.run()
        if let best = state.bestMetric {
            printError(String(format: "best validation loss %.4f nats/token (perplexity %.2f) at step %d; wrote %@", best, exp(best), state.bestStep ?? 0, out))
        } else {
            printError("wrote \(out) (no validation text: the final parameters)")
        }
    }
}
