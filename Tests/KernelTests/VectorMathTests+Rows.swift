import CRecurrentKernels
import Foundation
import Testing

/// `rk_logsumexp`, `rk_softmax_rows` and `rk_log_softmax_rows` against double-precision
/// references, including rows the max shift cannot handle (all -inf, +inf, NaN).
extension VectorMathTests {
    // MARK: - References (double precision)

    static func referenceLogSumExp(_ x: ArraySlice<Float>) -> Double {
        guard let max = x.max(), max.isFinite else { return Double(x.max() ?? -.infinity) }
        let sum = x.reduce(0.0) { $0 + Foundation.exp(Double($1) - Double(max)) }
        return Double(max) + Foundation.log(sum)
    }

    static func softmax(_ x: [Float], rows: Int, logarithm: Bool, isa: rk_isa) -> [Float] {
        var y = [Float](repeating: 0, count: x.count)
        x.withUnsafeBufferPointer { input in
            y.withUnsafeMutableBufferPointer { output in
                let cols = rows == 0 ? 0 : x.count / rows
                if logarithm {
                    rk_log_softmax_rows_isa(isa, input.baseAddress, output.baseAddress, rows, cols)
                } else {
                    rk_softmax_rows_isa(isa, input.baseAddress, output.baseAddress, rows, cols)
                }
            }
        }
        return y
    }

    static func logSumExp(_ x: [Float], isa: rk_isa) -> Float {
        x.withUnsafeBufferPointer { rk_logsumexp_isa(isa, $0.baseAddress, x.count) }
    }

