import CRecurrentKernels
import RecurrentTensor
import RecurrentTestSupport
import Testing

/// One product computed through every path the dispatcher can choose for its shape, on every
/// instruction set this CPU supports. What the design promises:
///
/// - **Bit for bit**: a few rows (m ≤ 4) times Bᵀ, with B read in place (the small-m dot products)
///   or in the dot-product layout (`rk_dots_pack`, a cache of the recurrent weights made in
///   inference): every dot product is summed in the same order (`dot_in_eight_lanes`), so a cached
///   layout never changes a result. B packed or not (`PackedMatrix`) for the blocked kernel. The same
///   call twice.
/// - **Within k · 2⁻²³ relative** (different summation orders, each chosen by shape and thread
///   count alone): the blocked kernel against the small-m kernel for the same rows; B's rows split
///   among threads (split-K) against one thread.
@Suite struct ProductPathTests {
    static func random(_ count: Int, _ generator: inout RandomGenerator) -> [Float] {
        (0..<count).map { _ in generator.nextUniform() * 2 - 1 }
    }

    /// The shapes of a recurrent layer's W_hh product at a few hidden sizes, with partial groups of
    /// 8 and 4 dot products and partial tiles of 8 columns.
    static let recurrentShapes = [(n: 4 * 13, k: 13), (n: 3 * 16, k: 16), (n: 4 * 37, k: 37), (n: 4 * 128, k: 128), (n: 3 * 67, k: 67)]

    @Test("a few rows times Bᵀ: in place and in the dot-product layout agree bit for bit")
    func inPlaceAndDotLayoutAgree() {
        forEachInstructionSet { isa in
            for (n, k) in Self.recurrentShapes {
                var generator = RandomGenerator(seed: UInt64(n * 7 + k))
                let b = Self.random(n * k, &generator)
                let layout = DotLayoutMatrix(Tensor(shape: [n, k], scalars: b), blockRows: n)
                for m in 1...4 {
                    let a = Self.random(m * k, &generator), initial = Self.random(m * n, &generator)
                    var inPlace = initial, laidOut = initial
                    Kernels.gemm(transposeB: true, m: m, n: n, k: k, a: a, lda: k, b: b, ldb: k, beta: 1, c: &inPlace, ldc: n)
                    for backwards: Int32 in [0, 1] {
                        laidOut = initial
                        rk_dots_accumulate_isa(rk_isa_in_use(), m, n, k, a, layout.pointer, &laidOut, n, backwards)
                        let differing = zip(inPlace, laidOut).filter { $0.bitPattern != $1.bitPattern }.count
                        #expect(differing == 0, "\(isa) m\(m) n\(n) k\(k) backwards \(backwards): \(differing) of \(m * n) differ")
                    }
                }
            }
        }
    }

    @Test("the blocked kernel gives the same bits with B packed or in place")
    func packedAndUnpackedAgree() {
        forEachInstructionSet { isa in
            for (m, n, k) in [(5, 52, 13), (16, 512, 128), (70, 129, 300), (33, 17, 600)] {
                for transposed in [false, true] {
                    var generator = RandomGenerator(seed: UInt64(m + n + k))
                    let a = Self.random(m * k, &generator), b = Self.random(n * k, &generator)
                    var plain = [Float](repeating: 0, count: m * n), packed = plain
                    let ldb = transposed ? k : n
                    Kernels.gemm(transposeB: transposed, m: m, n: n, k: k, a: a, lda: k, b: b, ldb: ldb, c: &plain, ldc: n)
                    let matrix = PackedMatrix(rows: k, columns: n, b: b, ldb: ldb, transposed: transposed)
                    matrix.multiply(m: m, a: a, lda: k, c: &packed, ldc: n)
                    let differing = zip(plain, packed).filter { $0.bitPattern != $1.bitPattern }.count
                    #expect(differing == 0, "\(isa) m\(m) n\(n) k\(k) transposed \(transposed): \(differing) of \(m * n) differ")
                }
            }
        }
    }

    @Test("the blocked and small-m kernels agree within k · 2⁻²³ for the same rows; each repeats its bits")
    func blockedAndSmallMAgreeWithinTolerance() {
        forEachInstructionSet { isa in
            for (n, k) in [(52, 13), (512, 128), (129, 300)] {
                for transposed in [false, true] {
                    var generator = RandomGenerator(seed: UInt64(n + k))
                    let m = 8, ldb = transposed ? k : n
                    let a = Self.random(m * k, &generator), b = Self.random(n * k, &generator)
                    var blocked = [Float](repeating: 0, count: m * n), few = [Float](repeating: 0, count: 4 * n)
                    Kernels.gemm(transposeB: transposed, m: m, n: n, k: k, a: a, lda: k, b: b, ldb: ldb, c: &blocked, ldc: n)
                    Kernels.gemm(transposeB: transposed, m: 4, n: n, k: k, a: a, lda: k, b: b, ldb: ldb, c: &few, ldc: n)
                    let ratio = closenessRatio(few, Array(blocked.prefix(4 * n)), relative: Float(k) * 0x1p-23, absolute: Float(k) * 0x1p-23)
                    #expect(ratio <= 1, "\(isa) n\(n) k\(k) transposed \(transposed): ratio \(ratio)")
                    var again = [Float](repeating: 0, count: 4 * n)
                    Kernels.gemm(transposeB: transposed, m: 4, n: n, k: k, a: a, lda: k, b: b, ldb: ldb, c: &again, ldc: n)
                    #expect(again == few, "\(isa) n\(n) k\(k): the same call twice")
                }
            }
        }
    }

    @Test("a few rows times a long B: split among threads by rows of B (split-K), as dot products, or packed")
    func splitKAgreesWithinTolerance() {
        forEachInstructionSet { isa in
            // With B stored k x n and more than one thread, B's rows are split among the threads and
            // the partial products added (split-K); with Bᵀ stored, the same product is dot products.
            let (m, n, k) = (2, 300, 8192)
            var generator = RandomGenerator(seed: 11)
            let a = Self.random(m * k, &generator), b = Self.random(k * n, &generator)
            var bTransposed = [Float](repeating: 0, count: n * k)
            for p in 0..<k { for j in 0..<n { bTransposed[j * k + p] = b[p * n + j] } }
            var split = [Float](repeating: 0, count: m * n), dots = split, packed = split, again = split
            Kernels.gemm(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: &split, ldc: n)
            Kernels.gemm(transposeB: true, m: m, n: n, k: k, a: a, lda: k, b: bTransposed, ldb: k, c: &dots, ldc: n)
            PackedMatrix(rows: k, columns: n, b: b, ldb: n).multiply(m: m, a: a, lda: k, c: &packed, ldc: n)
            let tolerance = Float(k) * 0x1p-23
            for (name, other) in [("dot products", dots), ("packed", packed)] {
                let ratio = closenessRatio(other, split, relative: tolerance, absolute: tolerance)
                #expect(ratio <= 1, "\(isa) \(name) against split-K: ratio \(ratio)")
            }
            Kernels.gemm(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: &again, ldc: n)
            #expect(again == split, "\(isa): the same call twice")
        }
    }
}
