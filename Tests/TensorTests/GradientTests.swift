import RecurrentTensor
import RecurrentTestSupport
import Testing

/// Every differentiable operation against central finite differences, over awkward shapes:
/// sizes 0 and 1, odd sizes, and broadcasting on either side.
@Suite struct GradientTests {
    static func random(_ shape: [Int], seed: UInt64, range: Range<Float> = -1..<1) -> Tensor {
        var generator = RandomGenerator(seed: seed)
        return Tensor.randomUniform(shape, in: range, using: &generator)
    }

    /// Values away from 0, for functions with a kink or pole there.
    static func awayFromZero(_ shape: [Int], seed: UInt64) -> Tensor {
        random(shape, seed: seed, range: 0.2..<1.5) * random(shape, seed: seed + 100).mapValues { $0 < 0 ? -1 : 1 }
    }

    static let shapePairs: [([Int], [Int])] = [
        ([3, 5], [3, 5]), ([3, 5], [5]), ([5], [3, 5]), ([3, 1], [1, 4]), ([1], [2, 3]), ([2, 3], []),
        ([4, 1, 3], [2, 1]), ([0, 3], [3]), ([1, 1], [1, 1]), ([7], [7]),
    ]

    @Test("binary arithmetic with broadcasting", arguments: shapePairs)
    func binaryArithmetic(lhsShape: [Int], rhsShape: [Int]) {
        let x = Self.random(lhsShape, seed: 1), y = Self.awayFromZero(rhsShape, seed: 2)
        expectGradientsMatch([x, y], "+ \(lhsShape) \(rhsShape)") { $0[0] + $0[1] }
        expectGradientsMatch([x, y], "- \(lhsShape) \(rhsShape)") { $0[0] - $0[1] }
        expectGradientsMatch([x, y], "* \(lhsShape) \(rhsShape)") { $0[0] * $0[1] }
        expectGradientsMatch([x, y], "/ \(lhsShape) \(rhsShape)") { $0[0] / $0[1] }
        expectGradientsMatch([x, y], "broadcast \(lhsShape) \(rhsShape)") { ($0[0] * 2).broadcast(to: Shape.broadcast($0[0].shape, $0[1].shape)!) * $0[1] }
    }

    @Test("scalar arithmetic", arguments: [[3, 4], [1], [], [0]])
    func scalarArithmetic(shape: [Int]) {
        let x = Self.awayFromZero(shape, seed: 3)
        expectGradientsMatch([x]) { ($0[0] + 2) * 3 - 1 }
        expectGradientsMatch([x]) { 2 - $0[0] / 4 }
        expectGradientsMatch([x]) { 1.5 / $0[0] }
        expectGradientsMatch([x]) { -$0[0] * 0.5 + 1 }
    }

    @Test("elementwise functions", arguments: [[2, 3], [1], [0], [17]])
    func elementwise(shape: [Int]) {
        let x = Self.random(shape, seed: 4, range: -2..<2), positive = Self.random(shape, seed: 5, range: 0.3..<2)
        let nonzero = Self.awayFromZero(shape, seed: 6)
        expectGradientsMatch([x]) { $0[0].exp() }
        expectGradientsMatch([positive]) { $0[0].log() }
        expectGradientsMatch([x]) { $0[0].tanh() }
        expectGradientsMatch([x]) { $0[0].sigmoid() }
        expectGradientsMatch([nonzero]) { $0[0].relu() }
        expectGradientsMatch([positive]) { $0[0].squareRoot() }
        expectGradientsMatch([x]) { $0[0].squared() }
        expectGradientsMatch([nonzero]) { $0[0].abs() }
        expectGradientsMatch([positive]) { $0[0].pow(1.7) }
        expectGradientsMatch([nonzero * 2]) { $0[0].clamped(to: -1...1) }
    }

    @Test("matrix products, every transpose", arguments: [(3, 4, 5), (1, 1, 1), (2, 7, 1), (0, 3, 2), (3, 0, 2)])
    func matmul(m: Int, k: Int, n: Int) {
        for (transposeA, transposeB) in [(false, false), (true, false), (false, true), (true, true)] {
            let a = Self.random(transposeA ? [k, m] : [m, k], seed: 7), b = Self.random(transposeB ? [n, k] : [k, n], seed: 8)
            expectGradientsMatch([a, b], "tA=\(transposeA) tB=\(transposeB)") {
                $0[0].matmul($0[1], transposeSelf: transposeA, transposeOther: transposeB)
            }
        }
        let batchA = Self.random([2, m, k], seed: 9), batchB = Self.random([2, k, n], seed: 10)
        expectGradientsMatch([batchA, batchB], "batched") { $0[0].matmul($0[1]) }
        expectGradientsMatch([batchA, batchB], "batched, transposed") { $0[0].matmul($0[1].transposed(), transposeOther: true) }
        let folded = Self.random([2, 3, m, k], seed: 11), weight = Self.random([n, k], seed: 12)
        expectGradientsMatch([folded, weight], "folded leading axes") { $0[0].matmul($0[1], transposeOther: true) }
    }

    @Test func shapeOperations() {
        let cube = Self.random([2, 3, 4], seed: 13)
        expectGradientsMatch([cube]) { $0[0].reshaped([4, -1]) * Self.random([4, 6], seed: 1) }
        expectGradientsMatch([cube]) { $0[0].permuted([2, 0, 1]) * Self.random([4, 2, 3], seed: 2) }
        expectGradientsMatch([cube]) { $0[0].transposed() * Self.random([2, 4, 3], seed: 3) }
        expectGradientsMatch([cube]) { $0[0].transposed(0, 2) * Self.random([4, 3, 2], seed: 4) }
        expectGradientsMatch([cube]) { $0[0].flattened(from: 1).unsqueezed(at: 0).squeezed(at: 0) * Self.random([2, 12], seed: 5) }
        expectGradientsMatch([Self.random([5, 7], seed: 14)]) { $0[0].transposed() * Self.random([7, 5], seed: 6) }
    }

