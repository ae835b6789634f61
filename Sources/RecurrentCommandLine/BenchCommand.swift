import ArgumentParser
import Foundation
import Recurrent

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the speed of kernels and models.",
        subcommands: [BenchGEMMCommand.self, BenchTrainCommand.self, BenchGenerateCommand.self, BenchInferCommand.self]
    )
}

/// Shared options of every benchmark.
struct BenchmarkOptions: ParsableArguments {
    @Option(help: "Threads the kernels use (default: all online CPUs).")
    var threads: Int?

    @Flag(help: "Print one JSON object on stdout instead of text.")
    var json = false

    func apply() {
        if let threads { Kernels.threadCount = threads }
    }
}

/// Seconds of wall-clock time from a monotonic clock.
func monotonicSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}
