import CRecurrentKernels
import Foundation
import Testing

/// Element-wise vector math (`rk_vexp`, `rk_vtanh`, `rk_vsigmoid`, `rk_vlog`) against the
/// double-precision libm result, on every instruction set this machine supports.
///
/// The kernels were also swept over all 2^32 inputs (a throwaway C harness, same error measure;
/// AVX-512 through a scalar emulation of its intrinsics, NEON under qemu on every 61st input);
/// the bounds below leave a little room above what that sweep measured:
///
///     max ulp error  generic  avx2   avx512  neon
///     exp            0.99     1.01   1.01    1.00
///     tanh           1.33     1.33   1.33    1.30
///     sigmoid        2.40     2.40   2.40    2.30
///     log            0.92     0.93   0.93    0.92
///
/// Every test runs each instruction set through the `_isa` entry points, which leave the
/// process-wide active instruction set alone, so these tests can run in parallel with any other.
@Suite struct VectorMathTests {
    /// The instruction sets this machine can run.
    static let instructionSets = [RK_ISA_GENERIC, RK_ISA_NEON, RK_ISA_AVX2, RK_ISA_AVX512].filter { rk_isa_supported($0) != 0 }

    /// The instruction set's short name ("avx512", "avx2", "neon", "generic"), for messages.
    static func name(_ isa: rk_isa) -> String { String(cString: rk_isa_name(isa)) }

    /// Runs `body` once for each instruction set this machine can run.
    static func forEachISA(_ body: (rk_isa) throws -> Void) rethrows {
        for isa in instructionSets { try body(isa) }
    }

    /// One element-wise kernel with its reference and error bound.
    struct Function: Sendable, CustomStringConvertible {
        let description: String
        let kernel: @Sendable (rk_isa, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void
        let reference: @Sendable (Double) -> Double
        let maxULPs: Double
        /// Inputs outside these ranges give a constant (0, 1, +-1, +inf), checked separately.
        let sweptRanges: [ClosedRange<Float>]

        static let exp = Function(
            description: "exp", kernel: { rk_vexp_isa($0, $1, $2, $3) }, reference: { Foundation.exp($0) },
            maxULPs: 1.5, sweptRanges: [-104...89])
        static let tanh = Function(
            description: "tanh", kernel: { rk_vtanh_isa($0, $1, $2, $3) }, reference: { Foundation.tanh($0) },
            maxULPs: 2, sweptRanges: [-10...10])
        static let sigmoid = Function(
            description: "sigmoid", kernel: { rk_vsigmoid_isa($0, $1, $2, $3) }, reference: { 1 / (1 + Foundation.exp(-$0)) },
            maxULPs: 3, sweptRanges: [-110...20])
        static let log = Function(
            description: "log", kernel: { rk_vlog_isa($0, $1, $2, $3) }, reference: { Foundation.log($0) },
            maxULPs: 1.5, sweptRanges: [0...Float.greatestFiniteMagnitude])
        static let all = [exp, tanh, sigmoid, log]

        func callAsFunction(_ x: [Float], isa: rk_isa) -> [Float] {
            var y = [Float](repeating: .nan, count: x.count)
            x.withUnsafeBufferPointer { input in
                y.withUnsafeMutableBufferPointer { output in
                    if let inputBase = input.baseAddress, let outputBase = output.baseAddress {
                        kernel(isa, inputBase, outputBase, x.count)
                    }
                }
            }
            return y
        }
    }

    /// Error of `y` in units of the float spacing at the exact result (2^-149 for subnormals).
    /// NaN must give NaN, and a result that rounds to +-inf must be exactly that infinity.
    static func ulpError(_ y: Float, exact: Double) -> Double {
        if exact.isNaN || y.isNaN { return exact.isNaN && y.isNaN ? 0 : .infinity }
        let rounded = Float(exact)
        if rounded.isInfinite || y.isInfinite { return y == rounded ? 0 : .infinity }
        return abs(Double(y) - exact) / floatULP(at: exact)
    }

    /// The spacing of floats at the magnitude of `exact` (2^-149 in the subnormal range).
    static func floatULP(at exact: Double) -> Double {
        let exponent = exact == 0 ? -149 : max(Int(exact.exponent) - 23, -149)
        return Double(sign: .plus, exponent: exponent, significand: 1)
    }

    /// Values where the implementations change regime, overflow, underflow or are special.
    static let specialValues: [Float] = {
        let positives: [Float] = [
            0, .leastNonzeroMagnitude, 3 * .leastNonzeroMagnitude, .leastNormalMagnitude.nextDown,
            .leastNormalMagnitude, 1e-30, 1e-7, 0.5, Float(0.625).nextDown, 0.625, Float(0.625).nextUp, 1, 2, 9, 9.1, 10, 17,
            87.33654, 88.7, 88.72283, 88.72284, 88.8, 89, 103, 103.97, 104, 1e30,
            .greatestFiniteMagnitude, .infinity,
        ]
        return positives + positives.map { -$0 } + [.nan, -.nan]
    }()

    // MARK: - Accuracy