    @Test func slicingAndJoining() {
        let x = Self.random([4, 5], seed: 15), y = Self.random([4, 2], seed: 16), z = Self.random([4, 0], seed: 17)
        expectGradientsMatch([x]) { $0[0][2] * Self.random([5], seed: 1) }
        expectGradientsMatch([x]) { $0[0][1..<3] * Self.random([2, 5], seed: 2) }
        expectGradientsMatch([x]) { $0[0].slice(alongAxis: 1, 2..<5) * Self.random([4, 3], seed: 3) }
        expectGradientsMatch([x, y, z]) { Tensor.concatenate($0, alongAxis: 1) * Self.random([4, 7], seed: 4) }
        expectGradientsMatch([x]) {
            let parts = $0[0].split(sizes: [1, 0, 4], alongAxis: 1)
            return parts[0] * 3 + parts[2].sum(alongAxis: 1, keepingDimension: true) * parts[0]
        }
        expectGradientsMatch([x, x * 2]) { Tensor.stack($0, alongAxis: 1) * Self.random([4, 2, 5], seed: 5) }
    }

    @Test("reductions", arguments: [[3, 4], [1, 5], [2, 3, 4], [5]])
    func reductions(shape: [Int]) {
        let x = Self.random(shape, seed: 18)
        expectGradientsMatch([x]) { $0[0].sum() }
        expectGradientsMatch([x]) { $0[0].mean() }
        for axis in 0..<shape.count {
            expectGradientsMatch([x], "axis \(axis)") { $0[0].sum(alongAxis: axis) }
            expectGradientsMatch([x], "axis \(axis)") { $0[0].mean(alongAxis: axis, keepingDimension: true) }
            expectGradientsMatch([x], "axis \(axis)") { $0[0].max(alongAxis: axis) }
            expectGradientsMatch([x], "axis \(axis)") { $0[0].min(alongAxis: axis, keepingDimension: true) }
        }
        expectGradientsMatch([x]) { $0[0].sum(alongAxes: [0, shape.count - 1]) }
        expectGradientsMatch([x]) { $0[0].max() }
    }

    @Test("softmax family", arguments: [[3, 4], [1, 1], [2, 3, 5], [6]])
    func softmaxFamily(shape: [Int]) {
        let x = Self.random(shape, seed: 19, range: -3..<3)
        expectGradientsMatch([x]) { $0[0].softmax() }
        expectGradientsMatch([x]) { $0[0].logSoftmax() }
        expectGradientsMatch([x]) { $0[0].logSumExp() }
    }

    @Test func indexing() {
        let table = Self.random([5, 3], seed: 20)
        expectGradientsMatch([table]) { $0[0].gatherRows([4, 0, 4, 2]) }
        expectGradientsMatch([table]) { $0[0].gatherRows([]) }
        expectGradientsMatch([table]) { Tensor.scatterAdd($0[0], rows: [1, 1, 0, 6, 2], rowCount: 7) }
        expectGradientsMatch([table]) { $0[0].gather(alongAxis: 1, indices: [2, 0, 1, 1, 0]) }
        expectGradientsMatch([Self.random([2, 3, 4], seed: 21)]) { $0[0].gather(alongAxis: 1, indices: [0, 1, 2, 0, 2, 2, 1, 0]) }
    }

    @Test func gradientsAccumulateAndReset() {
        let w = Tensor([1, 2, 3]).requiringGradient()
        (w * 2).sum().backward()
        (w * 3).sum().backward()
        #expect(w.gradient?.scalars == [5, 5, 5])
        w.zeroGradient()
        #expect(w.gradient == nil)
        // A tensor used twice receives both contributions.
        (w * w).sum().backward()
        #expect(w.gradient?.scalars == [2, 4, 6])
    }

    @Test func retainingTheGraphAllowsASecondPass() {
        let w = Tensor([1, 2, 3]).requiringGradient()
        let hidden = (w * w).tanh()
        let loss = (hidden * 2).sum()
        loss.backward(retainingGraph: true)
        let once = w.gradient!.scalars
        loss.backward(retainingGraph: true)
        #expect(zip(w.gradient!.scalars, once).allSatisfy { $0 == 2 * $1 })
        // A pass without `retainingGraph` still runs through the retained graph, and frees it.
        loss.backward()
        #expect(zip(w.gradient!.scalars, once).allSatisfy { $0 == 3 * $1 })
    }

    @Test func noGradientModeRecordsNothing() {
        let w = Tensor([1, 2]).requiringGradient()
        let y = withoutGradient { (w * 2).sum() }
        #expect(!y.requiresGradient)
        #expect((w * 2).requiresGradient)
        #expect(!(w.detached * 2).requiresGradient)
    }

    @Test func checkerCatchesAWrongGradient() {
        // A deliberately wrong derivative must fail the check: the checker itself can fail.
        let x = Self.random([4], seed: 22)
        let check = GradientCheck(of: { inputs in
            // Forward x^2, but compute it through an op whose pullback is for 3x.
            let value = inputs[0].squared().detached
            return Tensor.customWrongGradient(value, input: inputs[0])
        }, at: [x])
        #expect(!check.passed)
    }
}

extension Tensor {
    /// Test-only: an op that returns `value` but claims d/dx = 3.
    static func customWrongGradient(_ value: Tensor, input: Tensor) -> Tensor {
        value + (input - input.detached) * 3
    }
}
