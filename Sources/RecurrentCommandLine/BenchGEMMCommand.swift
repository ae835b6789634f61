import ArgumentParser
import Foundation
import Recurrent

struct GEMMShape: ExpressibleByArgument, CustomStringConvertible {
    var m: Int, k: Int, n: Int

    init(m: Int, k: Int, n: Int) {
        (self.m, self.k, self.n) = (m, k, n)
    }

    init?(argument: String) {
        let parts = argument.lowercased().split(separator: "x").map { Int($0) }
        guard parts.count == 3, let m = parts[0], let k = parts[1], let n = parts[2], m > 0, k > 0, n > 0 else { return nil }
        self.init(m: m, k: k, n: n)
    }

    var description: String { "\(m)x\(k)x\(n)" }
}

struct BenchGEMMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gemm",
        abstract: "Single-precision matrix multiply C = A·B (A is MxK, B is KxN) in GFLOP/s.",
        discussion: """
            For each shape: a warm-up, then the best of several timed runs, each repeating the \
            product for at least 0.2 s. Compare with `python3 scripts/bench_reference.py gemm`, \
            which prints the same lines for numpy (OpenBLAS) and PyTorch.
            """
    )

    static let defaultShapes = [
        GEMMShape(m: 32, k: 1024, n: 2048), GEMMShape(m: 2048, k: 512, n: 2048), GEMMShape(m: 512, k: 512, n: 512),
        GEMMShape(m: 1024, k: 1024, n: 1024), GEMMShape(m: 1, k: 512, n: 2048),
    ]

    @Option(name: .customLong("shape"), parsing: .upToNextOption, help: "Shapes as MxKxN (default: the five standard shapes).")
    var shapes: [GEMMShape] = []

    @Option(help: "Timed runs per shape; the best is reported.")
    var runs = 7

    @OptionGroup var options: BenchmarkOptions

    func validate() throws {
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
    }

    func run() throws {
        options.apply()
        var results: [[String: Any]] = []
        for shape in shapes.isEmpty ? Self.defaultShapes : shapes {
            let gflops = Self.measure(shape, runs: runs)
            results.append(["m": shape.m, "k": shape.k, "n": shape.n, "gflops": (gflops * 10).rounded() / 10])
            if !options.json { print("gemm \(shape) \(String(format: "%.1f", gflops)) GFLOP/s") }
        }
        if options.json {
            try printJSON(["results": results, "threads": Kernels.threadCount, "isa": Kernels.instructionSet])
        }
    }

    static func measure(_ shape: GEMMShape, runs: Int) -> Double {
        var generator = RandomGenerator(seed: 1)
        let a = Tensor.randomUniform([shape.m, shape.k], in: -1..<1, using: &generator)
        let b = Tensor.randomUniform([shape.k, shape.n], in: -1..<1, using: &generator)
        var c = Tensor.zeros([shape.m, shape.n])
        let flops = 2.0 * Double(shape.m) * Double(shape.k) * Double(shape.n)
        func multiply(_ repetitions: Int) {
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    c.withUnsafeMutableBufferPointer { c in
                        for _ in 0..<repetitions {
                            Kernels.gemm(m: shape.m, n: shape.n, k: shape.k, a: a.baseAddress!, lda: shape.k,
                                         b: b.baseAddress!, ldb: shape.n, c: c.baseAddress!, ldc: shape.n)
                        }
                    }
                }
            }
        }
        // Warm up, and size the repetitions so each timed run lasts about 0.2 s.
        let start = monotonicSeconds()
        multiply(1)
        let single = max(monotonicSeconds() - start, 1e-7)
        let repetitions = max(1, Int(0.2 / single))
        multiply(repetitions)
        var best = Double.infinity
        for _ in 0..<runs {
            let begin = monotonicSeconds()
            multiply(repetitions)
            best = min(best, (monotonicSeconds() - begin) / Double(repetitions))
        }
        return flops / best / 1e9
    }
}
