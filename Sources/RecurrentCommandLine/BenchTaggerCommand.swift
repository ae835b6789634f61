import ArgumentParser
import Foundation
import Recurrent

/// `recurrent bench tagger`: training time, tagging speed and accuracy of every classical tagger.
struct BenchTaggerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tagger",
        abstract: "Train each tagger with its defaults and measure training time, tagging speed (tokens/s) and accuracy.",
        discussion: """
            With --train and --dev (CoNLL-U or column files), the real data; without them, a \
            generated corpus (--sentences). Tagging speed is measured single-threaded over the \
            dev sentences, best of --runs. JSON: {"models": [{"model", "train_seconds", \
            "tokens_per_second", "accuracy", "unknown_accuracy"}], "threads", "train_tokens", "dev_tokens"}.
            """
    )

    @Option(help: "Tagged training sentences (default: a generated corpus).")
    var train: String?

    @Option(help: "Tagged sentences to tag and score.")
    var dev: String?

    @Option(help: "The tag column (as for `train tagger`).")
    var tagColumn: TagColumn?

    @Option(help: "Comma-separated models to run.")
    var models: String = "hmm,perceptron,crf"

    @Option(help: "Generated corpus: training sentences (the dev set is a fifth of this).")
    var sentences: Int = 2000

    @Option(help: "Timed tagging runs (the best counts).")
    var runs: Int = 3

    @OptionGroup var common: BenchmarkOptions

    func validate() throws {
        guard sentences >= 10, runs >= 1 else { throw ValidationError("--sentences must be at least 10 and --runs at least 1") }
        guard (train == nil) == (dev == nil) else { throw ValidationError("give both --train and --dev, or neither") }
        for name in models.split(separator: ",") where TaggerTrainingOptions.ModelKind(rawValue: String(name)) == nil {
            throw ValidationError("unknown model \(name) in --models")
        }
    }

    func run() throws {
        common.apply()
        let trainCorpus: TaggedCorpus, devCorpus: TaggedCorpus
        if let train, let dev {
            trainCorpus = try TaggedCorpus.read(train, format: TaggedTextFormat.guess(path: train, otherwise: .columns), tagColumn: tagColumn)
            devCorpus = try TaggedCorpus.read(dev, format: TaggedTextFormat.guess(path: dev, otherwise: .columns), tagColumn: tagColumn)
        } else {
            trainCorpus = SyntheticTaggedCorpus.make(sentences: sentences, seed: 1)
            devCorpus = SyntheticTaggedCorpus.make(sentences: max(sentences / 5, 1), seed: 2)
        }
        var results: [[String: Any]] = []
        for name in models.split(separator: ",").map(String.init) {
            var options = TaggerTrainingOptions()
            options.model = TaggerTrainingOptions.ModelKind(rawValue: name)!
            let start = monotonicSeconds()
            let bundle = try TaggerTraining.train(trainCorpus, options: options)
            let trainSeconds = monotonicSeconds() - start
            let evaluation = try bundle.evaluate(devCorpus)
            let threads = Kernels.threadCount
            Kernels.threadCount = 1
            let seconds = bestSeconds(runs: runs) { for sentence in devCorpus.sentences { _ = bundle.tagIndices(sentence.words) } }
            Kernels.threadCount = threads
            let tokensPerSecond = Double(devCorpus.tokenCount) / seconds
            results.append(["model": name, "train_seconds": (trainSeconds * 100).rounded() / 100, "tokens_per_second": tokensPerSecond.rounded(),
                            "accuracy": evaluation.accuracy, "unknown_accuracy": evaluation.unknownAccuracy])
            if !common.json {
                print(name.padding(toLength: 10, withPad: " ", startingAt: 0) + String(format: " train %6.2f s   tag %9.0f tokens/s   accuracy %.2f%% (unknown %.2f%%)", trainSeconds,
                             tokensPerSecond, 100 * evaluation.accuracy, 100 * evaluation.unknownAccuracy))
            }
        }
        if common.json {
            try printJSON(["models": results, "threads": Kernels.threadCount, "train_tokens": trainCorpus.tokenCount, "dev_tokens": devCorpus.tokenCount])
        }
    }
}
