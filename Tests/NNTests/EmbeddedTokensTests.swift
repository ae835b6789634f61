import RecurrentNN
import RecurrentTensor
import RecurrentTestSupport
import Testing

/// A recurrent network reading tokens and an embedding (the first layer's input projection
/// made once per row of the table) against the same network reading the tokens' vectors.
@Suite struct EmbeddedTokensTests {
    typealias Kind = RecurrentLayerTests.Kind

    /// A network of the given kind with an embedding of `vocabulary` rows in front, run either on
    /// tokens or on the gathered vectors; returns the output and the flattened final states.
    struct EmbeddedNetwork {
        let embedding: Embedding
        let parameters: [NamedParameter]
        let stateTensors: Int
        let run: (_ tokens: [Int], _ time: Int, _ batch: Int, _ states: [Tensor]?, _ lengths: [Int]?, _ asTokens: Bool) -> (Tensor, [Tensor])
    }

    static func network(_ kind: Kind, vocabulary: Int, paddingIndex: Int?, hiddenSize: Int, layers: Int, bidirectional: Bool,
                        batchFirst: Bool, seed: UInt64 = 1) -> EmbeddedNetwork {
        let inputSize = 5
        var generator = RandomGenerator(seed: seed)
        let embedding = Embedding(vocabularySize: vocabulary, dimension: inputSize, paddingIndex: paddingIndex, generator: &generator)
        let rnn: any RecurrentNetwork
        switch kind {
        case .lstm: rnn = LSTM(inputSize: inputSize, hiddenSize: hiddenSize, layers: layers, bidirectional: bidirectional, batchFirst: batchFirst, generator: &generator)
        case .gru: rnn = GRU(inputSize: inputSize, hiddenSize: hiddenSize, layers: layers, bidirectional: bidirectional, batchFirst: batchFirst, generator: &generator)
        case .rnnTanh: rnn = RNN(inputSize: inputSize, hiddenSize: hiddenSize, layers: layers, bidirectional: bidirectional, batchFirst: batchFirst, generator: &generator)
        case .rnnRelu: rnn = RNN(inputSize: inputSize, hiddenSize: hiddenSize, layers: layers, nonlinearity: .relu, bidirectional: bidirectional, batchFirst: batchFirst, generator: &generator)
        }
        return EmbeddedNetwork(embedding: embedding, parameters: [NamedParameter("embedding", embedding.weight)] + rnn.parameters,
                               stateTensors: rnn.stateTensorsPerCell * layers * (bidirectional ? 2 : 1)) { tokens, time, batch, states, lengths, asTokens in
            if asTokens { return rnn.run(embedding.tokens(tokens, time: time, batch: batch), states: states, lengths: lengths) }
            let vectors = embedding(tokens, shape: [time, batch])  // time-major
            return rnn.run(batchFirst ? vectors.transposed(0, 1) : vectors, states: states, lengths: lengths)
        }
    }

    /// (kind, layers, bidirectional, masked, batch-first), each at a vocabulary smaller than the
    /// tokens (the table is projected) and larger (the vectors are gathered after all), with
    /// and without a padding row.
    static let configurations: [(Kind, Int, Bool, Bool, Bool)] = Kind.allCases.flatMap { kind in
        [(kind, 1, false, false, false), (kind, 2, true, true, false), (kind, 2, false, true, true)]
    }

    @Test("tokens through the first layer equal their vectors: values and every gradient",
          arguments: configurations.flatMap { c in [(4, nil), (7, 2), (40, nil)].map { (c.0, c.1, c.2, c.3, c.4, $0.0, $0.1) } })
    func tokensMatchVectors(kind: Kind, layers: Int, bidirectional: Bool, masked: Bool, batchFirst: Bool, vocabulary: Int,
                            paddingIndex: Int?) {
        forEachInstructionSet { _ in
            expectTokensMatchVectors(kind: kind, layers: layers, bidirectional: bidirectional, masked: masked, batchFirst: batchFirst,
                                     vocabulary: vocabulary, paddingIndex: paddingIndex)
        }
    }