    /// Deterministic values spread over [-scale, scale] (a fixed linear congruential sequence).
    static func pseudoRandom(count: Int, scale: Float, seed: UInt64) -> [Float] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return (Float(state >> 40) / Float(1 << 24) * 2 - 1) * scale
        }
    }

    // MARK: - Log-sum-exp

    @Test func logSumExpMatchesDoubleReference() {
        Self.forEachISA { isa in
            for count in [1, 2, 7, 15, 16, 17, 33, 129, 1000, 50_000] {
                for scale: Float in [1, 30, 1e4] {
                    let x = Self.pseudoRandom(count: count, scale: scale, seed: UInt64(count))
                    let exact = Self.referenceLogSumExp(x[...])
                    let error = abs(Double(Self.logSumExp(x, isa: isa)) - exact)
                    // Rounding the result, plus about 1e-7 from the rounded exponentials in the sum.
                    let bound = Double(Float(exact).ulp) + 2e-7
                    #expect(error <= bound, "logsumexp on \(Self.name(isa)), n = \(count), scale \(scale): error \(error)")
                }
            }
            #expect(Self.logSumExp([Float](repeating: 0, count: 1000), isa: isa) == Float(Foundation.log(1000.0)), "on \(Self.name(isa))")
        }
    }

    @Test func logSumExpEdgeCases() {
        Self.forEachISA { isa in
            let cases: [(x: [Float], expected: Float)] = [
                ([], -.infinity),
                ([-.infinity], -.infinity),
                ([Float](repeating: -.infinity, count: 17), -.infinity),
                ([-.infinity, 0, -.infinity], 0),
                ([0, .infinity, -.infinity, 3], .infinity),
                ([1e30, -1e30], 1e30),
                ([-1e30, -1e30], -1e30),
                ([1e30, 1e30, .infinity], .infinity),
                ([-.greatestFiniteMagnitude, .greatestFiniteMagnitude], .greatestFiniteMagnitude),
                ([5], 5),
            ]
            for (x, expected) in cases {
                #expect(Self.logSumExp(x, isa: isa) == expected, "logsumexp(\(x)) on \(Self.name(isa))")
            }
            #expect(Self.logSumExp([0, 0], isa: isa) == Float(Foundation.log(2.0)), "on \(Self.name(isa))")
            #expect(Self.logSumExp([1, .nan, 2], isa: isa).isNaN && Self.logSumExp([.infinity, .nan], isa: isa).isNaN
                    && Self.logSumExp([-.infinity, .nan], isa: isa).isNaN, "NaN propagates on \(Self.name(isa))")
        }
    }

    // MARK: - Softmax and log-softmax

    @Test func softmaxRowsMatchDoubleReference() {
        Self.forEachISA { isa in
            for (rows, cols) in [(0, 5), (1, 1), (3, 7), (2, 17), (4, 129), (1, 1000)] {
                for scale: Float in [1, 20, 1e4] {
                    let x = Self.pseudoRandom(count: rows * cols, scale: scale, seed: UInt64(rows * 1000 + cols))
                    let softmax = Self.softmax(x, rows: rows, logarithm: false, isa: isa)
                    let logSoftmax = Self.softmax(x, rows: rows, logarithm: true, isa: isa)
                    var worstSoftmax = 0.0, worstLogSoftmax = 0.0, worstRowSum = 0.0
                    for row in 0..<rows {
                        let slice = x[(row * cols)..<(row * cols + cols)]
                        let logSum = Self.referenceLogSumExp(slice)
                        let rowMax = Double(slice.max()!)
                        var rowSum = 0.0
                        for i in slice.indices {
                            let exactLog = Double(x[i]) - logSum
                            let exact = Foundation.exp(exactLog)
                            // Rounding x - max in float costs up to |x - max| 2^-24 of relative error
                            // (inherent to a float softmax); that part is allowed on top of the ulps.
                            let shiftRounding = exact * abs(Double(x[i]) - rowMax) * 0x1p-24
                            let excess = max(0, abs(Double(softmax[i]) - exact) - shiftRounding)
                            worstSoftmax = max(worstSoftmax, excess / Self.floatULP(at: exact))
                            // Log-softmax: an absolute error near 0, a relative one for large magnitudes.
                            let logError = abs(Double(logSoftmax[i]) - exactLog) / max(1, abs(exactLog))
                            worstLogSoftmax = max(worstLogSoftmax, logError)
                            rowSum += Double(softmax[i])
                        }
                        worstRowSum = max(worstRowSum, abs(rowSum - 1))
                    }
                    let shape = "\(rows) x \(cols), scale \(scale), on \(Self.name(isa))"
                    #expect(worstSoftmax <= 4, "softmax \(shape): \(worstSoftmax) ulp")
                    #expect(worstLogSoftmax <= 3e-7, "log-softmax \(shape): \(worstLogSoftmax)")
                    #expect(worstRowSum <= 1e-5, "softmax row sum \(shape): off by \(worstRowSum)")
                }
            }
        }
    }

    @Test func softmaxRowsWithInfinitiesNaNAndExtremes() {
        let inf = Float.infinity
        // Each case is one row: input, softmax, log-softmax.
        let cases: [(x: [Float], softmax: [Float], logSoftmax: [Float])] = [
            ([-inf, -inf, -inf], [0, 0, 0], [-inf, -inf, -inf]),
            ([inf, 0, inf, -inf], [0.5, 0, 0.5, 0], [-Float(Foundation.log(2.0)), -inf, -Float(Foundation.log(2.0)), -inf]),
            ([1, inf, -inf], [0, 1, 0], [-inf, 0, -inf]),
            ([1e30, -1e30], [1, 0], [0, -2e30]),
            ([1e30, 1e30], [0.5, 0.5], [-Float(Foundation.log(2.0)), -Float(Foundation.log(2.0))]),
            ([-1e30, -1e30, -inf], [0.5, 0.5, 0], [-Float(Foundation.log(2.0)), -Float(Foundation.log(2.0)), -inf]),
            ([-1e30, 0], [0, 1], [-1e30, 0]),
            ([7], [1], [0]),
        ]
        Self.forEachISA { isa in
            for (x, softmax, logSoftmax) in cases {
                #expect(Self.softmax(x, rows: 1, logarithm: false, isa: isa) == softmax, "softmax(\(x)) on \(Self.name(isa))")
                #expect(Self.softmax(x, rows: 1, logarithm: true, isa: isa) == logSoftmax, "log-softmax(\(x)) on \(Self.name(isa))")
            }
            // A NaN poisons its own row only.
            let x: [Float] = [1, .nan, 2, /* next row */ 0, 0, 0]
            for logarithm in [false, true] {
                let y = Self.softmax(x, rows: 2, logarithm: logarithm, isa: isa)
                #expect(y[0..<3].allSatisfy(\.isNaN) && !y[3..<6].contains(where: \.isNaN), "NaN row on \(Self.name(isa))")
            }
        }
    }

    @Test func softmaxRowsInPlaceMatchOutOfPlace() {
        Self.forEachISA { isa in
            let (rows, cols) = (3, 33)
            let x = Self.pseudoRandom(count: rows * cols, scale: 10, seed: 7) + [Float](repeating: -.infinity, count: cols)
            for logarithm in [false, true] {
                let expected = Self.softmax(x, rows: rows + 1, logarithm: logarithm, isa: isa)
                var inPlace = x
                inPlace.withUnsafeMutableBufferPointer { buffer in
                    if logarithm {
                        rk_log_softmax_rows_isa(isa, buffer.baseAddress, buffer.baseAddress, rows + 1, cols)
                    } else {
                        rk_softmax_rows_isa(isa, buffer.baseAddress, buffer.baseAddress, rows + 1, cols)
                    }
                }
                #expect(inPlace == expected, "in-place \(logarithm ? "log-softmax" : "softmax") on \(Self.name(isa))")
            }
        }
    }
}
