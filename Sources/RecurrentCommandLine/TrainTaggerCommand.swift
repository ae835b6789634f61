import ArgumentParser
import Foundation
import Recurrent

extension TaggerTrainingOptions.ModelKind: ExpressibleByArgument {}
extension TaggedTextFormat: ExpressibleByArgument {}
extension HMMOptions.Smoothing: ExpressibleByArgument {}
extension CRFOptions.Algorithm: ExpressibleByArgument {}

extension TagColumn: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}

/// `recurrent train tagger`: the classical part-of-speech/chunk taggers on CoNLL-U or column files.
struct TrainTaggerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tagger",
        abstract: "Train a sequence tagger (HMM, linear-chain CRF or averaged perceptron) on tagged sentences.",
        discussion: """
            Reads CoNLL-U (words from FORM, tags from --tag-column; multiword ranges and empty nodes \
            skipped) or column files (word first, tag in the last column by default, a blank line \
            between sentences). Progress goes to standard error; --log appends one JSON object per \
            iteration or epoch. See docs/tagging.md for the models and their math.
            """
    )

    @Option(help: "Tagged training sentences.")
    var train: String

    @Option(help: "Tagged development sentences, scored as training goes and at the end.")
    var dev: String?

    @Option(help: "Input format: conllu or columns (default: conllu for .conllu files, otherwise columns).")
    var format: TaggedTextFormat?

    @Option(help: "The tag column: upos or xpos (CoNLL-U), or a column number (default: upos; the last column of a column file).")
    var tagColumn: TagColumn?

    @Option(help: "Model: hmm, crf, perceptron (bilstm and bilstm-crf are not yet available).")
    var model: TaggerTrainingOptions.ModelKind = .crf

    @Option(help: "CRF: L-BFGS iterations or SGD epochs (default 100); perceptron: epochs (default 10).")
    var epochs: Int?

    @Option(help: "Random seed (perceptron and SGD example order).")
    var seed: UInt64 = 0

    @Option(help: "Threads for the CRF gradient (default: all online CPUs).")
    var threads: Int?

    @Option(help: "HMM order: 2 (bigram) or 3 (trigram).")
    var order: Int = 3

    @Option(help: "HMM transition smoothing: interpolation (TnT's deleted interpolation) or addk.")
    var smoothing: HMMOptions.Smoothing = .interpolation

    @Option(help: "HMM: k of add-k smoothing.")
    var addK: Double = 0.1

    @Option(help: "HMM: the longest suffix the unknown-word model reads.")
    var suffixLength: Int = 10

    @Option(help: "HMM: words seen at most this often train the unknown-word model.")
    var rareThreshold: Int = 10

    @Option(help: "HMM: weight of the suffix model's guess beside a rare word's own counts (0: only the tags it was seen with).")
    var rareSmoothing: Double = 0

    @Option(help: "HMM: the most frequent words whose emission also depends on the previous tag (0: none, as TnT).")
    var lexicalized: Int = 300

    @Option(help: "HMM: μ, the weight of P(w | tag) beside a lexicalized word's own counts after each previous tag.")
    var lexicalSmoothing: Double = 100

    @Option(help: "HMM: untagged text (one sentence per line, or .conllu) to continue training on with Baum-Welch.")
    var unlabeled: String?

    @Option(help: "HMM: Baum-Welch iterations on --unlabeled.")
    var emIterations: Int = 10

    @Option(help: "CRF optimizer: lbfgs (L-BFGS; OWL-QN with --l1) or sgd.")
    var algorithm: CRFOptions.Algorithm = .lbfgs

    @Option(help: "CRF: L2 coefficient c2 (the objective adds c2·‖w‖²).")
    var l2: Double = 0.5

    @Option(help: "CRF: L1 coefficient c1 (the objective adds c1·‖w‖₁; trains with OWL-QN).")
    var l1: Double = 0

    @Option(name: .customLong("lr"), help: "CRF with sgd: initial learning rate.")
    var learningRate: Double = 0.1

    @Flag(help: "Perceptron: decode greedily left to right instead of with Viterbi.")
    var greedy = false

    @Option(help: "CRF, perceptron: longest prefix and suffix attribute.")
    var affixLength: Int = 4

    @Option(help: "CRF, perceptron: neighbouring words on each side.")
    var window: Int = 2

    @Option(help: "CRF, perceptron: drop attributes seen fewer times than this in training.")
    var minimumCount: Int = 1

    @Option(help: "Score --dev every this many CRF iterations (perceptron: every epoch).")
    var devEvery: Int = 10

    @Option(help: "Append JSON-lines training metrics to this file.")
    var log: String?

    @Option(help: "Where to write the model (a safetensors file).")
    var out: String

    func validate() throws {
        if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        guard order == 2 || order == 3 else { throw ValidationError("--order must be 2 or 3") }
        guard addK > 0, addK.isFinite else { throw ValidationError("--add-k must be a positive number") }
        guard l2 >= 0, l1 >= 0, l2.isFinite, l1.isFinite else { throw ValidationError("--l1 and --l2 must be non-negative numbers") }
        guard learningRate > 0, learningRate.isFinite else { throw ValidationError("--lr must be a positive number") }
        guard (0...20).contains(affixLength), (0...5).contains(window) else { throw ValidationError("--affix-length must be in 0...20 and --window in 0...5") }
        guard (0...50).contains(suffixLength), rareThreshold >= 1, rareSmoothing >= 0, rareSmoothing.isFinite, lexicalSmoothing > 0, lexicalSmoothing.isFinite else { throw ValidationError("--suffix-length must be in 0...50 and --rare-threshold at least 1") }
        guard emIterations >= 1, devEvery >= 1, minimumCount >= 1, lexicalized >= 0 else {
            throw ValidationError("--em-iterations, --dev-every and --minimum-count must be at least 1, --lexicalized at least 0")
        }
        if l1 > 0, algorithm == .sgd { throw ValidationError("--l1 needs --algorithm lbfgs (OWL-QN)") }
        if unlabeled != nil, model != .hmm { throw ValidationError("--unlabeled is for --model hmm (Baum-Welch)") }
    }

    func run() throws {
        if model == .bilstm || model == .bilstmCRF {
            throw CommandError("--model \(model.rawValue) is not yet available; use hmm, crf or perceptron")
        }
        try checkWritableDestination(out, flag: "--out")
        if let log { try checkWritableDestination(log, flag: "--log") }
        if let threads { Kernels.threadCount = threads }
        let inputFormat = format ?? TaggedTextFormat.guess(path: train, otherwise: .columns)
        guard inputFormat != .text else { throw CommandError("--format text has no tags to train on; use conllu or columns") }
        let reporter = ProgressReporter()
        let trainCorpus = try TaggedCorpus.read(train, format: inputFormat, tagColumn: tagColumn)
        guard !trainCorpus.sentences.isEmpty else { throw CommandError("\(train): no sentences") }
        let devCorpus = try dev.map { try TaggedCorpus.read($0, format: format ?? TaggedTextFormat.guess(path: $0, otherwise: .columns), tagColumn: tagColumn) }
        let tags = TaggerTraining.tagSet(of: trainCorpus)
        if let devCorpus { try TaggerEvaluation.checkTags(of: devCorpus, against: tags) }

        var options = TaggerTrainingOptions()
        options.model = model
        options.seed = seed
        options.minimumAttributeCount = minimumCount
        options.templates.affixLength = affixLength
        options.templates.window = window
        options.hmm.order = order
        options.hmm.smoothing = smoothing
        options.hmm.addK = addK
        options.hmm.suffixLength = suffixLength
        options.hmm.rareWordThreshold = rareThreshold
        options.hmm.rareWordSmoothing = rareSmoothing
        options.hmm.lexicalizedWords = lexicalized
        options.hmm.lexicalSmoothing = lexicalSmoothing
        options.hmm.emIterations = emIterations
        options.crf.algorithm = algorithm
        options.crf.l2 = l2
        options.crf.l1 = l1
        options.crf.learningRate = learningRate
        if let epochs { options.crf.maxIterations = epochs; options.perceptron.epochs = epochs }
        options.perceptron.greedy = greedy
        if let unlabeled {
            options.unlabeled = try TaggedCorpus.read(unlabeled, format: TaggedTextFormat.guess(path: unlabeled, otherwise: .text), requireTags: false)
        }

        reporter.line("training \(model.rawValue) on \(trainCorpus.sentences.count) sentences (\(trainCorpus.tokenCount) tokens, \(tags.count) tags)"
                      + (devCorpus.map { ", scoring \($0.sentences.count) dev sentences" } ?? ""))
        let metricsLog = try log.map { try MetricsLog(path: $0) }
        let start = monotonicSeconds()
        var logFailure: Error?
        // Records as the other trainers write them, so `recurrent plot` reads them: `train` per
        // iteration or epoch (step, epoch or iteration, train_seconds, objective...), `validation`
        // when the dev set was scored (valid_accuracy), `end`.
        let bundle = try TaggerTraining.train(trainCorpus, options: options) { progress in
            let seconds = monotonicSeconds() - start
            var record: [String: Any] = ["event": "train", "step": progress.step, progress.unit: progress.step, "train_seconds": seconds]
            for (key, value) in progress.metrics { record[key] = value }
            var validation: [String: Any]?
            let scoreDev = progress.unit != "iteration" || progress.step % devEvery == 0
            if let devCorpus, scoreDev, let snapshot = progress.snapshot, let evaluation = try? snapshot().evaluate(devCorpus) {
                validation = ["event": "validation", "step": progress.step, progress.unit: progress.step, "train_seconds": seconds,
                              "valid_accuracy": evaluation.accuracy, "valid_unknown_accuracy": evaluation.unknownAccuracy]
            }
            do {
                try metricsLog?.write(record)
                if let validation { try metricsLog?.write(validation) }
            } catch {
                logFailure = error
                return false
            }
            var shown = progress.metrics.keys.sorted().map { key in "\(key) \(Self.format(progress.metrics[key]!))" }
            if let accuracy = validation?["valid_accuracy"] as? Double { shown.insert(String(format: "dev accuracy %.2f%%", 100 * accuracy), at: 0) }
            let details = shown.joined(separator: ", ")
            reporter.update("\(progress.unit) \(progress.step)/\(progress.totalSteps): \(details)",
                            fraction: Double(progress.step) / Double(max(progress.totalSteps, 1)), now: monotonicSeconds())
            if validation != nil { reporter.line("\(progress.unit) \(progress.step): \(details)") }
            return true
        }
        let seconds = monotonicSeconds() - start
        bundle.configuration.format = inputFormat.rawValue
        bundle.configuration.tagColumn = tagColumn?.description
        var summary: [String: Any] = ["event": "end", "train_seconds": seconds]
        var line = "trained \(model.rawValue) in \(String(format: "%.1f", seconds)) s"
        if let devCorpus {
            let evaluation = try bundle.evaluate(devCorpus)
            summary["valid_accuracy"] = evaluation.accuracy
            summary["valid_unknown_accuracy"] = evaluation.unknownAccuracy
            line += String(format: "; dev accuracy %.2f%% (known %.2f%%, unknown %.2f%%, sentences %.2f%%)", 100 * evaluation.accuracy,
                           100 * evaluation.knownAccuracy, 100 * evaluation.unknownAccuracy, 100 * evaluation.sentenceAccuracy)
        }
        if let logFailure { throw logFailure }
        try metricsLog?.write(summary)
        reporter.line(line)
        try bundle.write(to: out)
        reporter.line("wrote \(out)")
    }

    static func format(_ value: Any) -> String {
        if let double = value as? Double { return abs(double) < 1 ? String(format: "%.4f", double) : String(format: "%.1f", double) }
        return "\(value)"
    }
}
