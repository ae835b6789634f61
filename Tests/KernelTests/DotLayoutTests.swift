import CRecurrentKernels
import RecurrentTensor
import RecurrentTestSupport
import Testing

/// The dot-product layout (`rk_dots_pack`) and its kernels against dot products written out, for
/// every instruction set this machine supports: sizes that leave partial groups of rows and
/// partial tiles of columns, blocks of rows that do not start on a multiple of 8, one to four
/// rows of A, both sweep directions, ranges that start inside a block.
@Suite struct DotLayoutTests {
    static let instructionSets = [RK_ISA_GENERIC, RK_ISA_NEON, RK_ISA_AVX2, RK_ISA_AVX512].filter { rk_isa_supported($0) != 0 }

    @Test("the layout puts B[j, p] where its documentation says, zeros elsewhere")
    func layoutPositions() {
        let (n, k, blockRows) = (2 * 11, 13, 11)  // 2 blocks of 11 rows: 2 groups each, 2 tiles per row
        let b = (0..<(n * k)).map { Float($0 + 1) }
        var packed = [Float](repeating: .nan, count: rk_dots_packed_count(n, k, blockRows))
        #expect(packed.count == 2 * 16 * 16)
        rk_dots_pack(n, k, blockRows, b, k, &packed)
        var expected = [Float](repeating: 0, count: packed.count)
        for j in 0..<n {
            for p in 0..<k {
                let (block, row) = (j / blockRows, j % blockRows)
                let index = (block * 2 + row / 8) * 2 * 64 + p / 8 * 64 + row % 8 * 8 + p % 8
                expected[index] = b[j * k + p]
            }
        }
        #expect(packed == expected)
    }

    @Test("the kernels equal the dot products written out", arguments: [(1, 1), (7, 8), (8, 9), (13, 17), (17, 64), (64, 129)])
    func kernelsMatchDotProducts(blockRows: Int, k: Int) {
        let blocks = 3, n = blocks * blockRows
        var generator = RandomGenerator(seed: UInt64(blockRows * 1000 + k))
        let b = (0..<(n * k)).map { _ in generator.nextUniform() * 2 - 1 }
        var packed = [Float](repeating: .nan, count: rk_dots_packed_count(n, k, blockRows))
        rk_dots_pack(n, k, blockRows, b, k, &packed)
        let blockCount = packed.count / blocks, tiles = (k + 7) / 8
        for isa in Self.instructionSets {
            for m in 1...4 {
                let a = (0..<(m * k)).map { _ in generator.nextUniform() * 2 - 1 }
                let ldc = n + 3
                let initial = (0..<(m * ldc)).map { _ in generator.nextUniform() }
                for backwards in [0, 1] {
                    // Each block from its first group, and the second block from its second group on.
                    for (block, firstGroup) in [(0, 0), (1, 0), (2, 0), (1, 1)] where firstGroup * 8 < blockRows {
                        let rowStart = block * blockRows + firstGroup * 8, count = blockRows - firstGroup * 8
                        var c = initial
                        packed.withUnsafeBufferPointer { layout in
                            c.withUnsafeMutableBufferPointer { out in
                                rk_dots_accumulate_isa(isa, m, count, k, a, layout.baseAddress! + block * blockCount + firstGroup * tiles * 64,
                                                       out.baseAddress! + rowStart, ldc, Int32(backwards))
                            }
                        }
                        var expected = initial
                        for i in 0..<m {
                            for j in rowStart..<(rowStart + count) {
                                var sum: Double = 0
                                for p in 0..<k { sum += Double(a[i * k + p]) * Double(b[j * k + p]) }
                                expected[i * ldc + j] += Float(sum)
                            }
                        }
                        let ratio = closenessRatio(c, expected, relative: 1e-5, absolute: Float(k) * 2e-7)
                        #expect(ratio <= 1, "\(String(cString: rk_isa_name(isa))) m\(m) rows\(rowStart)..<\(rowStart + count) k\(k) backwards \(backwards): ratio \(ratio)")
                    }
                }
            }
        }
    }
}
