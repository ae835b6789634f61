import ArgumentParser
import Foundation
import Recurrent

/// The model shared by the recurrent benchmarks: a character language model.
struct BenchModelOptions: ParsableArguments {
    @Option(help: "Cell: lstm, gru, rnn.")
    var cell: CellKind = .lstm

    @Option(help: "Recurrent layers.")
    var layers: Int = 2

    @Option(help: "Hidden size (default: 512 for train, 256 for generate and infer, as in scripts/bench_reference.py).")
    var hidden: Int?

    @Option(help: "Vocabulary size.")
    var vocab: Int = 65

    @Option(help: "Embedding size.")
    var embed: Int = 64

    @OptionGroup var common: BenchmarkOptions

    var json: Bool { common.json }

    func validate() throws {
        guard layers >= 1, hidden ?? 1 >= 1, vocab >= 2, embed >= 1 else { throw ValidationError("sizes must be positive (vocab at least 2)") }
    }

    /// `--hidden`, or the command's own default.
    func hiddenSize(_ commandDefault: Int) -> Int { hidden ?? commandDefault }

    func makeModel(hiddenSize: Int) -> LanguageModel {
        common.apply()
        var generator = RandomGenerator(seed: 1)
        return LanguageModel(.init(cell: cell, vocabularySize: vocab, embeddingSize: embed, hiddenSize: hiddenSize, layers: layers),
                             generator: &generator)
    }

    func configuration(hiddenSize: Int) -> [String: Any] {
        ["cell": cell.rawValue, "layers": layers, "hidden": hiddenSize, "vocab": vocab, "embed": embed, "threads": Kernels.threadCount]
    }
}

extension CellKind: ExpressibleByArgument {}

struct BenchTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Training steps of a character language model (embedding, recurrent stack, linear, softmax cross-entropy, Adam, clipping at 5), in tokens per second.",
        discussion: "Compare with `python3 scripts/bench_reference.py train` (PyTorch, same model and sizes)."
    )

    @OptionGroup var model: BenchModelOptions

    @Option(help: "Sequences per batch.")
    var batch: Int = 32

    @Option(help: "Time steps per sequence (truncated backpropagation window).")
    var seq: Int = 64

    @Option(help: "Timed training steps (after 2 warm-up steps).")
    var steps: Int = 10

    func validate() throws {
        guard batch >= 1, seq >= 1, steps >= 1 else { throw ValidationError("--batch, --seq and --steps must be positive") }
    }

    func run() throws {
        let hidden = model.hiddenSize(512)
        let languageModel = model.makeModel(hiddenSize: hidden)
        let optimizer = Adam(languageModel.parameters, learningRate: 2e-3)
        var generator = RandomGenerator(seed: 2)
        let batches = (0..<4).map { _ in (0..<(seq * batch)).map { _ in generator.nextInt(below: model.vocab) } }
        var states = languageModel.zeroStates(batchSize: batch)
        func step(_ index: Int) {
            let tokens = batches[index % batches.count], targets = batches[(index + 1) % batches.count]
            optimizer.zeroGradients()
            let (logits, final) = languageModel(tokens, time: seq, batch: batch, states: states)
            states = final.map(\.detached)
            Loss.softmaxCrossEntropy(logits: logits, targets: targets).backward()
            _ = clipGradientNorm(optimizer.parameters, maxNorm: 5)
            optimizer.step()
        }
        step(0)
        step(1)
        let start = monotonicSeconds()
        for index in 0..<steps { step(index + 2) }
        let seconds = monotonicSeconds() - start
        let tokensPerSecond = Double(steps * batch * seq) / seconds
        if model.json {
            try printJSON(model.configuration(hiddenSize: hidden).merging(["tokens_per_second": (tokensPerSecond * 10).rounded() / 10, "batch": batch,
                                                       "seq": seq, "steps": steps, "peak_memory_mb": peakMemoryMegabytes()]) { $1 })
        } else {
            print(String(format: "train %@ L=%d H=%d B=%d T=%d: %.0f tokens/s (peak memory %.0f MB)", model.cell.rawValue, model.layers,
                         hidden, batch, seq, tokensPerSecond, peakMemoryMegabytes()))
        }
    }
}

struct BenchGenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Token-by-token greedy generation from a batch of one (embedding, recurrent step, output layer, argmax), in milliseconds for all tokens.",
        discussion: "Compare with `python3 scripts/bench_reference.py generate`."
    )

    @OptionGroup var model: BenchModelOptions

    @Option(help: "Tokens to generate.")
    var tokens: Int = 100

    @Option(help: "Timed runs; the best is reported.")
    var runs: Int = 5

    func run() throws {
        let hidden = model.hiddenSize(256)
        let languageModel = model.makeModel(hiddenSize: hidden)
        languageModel.setTraining(false)
        let generator = TextGenerator(model: languageModel)
        let milliseconds = bestSeconds(runs: runs) { _ = generator.greedy(start: 0, count: tokens) } * 1000
        if model.json {
            try printJSON(model.configuration(hiddenSize: hidden).merging(["ms": (milliseconds * 1000).rounded() / 1000, "tokens": tokens]) { $1 })
        } else {
            print(String(format: "generate %@ L=%d H=%d: %.3f ms for %d tokens", model.cell.rawValue, model.layers, hidden, milliseconds, tokens))
        }
    }
}

struct BenchInferCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "infer",
        abstract: "One forward pass over a batch-of-one sequence, in milliseconds.",
        discussion: "Compare with `python3 scripts/bench_reference.py infer`."
    )

    @OptionGroup var model: BenchModelOptions

    @Option(help: "Sequence length.")
    var seq: Int = 100

    @Option(help: "Timed runs; the best is reported.")
    var runs: Int = 10

    func run() throws {
        let hidden = model.hiddenSize(256)
        let languageModel = model.makeModel(hiddenSize: hidden)
        languageModel.setTraining(false)
        var generator = RandomGenerator(seed: 3)
        let tokens = (0..<seq).map { _ in generator.nextInt(below: model.vocab) }
        let milliseconds = bestSeconds(runs: runs) { _ = withoutGradient { languageModel(tokens, time: seq, batch: 1, states: nil).logits } } * 1000
        if model.json {
            try printJSON(model.configuration(hiddenSize: hidden).merging(["ms": (milliseconds * 1000).rounded() / 1000, "seq": seq]) { $1 })
        } else {
            print(String(format: "infer %@ L=%d H=%d T=%d: %.3f ms", model.cell.rawValue, model.layers, hidden, seq, milliseconds))
        }
    }
}

/// The peak resident memory of this process so far, in MB (VmHWM on Linux, ru_maxrss elsewhere).
func peakMemoryMegabytes() -> Double {
    #if os(Linux)
    if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
       let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
       let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "") {
        return kilobytes / 1024
    }
    #endif
    var usage = rusage()
    #if os(Linux)
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
    #else
    getrusage(RUSAGE_SELF, &usage)
    return Double(usage.ru_maxrss) / 1_048_576
    #endif
}
