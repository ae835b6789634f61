import CRecurrentKernels
import Foundation
import RecurrentTensor
import RecurrentTestSupport
import Testing

/// The fast GEMM kernels against the naive reference, for every instruction set this machine
/// supports (through the `_isa` entry points, which leave the process-wide setting alone).
@Suite struct GEMMTests {
    static let sizes = [0, 1, 7, 17, 64, 129]
    static let instructionSets = [RK_ISA_GENERIC, RK_ISA_NEON, RK_ISA_AVX2, RK_ISA_AVX512].filter { rk_isa_supported($0) != 0 }

    struct Case: CustomStringConvertible {
        var m: Int, n: Int, k: Int
        var transposeA = false, transposeB = false
        var alpha: Float = 1, beta: Float = 0
        var padding = 0  // extra elements at the end of every row of A, B and C
        var description: String { "m\(m) n\(n) k\(k) tA\(transposeA) tB\(transposeB) α\(alpha) β\(beta) pad\(padding)" }
    }

    /// Runs `rk_sgemm_isa` (or the packed path) and the reference on the same inputs; returns
    /// the worst closeness ratio (≤ 1 passes).
    static func compare(_ c: Case, isa: rk_isa, packed: Bool, seed: UInt64 = 1) -> Float {
        var generator = RandomGenerator(seed: seed)
        let aRows = c.transposeA ? c.k : c.m, aColumns = c.transposeA ? c.m : c.k
        let bRows = c.transposeB ? c.n : c.k, bColumns = c.transposeB ? c.k : c.n
        let lda = max(aColumns, 1) + c.padding, ldb = max(bColumns, 1) + c.padding, ldc = max(c.n, 1) + c.padding
        let a = (0..<(aRows * lda)).map { _ in generator.nextUniform() * 2 - 1 }
        let b = (0..<(bRows * ldb)).map { _ in generator.nextUniform() * 2 - 1 }
        // With beta == 0, C must be overwritten without being read: fill it with NaN.
        let initial = (0..<(c.m * ldc)).map { _ in c.beta == 0 ? Float.nan : generator.nextUniform() * 2 - 1 }
        var fast = initial, reference = initial
        if packed {
            let count = rk_sgemm_packed_b_count_isa(isa, c.k, c.n)
            var panels = [Float](repeating: .nan, count: count)
            rk_sgemm_pack_b_isa(isa, c.transposeB ? 1 : 0, c.k, c.n, b, ldb, &panels)
            rk_sgemm_packed_isa(isa, c.transposeA ? 1 : 0, c.m, c.n, c.k, c.alpha, a, lda, panels, c.beta, &fast, ldc)
        } else {
            rk_sgemm_isa(isa, c.transposeA ? 1 : 0, c.transposeB ? 1 : 0, c.m, c.n, c.k, c.alpha, a, lda, b, ldb, c.beta, &fast, ldc)
        }
        rk_sgemm_reference(c.transposeA ? 1 : 0, c.transposeB ? 1 : 0, c.m, c.n, c.k, c.alpha, a, lda, b, ldb, c.beta, &reference, ldc)
        // Padding columns of C must be untouched.
        for row in 0..<c.m {
            for column in c.n..<ldc where !(fast[row * ldc + column].isNaN && initial[row * ldc + column].isNaN) {
                if fast[row * ldc + column] != initial[row * ldc + column] { return .infinity }
            }
        }
        // Float accumulation over k terms of size <= 1: allow k·2^-24-scaled error.
        return closenessRatio(fast, reference, relative: 1e-5, absolute: Float(max(c.k, 1)) * 2e-7)
    }

    static func transposeCombinations(_ base: Case) -> [Case] {
        [(false, false), (false, true), (true, false), (true, true)].map { transposeA, transposeB in
            var c = base
            c.transposeA = transposeA
            c.transposeB = transposeB
            return c
        }
    }

    @Test("awkward sizes, all transposes", arguments: [false, true])
    func awkwardSizes(packed: Bool) {
        for isa in Self.instructionSets {
            for m in Self.sizes {
                for n in Self.sizes {
                    for k in Self.sizes {
                        for c in Self.transposeCombinations(Case(m: m, n: n, k: k)) {
                            let ratio = Self.compare(c, isa: isa, packed: packed)
                            #expect(ratio <= 1, "\(String(cString: rk_isa_name(isa))) packed=\(packed) \(c): ratio \(ratio)")
                        }
                    }
                }
            }
        }
    }

    @Test("alpha, beta and padded leading dimensions", arguments: [false, true])
    func scalingAndStrides(packed: Bool) {
        let scalings: [(Float, Float)] = [(1, 1), (-0.5, 0.25), (2, 0), (0, 0.5), (0, 0)]
        for isa in Self.instructionSets {
            for (alpha, beta) in scalings {
                for size in [(1, 17, 7), (7, 129, 17), (64, 30, 129), (5, 3, 300)] {
                    for c in Self.transposeCombinations(Case(m: size.0, n: size.1, k: size.2, alpha: alpha, beta: beta, padding: 3)) {
                        let ratio = Self.compare(c, isa: isa, packed: packed)
                        #expect(ratio <= 1, "\(String(cString: rk_isa_name(isa))) packed=\(packed) \(c): ratio \(ratio)")
                    }
                }
            }
        }
    }

    /// Shapes that cross every cache-blocking boundary (K beyond one KC slice, N beyond one NC
    /// block, M beyond the few-rows threshold and the small-m path, which splits K among the
    /// threads when B is not transposed and K is long) and use several threads.
    @Test("blocking boundaries and threading", arguments: [false, true])
    func blockingBoundaries(packed: Bool) {
        let shapes = [(2, 4100, 3), (3, 5000, 9), (70, 400, 520), (65, 777, 257), (300, 50, 600), (2100, 9, 5), (33, 4500, 31),
                      (1, 2100, 300), (4, 700, 1030), (3, 129, 4097)]
        for isa in Self.instructionSets {
            for (m, n, k) in shapes {
                for c in Self.transposeCombinations(Case(m: m, n: n, k: k, beta: 0.5)) {
                    let ratio = Self.compare(c, isa: isa, packed: packed)
                    #expect(ratio <= 1, "\(String(cString: rk_isa_name(isa))) packed=\(packed) \(c): ratio \(ratio)")
                }
            }
        }
    }

    @Test func parallelRegionRunsEveryTaskOnce() {
        final class Counts: @unchecked Sendable {
            let lock = NSLock()
            var values = [Int](repeating: 0, count: 100)
            var reportedTotals: Set<Int> = []
        }
        let counts = Counts()
        Kernels.parallel(tasks: 37) { task, tasks in
            counts.lock.lock()
            counts.values[task] += 1
            counts.reportedTotals.insert(tasks)
            counts.lock.unlock()
        }
        #expect(counts.values.prefix(37).allSatisfy { $0 == 1 })
        #expect(counts.values.dropFirst(37).allSatisfy { $0 == 0 })
        #expect(counts.reportedTotals == [37])
    }

    @Test func nestedParallelRegionsRunEveryTask() {
        final class Counts: @unchecked Sendable {
            let lock = NSLock()
            var inner = [Int](repeating: 0, count: 4 * 5)
        }
        let counts = Counts()
        Kernels.parallel(tasks: 4) { outer, _ in
            Kernels.parallel(tasks: 5) { inner, tasks in
                counts.lock.lock()
                counts.inner[outer * tasks + inner] += 1
                counts.lock.unlock()
            }
        }
        #expect(counts.inner.allSatisfy { $0 == 1 })
    }
}
