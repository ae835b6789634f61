import ArgumentParser
import Foundation
import Recurrent

extension AttentionKind: ExpressibleByArgument {}
extension SyntheticTranslation: ExpressibleByArgument {}

/// A range of lengths such as `5-20` (or one length, `7`).
struct LengthRange: ExpressibleByArgument, CustomStringConvertible {
    var range: ClosedRange<Int>

    init?(argument: String) {
        let parts = argument.split(separator: "-", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard (1...2).contains(parts.count), let low = parts.first ?? nil, let high = parts.last ?? nil, low >= 1, high >= low else { return nil }
        range = low...high
    }

    var description: String { "\(range.lowerBound)-\(range.upperBound)" }
}

/// `train seq2seq`'s optimizer defaults, those of ``Seq2SeqTrainingSettings``.
enum Seq2SeqOptimizerDefaults: OptimizerDefaults {
    static let optimizer = Seq2SeqTrainingSettings().optimizer.kind
    static func learningRate(for kind: OptimizerSettings.Kind) -> Float {
        kind == optimizer ? Seq2SeqTrainingSettings().optimizer.learningRate : kind.defaultLearningRate
    }
    static var learningRateHelp: String { "\(Seq2SeqTrainingSettings().optimizer.learningRate) for adam, PyTorch's for the others" }
    static let clip = Seq2SeqTrainingSettings().clip
}

/// `recurrent train seq2seq`: an encoder–decoder on parallel text or a synthetic task.
struct TrainSeq2SeqCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seq2seq",
        abstract: "Train an encoder–decoder with attention on parallel text (or a synthetic task).",
        discussion: """
            --source and --target are line-aligned UTF-8 files (line i of one translates line i of \
            the other). Text is cut into words and punctuation (see docs/seq2seq.md), optionally \
            lower-cased; words seen fewer than --min-count times become <unk>; training pairs with \
            a side longer than --max-length tokens are left out. Validation (on --valid-source and \
            --valid-target) runs at every epoch end and every --valid-every: the loss under teacher \
            forcing and the BLEU of greedy translations; the best model by --select is written to \
            --out, and after every validation a checkpoint to OUT.checkpoint, from which --resume \
            continues exactly.

            Without files, --synthetic copy|reverse|sort|add draws examples of --length a-b symbols \
            (--examples per epoch, fresh every epoch).
            """
    )

    @Option(help: "Training source sentences, one per line.")
    var source: String?

    @Option(help: "Training target sentences, line-aligned with --source.")
    var target: String?

    @Option(help: "Validation source sentences.")
    var validSource: String?

    @Option(help: "Validation target sentences (the references BLEU compares with).")
    var validTarget: String?

    @Option(help: "A synthetic task instead of files: copy, reverse, sort or add.")
    var synthetic: SyntheticTranslation?

    @Option(help: "Synthetic sequence lengths, e.g. 5-20 (for add: digits per number).")
    var length = LengthRange(argument: "5-20")!

    @Option(help: "Synthetic examples per epoch.")
    var examples = Seq2SeqTrainingSettings().syntheticExamples

    @Option(help: "Recurrent cell: gru, lstm, rnn or rnn_relu.")
    var cell: CellKind = Seq2SeqTrainingSettings().cell

    @Option(help: "Recurrent layers of the encoder and of the decoder.")
    var layers = Seq2SeqTrainingSettings().layers

    @Option(help: "Hidden size (the decoder's, and each encoder direction's).")
    var hidden = Seq2SeqTrainingSettings().hiddenSize

    @Option(help: "Embedding size (default: \(Seq2SeqTrainingSettings().embeddingSize), or the vectors' size with --embeddings).")
    var embed: Int?

    @Flag(inversion: .prefixedNo, help: "A bidirectional encoder.")
    var bidirectional = Seq2SeqTrainingSettings().bidirectional

    @Option(help: "Attention: none, additive (Bahdanau), general or dot (Luong).")
    var attention: AttentionKind = Seq2SeqTrainingSettings().attention

    @Flag(help: "Feed each step's attentional state into the next step (Luong et al.; slower: the decoder runs step by step).")
    var inputFeeding = false

    @Flag(help: "Share the target embedding with the output layer (needs --embed equal to --hidden).")
    var tieOutput = false

    @Option(help: "Dropout on embeddings, between layers and before the output layer.")
    var dropout = Seq2SeqTrainingSettings().dropout

    @OptionGroup(title: "Pretrained embeddings (both vocabularies: each takes the vectors of its words the file holds)")
    var pretrained: PretrainedEmbeddingOptions

    @Flag(help: "Lower-case all text.")
    var lowercase = false

    @Option(help: "Keep words seen at least this many times (the rest become <unk>).")
    var minCount = Seq2SeqTrainingSettings().minimumCount

    @Option(help: "Keep at most this many tokens per vocabulary.")
    var maxVocab: Int?

    @Option(help: "Leave out training pairs with a side longer than this many tokens.")
    var maxLength = Seq2SeqTrainingSettings().maximumLength

    @Option(help: "Sentence pairs per batch.")
    var batch = Seq2SeqTrainingSettings().batch

    @OptionGroup var optimizer: TaskOptimizerOptions<Seq2SeqOptimizerDefaults>

    @Option(help: "Label smoothing ε (0: plain cross-entropy).")
    var labelSmoothing = Seq2SeqTrainingSettings().labelSmoothing

    @Option(help: "Scheduled sampling: the probability of feeding the model's own previous prediction (slower: step by step).")
    var scheduledSampling = Seq2SeqTrainingSettings().scheduledSampling

    @Option(help: "Epochs of training.")
    var epochs: Int?

    @Option(help: "Training time budget, e.g. 45m, 90s, 1h (validation time excluded).")
    var time: Duration?

    @Option(name: .customLong("valid-every"), help: "Also validate (and checkpoint) every this much training time, e.g. 10m.")
    var validEvery: Duration?

    @Option(help: "Stop after this many validations without improvement (default: \(Seq2SeqTrainingSettings.defaultPatience) when neither --epochs nor --time is given, else none).")
    var patience: Int?

    @Option(help: "Keep the best model by bleu (lower-cased BLEU with --lowercase) or loss.")
    var select = Seq2SeqTrainingSettings().selectBy

    @Option(name: .customLong("valid-bleu-sentences"), help: "Translate only the first N validation pairs for BLEU (default: all).")
    var validBleuSentences: Int?

    @Option(help: "Random seed (initialization, shuffling, dropout, synthetic data).")
    var seed: UInt64 = 0

    @Option(help: "Where to write the best model.")
    var out: String = "model.safetensors"

    @Flag(help: "Continue from OUT.checkpoint with its settings (only --epochs and --time may change).")
    var resume = false

    @Option(help: "Append JSON-lines training metrics to this file.")
    var log: String?

    func validate() throws {
        if synthetic == nil && !resume && (source == nil || target == nil) {
            throw ValidationError("give --source FILE and --target FILE, or --synthetic copy|reverse|sort|add")
        }
        if synthetic != nil && (source != nil || target != nil) { throw ValidationError("--synthetic draws its own data: leave out --source and --target") }
        if (validSource == nil) != (validTarget == nil) { throw ValidationError("give both --valid-source and --valid-target, or neither") }
        let hasValidation = validSource != nil || synthetic != nil
        if epochs == nil && time == nil && !hasValidation && !resume {
            throw ValidationError("give validation files (training stops when validation stops improving), --epochs N or --time DURATION")
        }
        if pretrained.embeddings != nil && synthetic != nil { throw ValidationError("--embeddings needs word data, not --synthetic") }
        if !resume, let problem = settings.problem { throw ValidationError(problem) }
    }

    var settings: Seq2SeqTrainingSettings {
        var settings = Seq2SeqTrainingSettings()
        settings.cell = cell
        settings.layers = layers
        settings.hiddenSize = hidden
        settings.embeddingSize = embed ?? Seq2SeqTrainingSettings().embeddingSize
        settings.pretrainedEmbeddings = pretrained.settings
        settings.bidirectional = bidirectional
        settings.attention = attention
        settings.inputFeeding = inputFeeding
        settings.tiedOutput = tieOutput
        settings.dropout = dropout
        settings.lowercase = lowercase
        settings.minimumCount = minCount
        settings.maximumVocabulary = maxVocab
        settings.maximumLength = maxLength
        settings.synthetic = synthetic
        settings.syntheticLengths = length.range
        settings.syntheticExamples = examples
        settings.batch = batch
        settings.optimizer = optimizer.settings
        settings.clip = optimizer.clip
        settings.labelSmoothing = labelSmoothing
        settings.scheduledSampling = scheduledSampling
        settings.epochs = epochs
        settings.timeLimit = time?.seconds
        settings.validationInterval = validEvery?.seconds
        let hasValidation = validSource != nil || synthetic != nil
        settings.earlyStoppingPatience = patience ?? (epochs == nil && time == nil && hasValidation ? Seq2SeqTrainingSettings.defaultPatience : nil)
        settings.selectBy = select
        settings.bleuSentences = validBleuSentences
        settings.seed = seed
        return settings
    }

    func run() throws {
        try checkWritableDestination(out, flag: "--out")
        if let log { try checkWritableDestination(log, flag: "--log") }
        let training = try source.flatMap { source in try target.map { try ParallelText.read(source: source, target: $0) } }
        let validation = try validSource.flatMap { source in try validTarget.map { try ParallelText.read(source: source, target: $0) } }
        var settings = self.settings
        if embed == nil, !resume, let dimension = try pretrained.dimension() { settings.embeddingSize = dimension }
        let run = try Seq2SeqTraining(settings: settings, training: training, validation: validation, modelPath: out, resume: resume,
                                      logPath: log)
        for report in run.pretrainedEmbeddingReports { PretrainedEmbeddingOptions.printReport(report) }
        let model = run.bundle.model.configuration
        printError("\(resume ? "resuming" : "training") seq2seq: \(model.layers) x \(model.hiddenSize) \(model.cell.rawValue)"
                   + "\(model.bidirectional ? " bidirectional" : "") encoder, \(model.attention.rawValue) attention"
                   + "\(model.inputFeeding ? ", input feeding" : ""), embedding \(model.embeddingSize); vocabularies "
                   + "\(run.bundle.sourceVocabulary.count) / \(run.bundle.targetVocabulary.count); \(run.bundle.model.parameterCount) parameters; "
                   + "\(run.settings.synthetic == nil ? run.task.training.count : run.settings.syntheticExamples) pairs per epoch"
                   + (run.skippedPairs > 0 ? " (\(run.skippedPairs) left out: empty or over \(run.settings.maximumLength) tokens)" : "")
                   + "; \(Kernels.threadCount) threads")
        let state = try run.run()
        if let best = state.bestMetric {
            printError(String(format: "best validation %@ %.4f at step %d; wrote %@", run.trainer.options.selection.metric, best, state.bestStep ?? 0, out))
        } else {
            printError("wrote \(out) (no validation: the final parameters)")
        }
    }
}
