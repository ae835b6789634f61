import ArgumentParser
import Foundation
import Recurrent

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the speed of kernels and models.",
        subcommands: [BenchGEMMCommand.self, BenchTrainCommand.self, BenchSequenceClassifierCommand.self, BenchGenerateCommand.self, BenchInferCommand.self, BenchReadVectorsCommand.self, BenchEmbeddingsCommand.self, BenchTaggerCommand.self, BenchAgentCommand.self, BenchSeq2SeqCommand.self]
    )
}

/// Shared options of every benchmark.
struct BenchmarkOptions: ParsableArguments {
    @Option(help: "Threads the kernels use (default: all online CPUs).")
    var threads: Int?

    @Flag(help: "Print one JSON object on stdout instead of text.")
    var json = false

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func apply() {
        if let threads { Kernels.threadCount = threads }
    }
}

/// The shortest of `runs` timed runs of `body`, after one untimed warm-up run, in seconds.
func bestSeconds(runs: Int, _ body: () -> Void) -> Double {
    body()
    var best = Double.infinity
    for _ in 0..<max(runs, 1) {
        let start = monotonicSeconds()
        body()
        best = min(best, monotonicSeconds() - start)
    }
    return best
}

/// Seconds of wall-clock time from a monotonic clock.
func monotonicSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}