    func expectTokensMatchVectors(kind: Kind, layers: Int, bidirectional: Bool, masked: Bool, batchFirst: Bool, vocabulary: Int,
                                  paddingIndex: Int?) {
        let (time, batch, hiddenSize) = (6, 3, 7)
        let network = Self.network(kind, vocabulary: vocabulary, paddingIndex: paddingIndex, hiddenSize: hiddenSize, layers: layers,
                                   bidirectional: bidirectional, batchFirst: batchFirst)
        var generator = RandomGenerator(seed: 2)
        // Every token of a small vocabulary appears, some many times (their gradients add up).
        let tokens = (0..<(time * batch)).map { $0 < vocabulary ? $0 : generator.nextInt(below: vocabulary) }
        #expect(network.embedding.tokens(tokens, time: time, batch: batch).projectsTable == (vocabulary < time * batch))
        let states = (0..<network.stateTensors).map { _ in
            Tensor.randomNormal([batch, hiddenSize], standardDeviation: 0.5, using: &generator).requiringGradient()
        }
        let lengths = masked ? [6, 2, 4] : nil
        let outputShape = batchFirst ? [batch, time, hiddenSize * (bidirectional ? 2 : 1)] : [time, batch, hiddenSize * (bidirectional ? 2 : 1)]
        let outputWeights = Tensor.randomNormal(outputShape, using: &generator)
        let stateWeights = states.map { _ in Tensor.randomNormal([batch, hiddenSize], using: &generator) }

        func runAndDifferentiate(asTokens: Bool) -> (values: [Tensor], gradients: [Tensor]) {
            for named in network.parameters { named.parameter.zeroGradient() }
            states.forEach { $0.zeroGradient() }
            let (output, final) = network.run(tokens, time, batch, states, lengths, asTokens)
            var loss = (output * outputWeights).sum()
            for (state, weight) in zip(final, stateWeights) { loss = loss + (state * weight).sum() }
            loss.backward()
            let gradients = states.map { $0.gradient! } + network.parameters.map { $0.parameter.gradient! }
            return ([output.detached] + final.map(\.detached), gradients)
        }
        let vectors = runAndDifferentiate(asTokens: false)
        let embedded = runAndDifferentiate(asTokens: true)
        for (index, (a, b)) in zip(embedded.values, vectors.values).enumerated() {
            expectClose(a, b, relative: 1e-5, absolute: 1e-6, "value \(index)")
        }
        let names = states.indices.map { "state \($0)" } + network.parameters.map(\.name)
        for (index, (a, b)) in zip(embedded.gradients, vectors.gradients).enumerated() {
            expectClose(a, b, relative: 1e-4, absolute: 1e-5, "gradient of \(names[index])")
        }
        if let paddingIndex {
            let row = embedded.gradients[states.count].scalars[(paddingIndex * 5)..<((paddingIndex + 1) * 5)]
            #expect(row.allSatisfy { $0 == 0 }, "the padding row received a gradient")
        }
    }

    /// Smooth cells only: a central difference across a ReLU's kink measures neither side's
    /// slope (the ReLU RNN's token path is held to its vectors' path above).
    @Test("finite differences through the projected embedding table", arguments: [Kind.lstm, .gru, .rnnTanh])
    func tokenGradientsMatchFiniteDifferences(kind: Kind) {
        let (time, batch, hiddenSize) = (4, 2, 3)
        let network = Self.network(kind, vocabulary: 3, paddingIndex: nil, hiddenSize: hiddenSize, layers: 2, bidirectional: true,
                                   batchFirst: false, seed: 5)
        let tokens = [0, 1, 2, 2, 1, 1, 0, 2]
        var generator = RandomGenerator(seed: 6)
        let weights = Tensor.randomNormal([time, batch, 2 * hiddenSize], using: &generator)
        expectParameterGradientsMatch(network.parameters, "parameters") {
            let (output, final) = network.run(tokens, time, batch, nil, [4, 3], true)
            return (output * weights).sum() + final.map { $0.sum() }.reduce(Tensor(0), +)
        }
    }
}
