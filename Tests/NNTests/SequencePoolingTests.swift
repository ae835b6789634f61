import RecurrentNN
import RecurrentTensor
import RecurrentTestSupport
import Testing

/// Masked pooling of recurrent outputs: gradients against finite differences, padding never
/// changing a value, and each row computed alone.
@Suite struct SequencePoolingTests {
    static let lengths = [4, 1, 3]

    /// Outputs `[3, 4, features]` with every step filled (padding included), so a pooling that
    /// looked past a sequence's end would be caught.
    static func outputs(features: Int, seed: UInt64 = 1) -> Tensor {
        var generator = RandomGenerator(seed: seed)
        return Tensor.randomNormal([3, 4, features], using: &generator)
    }

    @Test("each pooling's gradient matches finite differences", arguments: PoolingKind.allCases)
    func gradients(kind: PoolingKind) {
        for directions in [1, 2] {
            var generator = RandomGenerator(seed: 2)
            let pooling = SequencePooling(kind, features: 4, directions: directions, generator: &generator)
            expectGradientsMatch([Self.outputs(features: 4)], "\(kind) \(directions)") { inputs in pooling(inputs[0], lengths: Self.lengths) }
            guard kind == .attention else { continue }  // the only pooling with parameters
            let input = Self.outputs(features: 4, seed: 3)
            expectParameterGradientsMatch(pooling.parameters, "\(kind) \(directions)") {
                (pooling(input, lengths: Self.lengths) * Tensor.arange(12).reshaped([3, 4])).sum()
            }
        }
    }

    @Test("what lies after a sequence's end never changes its pooled vector", arguments: PoolingKind.allCases)
    func paddingIsIgnored(kind: PoolingKind) {
        var generator = RandomGenerator(seed: 4)
        let pooling = SequencePooling(kind, features: 6, directions: 2, generator: &generator)
        let outputs = Self.outputs(features: 6)
        var changed = outputs
        changed.withUnsafeMutableBufferPointer { values in
            for b in 0..<3 {
                for t in Self.lengths[b]..<4 {
                    for f in 0..<6 { values[(b * 4 + t) * 6 + f] = 100 + Float(f) }
                }
            }
        }
        let (a, b) = withoutGradient { (pooling(outputs, lengths: Self.lengths), pooling(changed, lengths: Self.lengths)) }
        #expect(a.scalars == b.scalars)
        for (row, length) in Self.lengths.enumerated() {
            // Alone: the sequence's own steps only, in a batch of one.
            let alone = withoutGradient { pooling(outputs[row][0..<length].unsqueezed(at: 0), lengths: [length]) }
            #expect(Array(a.scalars[(row * 6)..<((row + 1) * 6)]) == alone.scalars, "\(kind) row \(row)")
        }
    }

    @Test func eachPoolingComputesWhatItsFormulaSays() {
        var generator = RandomGenerator(seed: 5)
        let outputs = Tensor(shape: [1, 3, 2], scalars: [1, -4, 3, -2, -5, 7])  // steps (1, −4), (3, −2), (−5, 7)
        func pooled(_ kind: PoolingKind, directions: Int = 1, length: Int = 2) -> [Float] {
            withoutGradient { SequencePooling(kind, features: 2, directions: directions, generator: &generator)(outputs, lengths: [length]).scalars }
        }
        #expect(pooled(.last) == [3, -2])
        #expect(pooled(.last, directions: 2) == [3, -4], "the reverse half's last state is at the first step")
        #expect(pooled(.mean) == [2, -3])
        #expect(pooled(.max) == [3, -2], "the padded step's 7 is not a candidate")
        #expect(pooled(.max, length: 3) == [3, 7])
        let weights = Tensor(shape: [1, 3], scalars: [0.5, 2, 9]).maskedSoftmaxOverTime(lengths: [2]).scalars
        expectClose(weights, [Float(1 / (1 + _exp(1.5))), Float(1 / (1 + _exp(-1.5))), 0])
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

private func _exp(_ x: Double) -> Double { exp(x) }
