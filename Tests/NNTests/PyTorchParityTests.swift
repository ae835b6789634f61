import Foundation
import RecurrentNN
import RecurrentTensor
import RecurrentTestSupport
import Testing

/// Outputs, final states and every gradient against PyTorch's nn.LSTM / nn.GRU / nn.RNN.
///
/// Fixture: `python3 scripts/make_recurrent_fixtures.py`, which for each case runs
///
///     packed = pack_padded_sequence(x, lengths, batch_first=..., enforce_sorted=False)
///     output, final = module(packed, (h0, c0))
///     output, _ = pad_packed_sequence(output, batch_first=..., total_length=TIME)
///     loss = (output * output_weights).sum() + (h_n * h_weights).sum() [+ (c_n * c_weights).sum()]
///     loss.backward()
@Suite struct PyTorchParityTests {
    struct Fixture: Decodable {
        var torch: String
        var cases: [Case]
    }

    struct Case: Decodable, CustomStringConvertible {
        struct Values: Decodable {
            var shape: [Int]
            var values: [Float]
        }
        var kind: String, layers: Int, bidirectional: Bool, batch_first: Bool, lengths: [Int]?
        var input_size: Int, hidden_size: Int, batch: Int, time: Int
        var parameters: [String: Values], parameter_gradients: [String: [Float]]
        var input: [Float], input_gradient: [Float], h0: [Float], h0_gradient: [Float]
        var output: [Float], output_weights: [Float], h_n: [Float], h_weights: [Float]
        var c0: [Float]?, c0_gradient: [Float]?, c_n: [Float]?, c_weights: [Float]?
        var description: String { "\(kind) layers=\(layers) bidirectional=\(bidirectional) batchFirst=\(batch_first) lengths=\(lengths.map { "\($0)" } ?? "full")" }
    }

    static let fixture: Fixture? = try? fixtureJSON(Fixture.self, "recurrent.json")

    @Test func fixtureLoads() throws {
        let fixture = try #require(Self.fixture)
        #expect(fixture.cases.count == 20)
    }

    @Test("matches PyTorch", arguments: [true, false])
    func matchesPyTorch(fused: Bool) throws {
        let fixture = try #require(Self.fixture)
        try forEachInstructionSet { _ in
            for testCase in fixture.cases { try check(testCase, fused: fused) }
        }
    }

    func check(_ c: Case, fused: Bool) throws {
        var generator = RandomGenerator(seed: 0)
        let directions = c.bidirectional ? 2 : 1
        let (layer, run): (any Layer, (Tensor, [Tensor], [Int]?) -> (Tensor, [Tensor])) = {
            func wrap<Cell: RecurrentCell>(_ network: RecurrentLayer<Cell>) -> (any Layer, (Tensor, [Tensor], [Int]?) -> (Tensor, [Tensor])) {
                network.usesFusedKernels = fused
                return (network, { input, flatStates, lengths in
                    let count = Cell.State.tensorCount
                    let states = (0..<network.cells.count).map { index in Cell.State(tensors: (0..<count).map { flatStates[$0 * network.cells.count + index] }) }
                    let (output, final) = network(input, initialStates: states, lengths: lengths)
                    return (output, (0..<count).flatMap { tensorIndex in final.map { $0.tensors[tensorIndex] } })
                })
            }
            let (i, h, l, b, bf) = (c.input_size, c.hidden_size, c.layers, c.bidirectional, c.batch_first)
            switch c.kind {
            case "lstm": return wrap(LSTM(inputSize: i, hiddenSize: h, layers: l, bidirectional: b, batchFirst: bf, generator: &generator))
            case "gru": return wrap(GRU(inputSize: i, hiddenSize: h, layers: l, bidirectional: b, batchFirst: bf, generator: &generator))
            case "rnn_tanh": return wrap(RNN(inputSize: i, hiddenSize: h, layers: l, bidirectional: b, batchFirst: bf, generator: &generator))
            default: return wrap(RNN(inputSize: i, hiddenSize: h, layers: l, nonlinearity: .relu, bidirectional: b, batchFirst: bf, generator: &generator))
            }
        }()
        #expect(Set(layer.parameters.map(\.name)) == Set(c.parameters.keys), "\(c): parameter names")
        for named in layer.parameters {
            let values = try #require(c.parameters[named.name], "\(c): missing \(named.name)")
            #expect(values.shape == named.parameter.shape, "\(c): shape of \(named.name)")
            named.parameter.assign(Tensor(shape: values.shape, scalars: values.values))
        }
        let inputShape = c.batch_first ? [c.batch, c.time, c.input_size] : [c.time, c.batch, c.input_size]
        let input = Tensor(shape: inputShape, scalars: c.input).requiringGradient()
        // PyTorch stacks states as [layers * directions, batch, hidden]; ours are one tensor per cell.
        func unstack(_ values: [Float]) -> [Tensor] {
            Tensor(shape: [c.layers * directions, c.batch, c.hidden_size], scalars: values).split(sizes: Array(repeating: 1, count: c.layers * directions))
                .map { $0.squeezed(at: 0).detached.requiringGradient() }
        }
        let h0 = unstack(c.h0), c0 = c.c0.map(unstack) ?? []
        let (output, final) = run(input, h0 + c0, c.lengths)
        let stateCount = c.layers * directions
        let hN = Tensor.stack(Array(final[0..<stateCount])), cN = c.c_n == nil ? nil : Tensor.stack(Array(final[stateCount...]))
        let tolerance = (relative: Float(1e-5), absolute: Float(1e-6))
        expectClose(output.detached, Tensor(shape: output.shape, scalars: c.output), relative: tolerance.relative, absolute: tolerance.absolute, "\(c): output")
        expectClose(hN.detached, Tensor(shape: hN.shape, scalars: c.h_n), relative: tolerance.relative, absolute: tolerance.absolute, "\(c): h_n")
        if let cN, let expected = c.c_n {
            expectClose(cN.detached, Tensor(shape: cN.shape, scalars: expected), relative: tolerance.relative, absolute: tolerance.absolute, "\(c): c_n")
        }
        var loss = (output * Tensor(shape: output.shape, scalars: c.output_weights)).sum() + (hN * Tensor(shape: hN.shape, scalars: c.h_weights)).sum()
        if let cN, let weights = c.c_weights { loss = loss + (cN * Tensor(shape: cN.shape, scalars: weights)).sum() }
        loss.backward()
        let gradientTolerance = (relative: Float(1e-5), absolute: Float(1e-5))
        expectClose(try #require(input.gradient).scalars, c.input_gradient, relative: gradientTolerance.relative, absolute: gradientTolerance.absolute, "\(c): d input")
        expectClose(Tensor.stack(h0.map { $0.gradient ?? Tensor.zeros($0.shape) }).scalars, c.h0_gradient,
                    relative: gradientTolerance.relative, absolute: gradientTolerance.absolute, "\(c): d h0")
        if let expected = c.c0_gradient {
            expectClose(Tensor.stack(c0.map { $0.gradient ?? Tensor.zeros($0.shape) }).scalars, expected,
                        relative: gradientTolerance.relative, absolute: gradientTolerance.absolute, "\(c): d c0")
        }
        for named in layer.parameters {
            let expected = try #require(c.parameter_gradients[named.name])
            expectClose(try #require(named.parameter.gradient).scalars, expected, relative: gradientTolerance.relative,
                        absolute: gradientTolerance.absolute, "\(c): d \(named.name)")
        }
    }
}
