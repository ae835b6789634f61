import Foundation
import RecurrentNN
import RecurrentTensor
import RecurrentTestSupport
import Testing

/// Attention and label-smoothed cross-entropy against PyTorch, on `Fixtures/seq2seq.json` from
/// `scripts/make_seq2seq_fixtures.py`:
///
///     additive: e = (tanh((q @ W_q.T).unsqueeze(2) + (m @ W_m.T + b).unsqueeze(1)) @ v.T).squeeze(-1)
///     general:  e = q @ (m @ W.T).transpose(1, 2)
///     dot:      e = q @ m.transpose(1, 2)
///     weights = softmax(e.masked_fill(position >= length, -inf), dim=-1); context = weights @ m
///     (context * cw).sum().add((weights * ww).sum()).backward()
///
///     loss = F.cross_entropy(logits, targets, ignore_index=0, label_smoothing=eps); loss.backward()
@Suite struct Seq2SeqParityTests {
    struct Fixture: Decodable {
        struct AttentionCase: Decodable {
            struct Values: Decodable {
                var shape: [Int]
                var values: [Float]
            }
            var kind: String
            var memory_size: Int
            var attention_size: Int
            var lengths: [Int]
            var parameters: [String: Values]
            var queries: [Float], memory: [Float], context_weights: [Float], weight_weights: [Float]
            var context: [Float], weights: [Float], d_queries: [Float], d_memory: [Float]
            var d_parameters: [String: [Float]]
        }
        struct LabelSmoothing: Decodable {
            var classes: Int
            var smoothing: Float
            var logits: [Float]
            var targets: [Int]
            var loss: Float
            var gradient: [Float]
        }
        var attention: [AttentionCase]
        var label_smoothing: LabelSmoothing
    }

    @Test func attentionMatchesPyTorch() throws {
        let fixture = try fixtureJSON(Fixture.self, "seq2seq.json")
        #expect(fixture.attention.count == 3)
        for testCase in fixture.attention {
            var generator = RandomGenerator(seed: 0)
            let kind = try #require(AttentionKind(rawValue: testCase.kind))
            let attention = Attention(kind: kind, querySize: 3, memorySize: testCase.memory_size, attentionSize: testCase.attention_size,
                                      generator: &generator)
            #expect(Set(attention.parameters.map(\.name)) == Set(testCase.parameters.keys), "\(kind)")
            for named in attention.parameters {
                let values = try #require(testCase.parameters[named.name])
                named.parameter.assign(Tensor(shape: values.shape, scalars: values.values))
            }
            let queries = Tensor(shape: [2, 3, 3], scalars: testCase.queries).requiringGradient()
            let memory = Tensor(shape: [2, 4, testCase.memory_size], scalars: testCase.memory).requiringGradient()
            let (context, weights) = attention(queries, memory: attention.prepare(memory: memory, lengths: testCase.lengths))
            expectClose(context.scalars, testCase.context, relative: 1e-5, absolute: 1e-6, "\(kind) context")
            expectClose(weights.scalars, testCase.weights, relative: 1e-5, absolute: 1e-6, "\(kind) weights")
            let loss = (context * Tensor(shape: context.shape, scalars: testCase.context_weights)).sum()
                + (weights * Tensor(shape: weights.shape, scalars: testCase.weight_weights)).sum()
            loss.backward()
            expectClose(queries.gradient?.scalars ?? [], testCase.d_queries, relative: 1e-4, absolute: 1e-5, "\(kind) d queries")
            expectClose(memory.gradient?.scalars ?? [], testCase.d_memory, relative: 1e-4, absolute: 1e-5, "\(kind) d memory")
            for named in attention.parameters {
                expectClose(named.parameter.gradient?.scalars ?? [], testCase.d_parameters[named.name] ?? [], relative: 1e-4, absolute: 1e-5,
                            "\(kind) d \(named.name)")
            }
        }
    }

    @Test func labelSmoothedCrossEntropyMatchesPyTorch() throws {
        let fixture = try fixtureJSON(Fixture.self, "seq2seq.json").label_smoothing
        let rows = fixture.targets.count
        let logits = Tensor(shape: [rows, fixture.classes], scalars: fixture.logits).requiringGradient()
        let mask = fixture.targets.map { $0 == 0 ? Float(0) : 1 }
        let loss = Loss.smoothedCrossEntropy(logits: logits, targets: fixture.targets, mask: mask, smoothing: fixture.smoothing)
        #expect(Swift.abs(loss.scalar - fixture.loss) <= 1e-6 * Swift.max(1, fixture.loss), "\(loss.scalar) vs \(fixture.loss)")
        loss.backward()
        expectClose(logits.gradient?.scalars ?? [], fixture.gradient, relative: 1e-5, absolute: 1e-7)
    }

    @Test func labelSmoothedCrossEntropyGradientMatchesFiniteDifferences() {
        var generator = RandomGenerator(seed: 5)
        let logits = Tensor.randomNormal([4, 5], using: &generator)
        expectGradientsMatch([logits]) { Loss.smoothedCrossEntropy(logits: $0[0], targets: [1, 0, 4, 2], mask: [1, 0, 1, 1], smoothing: 0.2) }
        let plain = Loss.smoothedCrossEntropy(logits: logits, targets: [1, 0, 4, 2], smoothing: 0)
        #expect(plain.scalar == Loss.softmaxCrossEntropy(logits: logits, targets: [1, 0, 4, 2]).scalar)
    }
}
