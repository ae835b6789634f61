import ArgumentParser
import Foundation
import Recurrent

/// The flags of `train tagger` for the neural taggers (`--model bilstm|bilstm-crf`), with the
/// defaults of ``NeuralTaggerSettings``.
struct NeuralTaggerOptions: ParsableArguments {
    @Option(help: "Word embedding size (default: \(NeuralTaggerSettings().wordDimension), or the vectors' size with --embeddings).")
    var embed: Int?

    @Flag(inversion: .prefixedNo, help: "A character BiLSTM per word beside its embedding (for unknown words).")
    var chars = NeuralTaggerSettings().characterHiddenSize > 0

    @Option(help: "Character embedding size.")
    var charEmbed = NeuralTaggerSettings().characterDimension

    @Option(help: "Hidden size of each direction of the character BiLSTM.")
    var charHidden = max(NeuralTaggerSettings().characterHiddenSize, 1)

    @Option(help: "Hidden size of each direction of the word BiLSTM.")
    var hidden = NeuralTaggerSettings().hiddenSize

    @Option(help: "Stacked word BiLSTM layers.")
    var layers = NeuralTaggerSettings().layers

    @Option(help: "Dropout on the BiLSTM's input, between its layers and on its output.")
    var dropout = NeuralTaggerSettings().dropout

    @Option(help: "Word dropout α: a training word seen c times becomes the unknown word with probability α/(α+c) (0: none).")
    var wordDropout = NeuralTaggerSettings().wordDropout

    @Flag(inversion: .prefixedNo, help: "Look words up in lower case (the character BiLSTM still sees the case).")
    var lowercaseWords = NeuralTaggerSettings().lowercaseWords

    @Option(help: "Sentences per batch.")
    var batch = NeuralTaggerSettings().batch

    @Option(help: "Optimizer: \(OptimizerSettings.Kind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var optimizer = NeuralTaggerSettings().optimizer.kind

    @Option(help: "Multiply the learning rate by this at the start of every epoch after the first (default: \(NeuralTaggerSettings().learningRateDecay.map { "\($0)" } ?? "1, constant")).")
    var lrDecay: Float?

    @Option(help: "Weight decay (L2 for sgd/adagrad/rmsprop/adam, decoupled for adamw; default 0, 0.01 for adamw).")
    var weightDecay: Double?

    @Option(name: .customLong("clip"), help: "Clip the global gradient norm to this value; 0 turns clipping off (default: \(NeuralTaggerSettings.defaultClip.map { "\($0)" } ?? "0")).")
    var clipOption: Float?

    @Option(help: "Training time budget, e.g. 15m, 90s (validation time excluded; default: \(NeuralTaggerSettings.defaultEpochs) epochs).")
    var time: Duration?

    @Option(name: .customLong("valid-every"), help: "Also score --dev (and checkpoint) every this much training time, e.g. 5m.")
    var validEvery: Duration?

    @Option(help: "Stop after this many dev scorings without a better accuracy (default: none).")
    var patience: Int?

    @Flag(help: "Continue from OUT.checkpoint with its settings (only --epochs and --time may change).")
    var resume = false

    @OptionGroup(title: "Pretrained word vectors (bilstm, bilstm-crf)") var pretrained: PretrainedEmbeddingOptions

    func validate() throws {
        for (flag, value, minimum) in [("--embed", embed ?? 1, 1), ("--char-embed", charEmbed, 1), ("--char-hidden", charHidden, 1), ("--hidden", hidden, 1),
                                       ("--layers", layers, 1), ("--batch", batch, 1)] where value < minimum {
            throw ValidationError("\(flag) must be at least \(minimum)")
        }
        guard dropout >= 0 && dropout < 1 else { throw ValidationError("--dropout must be in [0, 1)") }
        guard wordDropout >= 0 && wordDropout.isFinite else { throw ValidationError("--word-dropout must be a number ≥ 0") }
        if let lrDecay, !(lrDecay > 0 && lrDecay <= 1) { throw ValidationError("--lr-decay must be in (0, 1]") }
        if let patience, patience < 1 { throw ValidationError("--patience must be at least 1") }
        if let clipOption, !(clipOption >= 0 && clipOption.isFinite) { throw ValidationError("--clip must be a number ≥ 0 (0: no clipping)") }
    }

    /// The flags only the neural taggers read, when given to another model.
    var neuralOnlyFlagsGiven: Bool {
        time != nil || validEvery != nil || patience != nil || resume || pretrained.embeddings != nil
    }

    /// The settings these flags give, with the command's shared flags.
    func settings(crf: Bool, epochs: Int?, seed: UInt64, learningRate: Double?) throws -> NeuralTaggerSettings {
        var settings = NeuralTaggerSettings()
        settings.crf = crf
        settings.wordDimension = try embed ?? pretrained.dimension() ?? settings.wordDimension
        settings.characterHiddenSize = chars ? charHidden : 0
        settings.characterDimension = charEmbed
        settings.hiddenSize = hidden
        settings.layers = layers
        settings.dropout = dropout
        settings.wordDropout = wordDropout
        settings.lowercaseWords = lowercaseWords
        settings.batch = batch
        settings.optimizer = OptimizerSettings(kind: optimizer, learningRate: learningRate.map(Float.init) ?? NeuralTaggerSettings.defaultLearningRate(for: optimizer),
                                               weightDecay: weightDecay)
        settings.learningRateDecay = lrDecay.map { $0 == 1 ? nil : $0 } ?? settings.learningRateDecay
        let clip = clipOption ?? NeuralTaggerSettings.defaultClip
        settings.clip = clip == 0 ? nil : clip
        settings.epochs = epochs
        settings.timeLimit = time?.seconds
        settings.validationInterval = validEvery?.seconds
        settings.earlyStoppingPatience = patience
        settings.seed = seed
        settings.pretrainedEmbeddings = pretrained.settings
        if let problem = settings.problem { throw CommandError("invalid training settings: \(problem)") }
        return settings
    }
}
