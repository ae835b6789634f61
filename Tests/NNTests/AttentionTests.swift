import RecurrentNN
import RecurrentTensor
import RecurrentTestSupport
import Testing

@Suite struct AttentionTests {
    static let kinds: [AttentionKind] = [.additive, .general, .dot]

    /// An attention layer of `kind` with queries of 3 features over memory rows of 3 (dot) or 5.
    static func layer(_ kind: AttentionKind, seed: UInt64 = 1) -> Attention {
        var generator = RandomGenerator(seed: seed)
        return Attention(kind: kind, querySize: 3, memorySize: kind == .dot ? 3 : 5, attentionSize: 4, generator: &generator)
    }

    @Test(arguments: kinds) func weightsSumToOneOverValidPositionsAndPaddingIsIgnored(kind: AttentionKind) {
        let attention = Self.layer(kind)
        var generator = RandomGenerator(seed: 2)
        let lengths = [4, 2, 1]
        let queries = Tensor.randomNormal([3, 2, 3], using: &generator)
        let memory = Tensor.randomNormal([3, 4, attention.memorySize], using: &generator)
        let (context, weights) = attention(queries, memory: attention.prepare(memory: memory, lengths: lengths))
        #expect(weights.shape == [3, 2, 4] && context.shape == [3, 2, attention.memorySize])
        for b in 0..<3 {
            for t in 0..<2 {
                let row = (0..<4).map { weights.element(at: [b, t, $0]) }
                #expect(Swift.abs(row.reduce(0, +) - 1) < 1e-6, "row \(b), \(t) sums to \(row.reduce(0, +))")
                #expect(row[lengths[b]...].allSatisfy { $0 == 0 }, "padding gets weight exactly 0: \(row)")
                #expect(row[..<lengths[b]].allSatisfy { $0 > 0 })
            }
        }
        // Whatever the padded rows of the memory hold, nothing changes.
        var changed = memory
        changed.withUnsafeMutableBufferPointer { values in
            for b in 0..<3 {
                for s in lengths[b]..<4 {
                    for j in 0..<attention.memorySize { values[(b * 4 + s) * attention.memorySize + j] = 1000 * Float(j + 1) }
                }
            }
        }
        let (otherContext, otherWeights) = attention(queries, memory: attention.prepare(memory: changed, lengths: lengths))
        #expect(otherContext.elementsEqual(context) && otherWeights.elementsEqual(weights))
    }

    @Test(arguments: kinds) func gradientsMatchFiniteDifferences(kind: AttentionKind) {
        let attention = Self.layer(kind)
        var generator = RandomGenerator(seed: 3)
        let lengths = [3, 2]
        let queries = Tensor.randomNormal([2, 2, 3], using: &generator)
        let memory = Tensor.randomNormal([2, 3, attention.memorySize], using: &generator)
        let contextWeights = Tensor.randomNormal([2, 2, attention.memorySize], using: &generator)
        let weightWeights = Tensor.randomNormal([2, 2, 3], using: &generator)
        func loss(_ queries: Tensor, _ memory: Tensor) -> Tensor {
            let (context, weights) = attention(queries, memory: attention.prepare(memory: memory, lengths: lengths))
            // Padded weights are exactly 0 with zero gradient, so mask them out of the weighted sum.
            return (context * contextWeights).sum() + (weights * weightWeights * (weights.detached.mapValues { $0 == 0 ? 0 : 1 })).sum()
        }
        expectGradientsMatch([queries, memory], "\(kind)") { loss($0[0], $0[1]) }
        if !attention.parameters.isEmpty {
            expectParameterGradientsMatch(attention.parameters, "\(kind)") { loss(queries, memory) }
        }
    }

    @Test func additiveScoresAreTheSumOfTanhs() {
        let attention = Self.layer(.additive)
        var generator = RandomGenerator(seed: 4)
        let queries = Tensor.randomNormal([1, 2, 3], using: &generator)
        let memory = Tensor.randomNormal([1, 3, 5], using: &generator)
        let scores = attention.scores(queries, memory: attention.prepare(memory: memory, lengths: [3]))
        // e = vᵀ tanh(W_q q + W_m m + b), with broadcasting primitives.
        let q = attention.queryProjection!(queries).unsqueezed(at: 2), k = attention.memoryProjection!(memory).unsqueezed(at: 1)
        let expected = (q + k).tanh().matmul(attention.score!.weight.value, transposeOther: true).reshaped([1, 2, 3])
        expectClose(scores, expected, relative: 1e-5, absolute: 1e-6)
    }
}