    @Test(arguments: Function.all)
    func maxULPErrorOverDenseSweep(function: Function) {
        // Every 97th bit pattern of each swept range; debug builds compile the C kernels at -O0,
        // which makes them ~100x slower, so there the sweep is 10x sparser.
        #if DEBUG
        let stride: UInt64 = 997
        #else
        let stride: UInt64 = 97
        #endif
        let chunkSize = 1 << 16
        // Each swept range as ascending runs of bit patterns: its non-negative and negative parts.
        var runs: [(first: UInt64, last: UInt64)] = []
        for range in function.sweptRanges {
            if range.upperBound >= 0 {
                runs.append((UInt64(max(range.lowerBound, 0).bitPattern), UInt64(range.upperBound.bitPattern)))
            }
            if range.lowerBound < 0 {
                runs.append((UInt64((-0.0 as Float).bitPattern), UInt64(range.lowerBound.bitPattern)))
            }
        }
        var x = [Float](repeating: 0, count: chunkSize), y = x
        Self.forEachISA { isa in
            var worst = (error: 0.0, x: Float(0), y: Float(0))
            func check(count: Int) {
                x.withUnsafeBufferPointer { input in
                    y.withUnsafeMutableBufferPointer { output in
                        function.kernel(isa, input.baseAddress!, output.baseAddress!, count)
                        for i in 0..<count {
                            let exact = function.reference(Double(input[i]))
                            // Correctly rounded (at most 0.5 ulp off): the common case, skipped quickly.
                            if Float(exact).bitPattern == output[i].bitPattern && worst.error >= 0.5 { continue }
                            let error = Self.ulpError(output[i], exact: exact)
                            if error > worst.error { worst = (error, input[i], output[i]) }
                        }
                    }
                }
            }
            for run in runs {
                var bits = run.first
                while bits <= run.last {
                    let count = Int(min(UInt64(chunkSize), (run.last - bits) / stride + 1))
                    x.withUnsafeMutableBufferPointer { input in
                        for i in 0..<count { input[i] = Float(bitPattern: UInt32(bits + UInt64(i) * stride)) }
                    }
                    check(count: count)
                    bits += UInt64(count) * stride
                }
            }
            x.replaceSubrange(0..<Self.specialValues.count, with: Self.specialValues)
            check(count: Self.specialValues.count)
            #expect(
                worst.error <= function.maxULPs,
                "\(function) on \(Self.name(isa)): \(worst.error) ulp at x = \(worst.x) (got \(worst.y))")
        }
    }

    // MARK: - Special values

    @Test func expOverflowUnderflowAndSpecials() {
        Self.forEachISA { isa in
            let x: [Float] = [0, -0.0, .infinity, -.infinity, .nan, 88.72283, 88.72284, 89, 1e30, -1e30,
                              -103.27893, -103.5, -104, -87.33655, .greatestFiniteMagnitude]
            let y = Function.exp(x, isa: isa)
            #expect(y[0] == 1 && y[1] == 1, "exp(+-0) on \(Self.name(isa))")
            #expect(y[2] == .infinity && y[3] == 0 && y[4].isNaN, "exp(inf), exp(-inf), exp(nan) on \(Self.name(isa))")
            #expect(y[5].isFinite && y[5] > 3.4e38, "largest finite exp on \(Self.name(isa)): \(y[5])")
            #expect(y[6] == .infinity && y[7] == .infinity && y[8] == .infinity && y[14] == .infinity,
                    "exp overflow on \(Self.name(isa)): \(y)")
            #expect(y[9] == 0 && y[12] == 0, "exp(-1e30), exp(-104) on \(Self.name(isa))")
            #expect(y[10] > 0 && !y[10].isNormal, "exp(-103.28) is subnormal on \(Self.name(isa)): \(y[10])")
            #expect(y[11] == .leastNonzeroMagnitude, "exp(-103.5) on \(Self.name(isa)): \(y[11])")
            #expect(Self.ulpError(y[13], exact: Foundation.exp(Double(x[13]))) <= 1, "exp near FLT_MIN on \(Self.name(isa))")
        }
    }

    @Test func tanhSaturatesAndKeepsTinyInputs() {
        Self.forEachISA { isa in
            let x: [Float] = [.infinity, -.infinity, 9.1, -9.1, 1e30, -1e30, .greatestFiniteMagnitude,
                              -0.0, 0, .leastNonzeroMagnitude, -.leastNormalMagnitude, 1e-30, .nan, -.nan]
            let y = Function.tanh(x, isa: isa)
            #expect(y[0] == 1 && y[1] == -1, "tanh(+-inf) on \(Self.name(isa))")
            #expect(y[2] == 1 && y[3] == -1 && y[4] == 1 && y[5] == -1 && y[6] == 1, "saturation on \(Self.name(isa)): \(y)")
            #expect(y[7] == 0 && y[7].sign == .minus && y[8] == 0 && y[8].sign == .plus, "tanh(+-0) on \(Self.name(isa))")
            #expect(y[9] == x[9] && y[10] == x[10] && y[11] == x[11], "tanh(tiny) = tiny on \(Self.name(isa)): \(y)")
            #expect(y[12].isNaN && y[13].isNaN, "tanh(nan) on \(Self.name(isa))")
            let inputs = Self.specialValues
            #expect(Function.tanh(inputs, isa: isa).allSatisfy { $0.isNaN || (-1...1).contains($0) }, "tanh range on \(Self.name(isa))")
        }
    }

    @Test func sigmoidIsNeverNaNForInfiniteOrHugeInputs() {
        Self.forEachISA { isa in
            let x: [Float] = [.infinity, -.infinity, 1e30, -1e30, .greatestFiniteMagnitude,
                              -.greatestFiniteMagnitude, 0, -0.0, -100, 20, .nan]
            let y = Function.sigmoid(x, isa: isa)
            #expect(y[0] == 1 && y[1] == 0, "sigmoid(+-inf) on \(Self.name(isa)): \(y)")
            #expect(y[2] == 1 && y[3] == 0 && y[4] == 1 && y[5] == 0, "sigmoid(huge) on \(Self.name(isa)): \(y)")
            #expect(y[6] == 0.5 && y[7] == 0.5, "sigmoid(+-0) on \(Self.name(isa))")
            #expect(y[8] > 0 && !y[8].isNormal, "sigmoid(-100) is subnormal on \(Self.name(isa)): \(y[8])")
            #expect(y[9] == 1, "sigmoid(20) rounds to 1 on \(Self.name(isa))")
            #expect(y[10].isNaN, "sigmoid(nan) on \(Self.name(isa))")
        }
    }

    @Test func logOfZeroNegativeInfinityAndSubnormals() {
        Self.forEachISA { isa in
            let x: [Float] = [0, -0.0, -1, -.infinity, -.leastNonzeroMagnitude, .infinity, .nan, 1,
                              .leastNonzeroMagnitude, .leastNormalMagnitude.nextDown, .greatestFiniteMagnitude]
            let y = Function.log(x, isa: isa)
            #expect(y[0] == -.infinity && y[1] == -.infinity, "log(+-0) on \(Self.name(isa))")
            #expect(y[2].isNaN && y[3].isNaN && y[4].isNaN, "log(negative) on \(Self.name(isa)): \(y)")
            #expect(y[5] == .infinity && y[6].isNaN && y[7] == 0, "log(inf), log(nan), log(1) on \(Self.name(isa))")
            for i in 8..<x.count {
                #expect(Self.ulpError(y[i], exact: Foundation.log(Double(x[i]))) <= 1, "log(\(x[i])) on \(Self.name(isa)): \(y[i])")
            }
        }
    }

    @Test(arguments: [Function.exp, .tanh, .sigmoid])
    func noNaNFromNonNaNInputs(function: Function) {
        Self.forEachISA { isa in
            let y = function(Self.specialValues.filter { !$0.isNaN }, isa: isa)
            #expect(!y.contains { $0.isNaN }, "\(function) on \(Self.name(isa)) gave NaN: \(y)")
        }
    }

    // MARK: - Array handling

    /// Inputs for the layout tests: mostly ordinary values, with special ones sprinkled in.
    static func layoutInputs(count: Int) -> [Float] {
        (0..<count).map { i in
            i % 11 == 5 ? specialValues[(i / 11) % specialValues.count] : Float(i % 37) * 0.73 - 13.1
        }
    }

    /// Bitwise equality, with every NaN equal to every NaN.
    static func sameBits(_ a: Float, _ b: Float) -> Bool { a.bitPattern == b.bitPattern || (a.isNaN && b.isNaN) }

    @Test(arguments: Function.all)
    func tailsDoNotDependOnPositionOrWritePastTheEnd(function: Function) {
        Self.forEachISA { isa in
            for count in [0, 1, 7, 15, 16, 17, 33, 129] {
                let x = Self.layoutInputs(count: count)
                var y = [Float](repeating: 12345, count: count + 1)  // y[count] is a sentinel
                x.withUnsafeBufferPointer { input in
                    y.withUnsafeMutableBufferPointer { output in
                        function.kernel(isa, input.baseAddress ?? UnsafePointer(output.baseAddress!), output.baseAddress!, count)
                    }
                }
                #expect(y[count] == 12345, "\(function) on \(Self.name(isa)) wrote past n = \(count)")
                // Each element alone (n = 1, always the tail path) must give the same bits.
                for i in 0..<count {
                    let alone = function([x[i]], isa: isa)[0]
                    #expect(Self.sameBits(y[i], alone), "\(function) on \(Self.name(isa)), n = \(count), index \(i): \(y[i]) vs \(alone)")
                }
            }
        }
    }

    @Test(arguments: Function.all)
    func inPlaceMatchesOutOfPlace(function: Function) {
        Self.forEachISA { isa in
            for count in [1, 17, 129] {
                let x = Self.layoutInputs(count: count)
                let expected = function(x, isa: isa)
                var inPlace = x
                inPlace.withUnsafeMutableBufferPointer { buffer in
                    function.kernel(isa, UnsafePointer(buffer.baseAddress!), buffer.baseAddress!, count)
                }
                #expect(zip(inPlace, expected).allSatisfy(Self.sameBits), "\(function) in place on \(Self.name(isa)), n = \(count)")
            }
        }
    }
}
