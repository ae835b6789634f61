import RecurrentNN
import RecurrentTensor
import RecurrentTestSupport
import Testing

/// The sequence layer and the fused kernels against the plain cell loop and finite differences.
@Suite struct RecurrentLayerTests {
    enum Kind: String, CaseIterable, CustomStringConvertible {
        case lstm, gru, rnnTanh, rnnRelu
        var description: String { rawValue }
    }

    /// A layer of the given kind as a type-erased runner returning (output, flattened final states).
    struct Network {
        let parameters: [NamedParameter]
        let run: (Tensor, [Tensor]?, [Int]?, Bool) -> (Tensor, [Tensor])  // input, flat states, lengths, fused
        let stateTensors: Int
    }

    static func network(_ kind: Kind, inputSize: Int, hiddenSize: Int, layers: Int, bidirectional: Bool,
                        batchFirst: Bool = true, seed: UInt64 = 1) -> Network {
        var generator = RandomGenerator(seed: seed)
        func wrap<Cell: RecurrentCell>(_ layer: RecurrentLayer<Cell>) -> Network {
            Network(parameters: layer.parameters, run: { input, flat, lengths, fused in
                layer.usesFusedKernels = fused
                let states = flat.map { flat in
                    stride(from: 0, to: flat.count, by: Cell.State.tensorCount).map { Cell.State(tensors: Array(flat[$0..<($0 + Cell.State.tensorCount)])) }
                }
                let (output, final) = layer(input, initialStates: states, lengths: lengths)
                return (output, final.flatMap(\.tensors))
            }, stateTensors: Cell.State.tensorCount * layers * (bidirectional ? 2 : 1))
        }
        switch kind {
        case .lstm: return wrap(LSTM(inputSize: inputSize, hiddenSize: hiddenSize, layers: layers, bidirectional: bidirectional, batchFirst: batchFirst, generator: &generator))
        case .gru: return wrap(GRU(inputSize: inputSize, hiddenSize: hiddenSize, layers: layers, bidirectional: bidirectional, batchFirst: batchFirst, generator: &generator))
        case .rnnTanh: return wrap(RNN(inputSize: inputSize, hiddenSize: hiddenSize, layers: layers, bidirectional: bidirectional, batchFirst: batchFirst, generator: &generator))
        case .rnnRelu: return wrap(RNN(inputSize: inputSize, hiddenSize: hiddenSize, layers: layers, nonlinearity: .relu, bidirectional: bidirectional, batchFirst: batchFirst, generator: &generator))
        }
    }

    static let configurations: [(Kind, Int, Bool, Bool)] = Kind.allCases.flatMap { kind in
        [(kind, 1, false, true), (kind, 2, true, true), (kind, 3, false, false), (kind, 2, true, false)]
    }

    /// Batches of 3, 11 and 17 rows: the products' small-m and packed paths, odd row counts, and
    /// (with two or more kernel threads) rows split into bands that each run the whole loop.
    @Test("fused kernels equal the plain loop: values and every gradient", arguments: configurations.flatMap { c in [3, 11, 17].map { (c.0, c.1, c.2, c.3, $0) } })
    func fusedMatchesReference(kind: Kind, layers: Int, bidirectional: Bool, masked: Bool, batch: Int) {
        Self.expectFusedMatchesPlain(kind, layers: layers, bidirectional: bidirectional, masked: masked, batch: batch, hiddenSize: 7)
    }

    /// A batch of up to four rows runs its whole time loop in one parallel region, the threads
    /// splitting the hidden units and waiting for each other after each step; it needs a layer wide
    /// enough to be worth two threads (136 units: 17 chunks of 8, split 8 and 9).
    @Test("fused loop split by hidden units across threads equals the plain loop", arguments: Kind.allCases)
    func fusedUnitSplitMatchesReference(kind: Kind) {
        Self.expectFusedMatchesPlain(kind, layers: 1, bidirectional: true, masked: true, batch: 4, hiddenSize: 136, time: 5)
    }

    /// Inference at a batch of up to four rows reads W_hh in the dot-product layout, made once per
    /// value of the weights: 7 units (one group of eight, partly padding, per gate) and 136 (17
    /// groups split across two threads), masked and bidirectional; then the weights change, and the
    /// layout must be remade, not reused.
    @Test("inference with W_hh in the dot-product layout equals the plain loop", arguments: Kind.allCases)
    func dotLayoutInferenceMatchesReference(kind: Kind) {
        for (hiddenSize, batch) in [(7, 1), (7, 3), (136, 1), (136, 4)] {
            let network = Self.network(kind, inputSize: 5, hiddenSize: hiddenSize, layers: 2, bidirectional: true)
            var generator = RandomGenerator(seed: 3)
            let input = Tensor.randomNormal([batch, 6, 5], using: &generator)
            let lengths = Array([6, 2, 4, 5].prefix(batch))
            let recurrentWeights = network.parameters.filter { $0.name.hasPrefix("weight_hh") }
            #expect(recurrentWeights.count == 4)
            for round in 0..<2 {
                let (plain, fused) = withoutGradient { (network.run(input, nil, lengths, false), network.run(input, nil, lengths, true)) }
                for named in recurrentWeights {
                    let layout: DotLayoutMatrix? = named.parameter.derivedIfCurrent("dot-layout-\(hiddenSize)")
                    #expect(layout != nil, "\(kind) H=\(hiddenSize) B=\(batch): \(named.name) not laid out")
                }
                for (index, (a, b)) in zip([fused.0] + fused.1, [plain.0] + plain.1).enumerated() {
                    expectClose(a, b, relative: 1e-5, absolute: 1e-6, "\(kind) H=\(hiddenSize) B=\(batch) round \(round) value \(index)")
                }
                // New weights: the layout made for the old ones must not be read.
                for named in recurrentWeights {
                    named.parameter.update { values in for i in values.indices { values[i] *= -0.8 } }
                }
            }
        }
    }

    /// Which way a step reads W_hh (in place in training, laid out in inference) depends on the
    /// mode alone, and both ways sum every dot product in the same order: the same weights give the
    /// same bits with and without gradients, in any order of calls (an inference first leaves a
    /// layout made for the current weights behind), on every instruction set this CPU supports.
    @Test("training and inference give the same bits at a batch of a few rows, whatever ran before", arguments: Kind.allCases)
    func trainingAndInferenceAgreeBitForBit(kind: Kind) {
        forEachInstructionSet { isa in
            for (hiddenSize, batch) in [(13, 1), (16, 2), (37, 4)] {
                let network = Self.network(kind, inputSize: 5, hiddenSize: hiddenSize, layers: 2, bidirectional: true)
                var generator = RandomGenerator(seed: 4)
                let input = Tensor.randomNormal([batch, 7, 5], using: &generator)
                let lengths = Array([7, 3, 5, 6].prefix(batch))
                let training = network.run(input, nil, lengths, true)
                let inference = withoutGradient { network.run(input, nil, lengths, true) }
                let trainingAfterInference = network.run(input, nil, lengths, true)
                for (name, other) in [("inference", inference), ("training after an inference", trainingAfterInference)] {
                    for (index, (a, b)) in zip([training.0] + training.1, [other.0] + other.1).enumerated() {
                        let differing = zip(a.scalars, b.scalars).filter { $0.bitPattern != $1.bitPattern }.count
                        #expect(differing == 0, "\(isa) \(kind) H=\(hiddenSize) B=\(batch) \(name), value \(index): \(differing) differ")
                    }
                }
            }
        }
    }

    /// A training batch of 16 rows runs as two bands of 8 on two or more kernel threads, each band
    /// its own time loop; the two halves run as batches of their own run as one band each. Every
    /// row must get the same bits either way, forward and backward (the gradients of the inputs
    /// and initial states are per row; the weights' gradients are sums over the rows and are left
    /// to the test against the plain loop). With one kernel thread both sides are one band.
    @Test("rows split into bands give the bits of the rows run alone", arguments: Kind.allCases)
    func rowBandsEqualSeparateBatches(kind: Kind) {
        forEachInstructionSet { isa in
            let network = Self.network(kind, inputSize: 5, hiddenSize: 12, layers: 2, bidirectional: true)
            var generator = RandomGenerator(seed: 8)
            let (batch, time) = (16, 6)
            let input = Tensor.randomNormal([batch, time, 5], using: &generator)
            let lengths = (0..<batch).map { 1 + $0 % time }
            let outputWeights = Tensor.randomNormal([batch, time, 24], using: &generator)
            func run(_ rows: Range<Int>) -> [[Float]] {
                let part = Tensor(shape: [rows.count, time, 5], scalars: Array(input.scalars[(rows.lowerBound * time * 5)..<(rows.upperBound * time * 5)])).requiringGradient()
                let weights = Tensor(shape: [rows.count, time, 24],
                                     scalars: Array(outputWeights.scalars[(rows.lowerBound * time * 24)..<(rows.upperBound * time * 24)]))
                let (output, final) = network.run(part, nil, Array(lengths[rows]), true)
                var loss = (output * weights).sum()
                for state in final { loss = loss + state.sum() }
                loss.backward()
                return [output.scalars] + final.map(\.scalars) + [part.gradient!.scalars]
            }
            let whole = run(0..<batch)
            let halves = [run(0..<8), run(8..<batch)]
            for (index, values) in whole.enumerated() {
                let joined = halves[0][index] + halves[1][index]
                let differing = zip(values, joined).filter { $0.bitPattern != $1.bitPattern }.count
                #expect(values.count == joined.count && differing == 0, "\(isa) \(kind) tensor \(index): \(differing) differ")
            }
        }
    }

    /// Padding never changes an answer: each sequence of a padded batch gets the outputs and final
    /// states it gets alone, bit for bit in inference at any batch size (each row summed alone), and
    /// in training at up to four rows; a larger training batch uses the blocked GEMM (1e-6).
    @Test("a padded batch gives each sequence what it gets alone", arguments: Kind.allCases)
    func paddedBatchEqualsOneByOne(kind: Kind) {
        forEachInstructionSet { isa in
            for (batch, training) in [(3, true), (4, true), (7, true), (3, false), (7, false)] {
                let exact = !training || batch <= 4
                let network = Self.network(kind, inputSize: 5, hiddenSize: 9, layers: 2, bidirectional: true)
                var generator = RandomGenerator(seed: 6)
                let lengths = Array([6, 1, 4, 3, 6, 2, 5].prefix(batch))
                let sequences = lengths.map { Tensor.randomNormal([1, $0, 5], using: &generator) }
                var padded = [Float](repeating: 0, count: batch * 6 * 5)
                for (b, sequence) in sequences.enumerated() {
                    for (index, value) in sequence.scalars.enumerated() { padded[b * 30 + index] = value }
                }
                let run = { (input: Tensor, lengths: [Int]?) in
                    training ? network.run(input, nil, lengths, true) : withoutGradient { network.run(input, nil, lengths, true) }
                }
                let (output, states) = run(Tensor(shape: [batch, 6, 5], scalars: padded), lengths)
                for (b, sequence) in sequences.enumerated() {
                    let (alone, aloneStates) = run(sequence, nil)
                    let width = output.shape[2], length = lengths[b]
                    let rows = Array(output.scalars[(b * 6 * width)..<((b * 6 + length) * width)])
                    let finals = states.map { Array($0.scalars[(b * 9)..<((b + 1) * 9)]) }.flatMap { $0 }
                    let aloneFinals = aloneStates.flatMap(\.scalars)
                    if exact {
                        #expect(rows == alone.scalars && finals == aloneFinals, "\(isa) \(kind) batch \(batch) training \(training) sequence \(b)")
                    } else {
                        expectClose(rows, alone.scalars, relative: 1e-6, absolute: 1e-6, "\(isa) \(kind) batch \(batch) sequence \(b)")
                        expectClose(finals, aloneFinals, relative: 1e-6, absolute: 1e-6, "\(isa) \(kind) batch \(batch) states \(b)")
                    }
                    let after = output.scalars[((b * 6 + length) * width)..<((b + 1) * 6 * width)]
                    #expect(after.allSatisfy { $0 == 0 }, "outputs after a sequence's end are zero")
                }
            }
        }
    }

    /// The fused kernels against the plain loop under every instruction set this CPU supports.
    static func expectFusedMatchesPlain(_ kind: Kind, layers: Int, bidirectional: Bool, masked: Bool, batch: Int, hiddenSize: Int,
                                        time: Int = 6) {
        forEachInstructionSet { _ in
            expectFusedMatchesPlainOnce(kind, layers: layers, bidirectional: bidirectional, masked: masked, batch: batch,
                                        hiddenSize: hiddenSize, time: time)
        }
    }

    static func expectFusedMatchesPlainOnce(_ kind: Kind, layers: Int, bidirectional: Bool, masked: Bool, batch: Int, hiddenSize: Int,
                                            time: Int) {
        let inputSize = 5
        let network = network(kind, inputSize: inputSize, hiddenSize: hiddenSize, layers: layers, bidirectional: bidirectional)
        var generator = RandomGenerator(seed: 2)
        let input = Tensor.randomNormal([batch, time, inputSize], using: &generator).requiringGradient()
        let states = (0..<network.stateTensors).map { _ in Tensor.randomNormal([batch, hiddenSize], standardDeviation: 0.5, using: &generator).requiringGradient() }
        let lengths = masked ? (0..<batch).map { Swift.min([6, 2, 4, 6, 1, 5, 6, 3, 6, 2, 4][$0 % 11], time) } : nil
        let outputWeights = Tensor.randomNormal([batch, time, hiddenSize * (bidirectional ? 2 : 1)], using: &generator)
        let stateWeights = states.map { _ in Tensor.randomNormal([batch, hiddenSize], using: &generator) }

        func runAndDifferentiate(fused: Bool) -> (values: [Tensor], gradients: [Tensor]) {
            for named in network.parameters { named.parameter.zeroGradient() }
            input.zeroGradient()
            states.forEach { $0.zeroGradient() }
            let (output, final) = network.run(input, states, lengths, fused)
            var loss = (output * outputWeights).sum()
            for (state, weight) in zip(final, stateWeights) { loss = loss + (state * weight).sum() }
            loss.backward()
            let gradients = [input.gradient!] + states.map { $0.gradient! } + network.parameters.map { $0.parameter.gradient! }
            return ([output.detached] + final.map(\.detached), gradients)
        }
        let reference = runAndDifferentiate(fused: false)
        let fused = runAndDifferentiate(fused: true)
        for (index, (a, b)) in zip(fused.values, reference.values).enumerated() {
            expectClose(a, b, relative: 1e-5, absolute: 1e-6, "value \(index)")
        }
        let names = ["input"] + states.indices.map { "state \($0)" } + network.parameters.map(\.name)
        for (index, (a, b)) in zip(fused.gradients, reference.gradients).enumerated() {
            expectClose(a, b, relative: 1e-4, absolute: 1e-5, "gradient of \(names[index])")
        }
        if let lengths {
            // Padded positions are zero in the output.
            let output = network.run(input, states, lengths, true).0
            for (row, length) in lengths.enumerated() where length < time {
                #expect(output[row][length..<time].scalars.allSatisfy { $0 == 0 })
            }
        }
    }

    @Test("finite differences through the fused, masked, bidirectional, stacked layer", arguments: Kind.allCases)
    func fusedGradientsMatchFiniteDifferences(kind: Kind) {
        let (batch, time, inputSize, hiddenSize) = (2, 4, 3, 3)
        // The losses are Float sums of about 50 terms of size ~1, whose rounding (a few 1e-7) over a
        // step of 1e-3 is as large as the absolute tolerance: with the generic kernels' summation
        // order a GRU weight missed by 0.3 %. A step of 4e-3 makes rounding 4× smaller; the
        // truncation error (step² · f‴ / 6) stays far below the tolerance.
        let step: Float = 4e-3
        forEachInstructionSet { isa in
            let network = Self.network(kind, inputSize: inputSize, hiddenSize: hiddenSize, layers: 2, bidirectional: true, seed: 5)
            var generator = RandomGenerator(seed: 6)
            let input = Tensor.randomNormal([batch, time, inputSize], using: &generator)
            let states = (0..<network.stateTensors).map { _ in Tensor.randomNormal([batch, hiddenSize], standardDeviation: 0.5, using: &generator) }
            let weights = Tensor.randomNormal([batch, time, 2 * hiddenSize], using: &generator)
            let lengths = [4, 2]
            // Input and initial states.
            expectGradientsMatch([input] + states, step: step, "inputs and states, \(isa)") { inputs in
                let (output, final) = network.run(inputs[0], Array(inputs.dropFirst()), lengths, true)
                return Tensor.concatenate([output.flattened(), Tensor.concatenate(final.map { $0.flattened() })])
            }
            // Every parameter.
            expectParameterGradientsMatch(network.parameters, step: step, "parameters, \(isa)") {
                let (output, final) = network.run(input, states, lengths, true)
                return (output * weights).sum() + final.map { $0.sum() }.reduce(Tensor(0), +)
            }
        }
    }

    @Test func cellStepsMatchFiniteDifferences() {
        var generator = RandomGenerator(seed: 7)
        let x = Tensor.randomNormal([2, 3], using: &generator), h = Tensor.randomNormal([2, 3], using: &generator)
        let c = Tensor.randomNormal([2, 3], using: &generator)
        let lstm = LSTMCell(inputSize: 3, hiddenSize: 3, generator: &generator)
        expectGradientsMatch([x, h, c]) { lstm.step($0[0], LSTMState(h: $0[1], c: $0[2])).tensors.reduce(Tensor(0)) { $0 + $1.sum() } }
        let gru = GRUCell(inputSize: 3, hiddenSize: 3, generator: &generator)
        expectGradientsMatch([x, h]) { gru.step($0[0], HiddenState(h: $0[1])).h }
        let rnn = RNNCell(inputSize: 3, hiddenSize: 3, generator: &generator)
        expectGradientsMatch([x, h]) { rnn.step($0[0], HiddenState(h: $0[1])).h }
        let simple = SimplifiedLSTMCell(hiddenSize: 3, generator: &generator)
        expectGradientsMatch([x, h, c]) { simple.step($0[0], LSTMState(h: $0[1], c: $0[2])).tensors.reduce(Tensor(0)) { $0 + $1.sum() } }
    }

    @Test func simplifiedLSTMFollowsItsEquations() {
        var generator = RandomGenerator(seed: 8)
        let cell = SimplifiedLSTMCell(hiddenSize: 2, generator: &generator)
        let x = Tensor(shape: [1, 2], scalars: [0.5, -1]), state = LSTMState(h: Tensor(shape: [1, 2], scalars: [0.1, 0.2]), c: Tensor(shape: [1, 2], scalars: [1, -2]))
        let gates = (x.matmul(cell.weights.weightIH.value, transposeOther: true) + cell.weights.biasIH!.value
            + state.h.matmul(cell.weights.weightHH.value, transposeOther: true) + cell.weights.biasHH!.value).sigmoid().scalars
        let expectedC = (0..<2).map { state.c.scalars[$0] * gates[2 + $0] + x.scalars[$0] * gates[$0] }
        let expectedH = (0..<2).map { Float(Foundation.tanh(Double(expectedC[$0]))) * gates[4 + $0] }
        let next = cell.step(x, state)
        expectClose(next.c.scalars, expectedC)
        expectClose(next.h.scalars, expectedH)
    }

    @Test func parameterNamesArePyTorchs() {
        var generator = RandomGenerator(seed: 9)
        let lstm = LSTM(inputSize: 3, hiddenSize: 4, layers: 2, bidirectional: true, generator: &generator)
        #expect(lstm.parameters.map(\.name) == [
            "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
            "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse",
            "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1",
            "weight_ih_l1_reverse", "weight_hh_l1_reverse", "bias_ih_l1_reverse", "bias_hh_l1_reverse",
        ])
        #expect(lstm.parameter(named: "weight_ih_l1")?.shape == [16, 8])
        #expect(lstm.parameter(named: "weight_hh_l0_reverse")?.shape == [16, 4])
        let gru = GRU(inputSize: 3, hiddenSize: 4, generator: &generator)
        #expect(gru.parameter(named: "weight_ih_l0")?.shape == [12, 3])
        let limit = 1 / Float(4).squareRoot()
        #expect(gru.parameters.allSatisfy { $0.parameter.value.scalars.allSatisfy { Swift.abs($0) <= limit } })
    }

    @Test func initializationOptions() {
        var generator = RandomGenerator(seed: 10)
        let cell = LSTMCell(inputSize: 3, hiddenSize: 4, options: RecurrentCellOptions(recurrentInitializer: .orthogonal(), forgetGateBias: 1),
                            generator: &generator)
        let forget = (cell.weights.biasIH!.value + cell.weights.biasHH!.value).scalars[4..<8]
        #expect(forget.allSatisfy { $0 == 1 })
        for gate in 0..<4 {
            let block = cell.weights.weightHH.value[(gate * 4)..<(gate * 4 + 4)]
            expectClose(block.matmul(block, transposeOther: true), Tensor.identity(4), absolute: 1e-5)
        }
    }

    @Test func truncatedBackpropagationCarriesStateWithoutGradient() {
        var generator = RandomGenerator(seed: 11)
        let lstm = LSTM(inputSize: 2, hiddenSize: 3, generator: &generator)
        let first = Tensor.randomNormal([1, 4, 2], using: &generator), second = Tensor.randomNormal([1, 4, 2], using: &generator)
        let (_, states) = lstm(first)
        let carried = states.map(\.detached)
        #expect(carried.allSatisfy { !$0.h.requiresGradient && !$0.c.requiresGradient })
        // Running the halves with the carried state equals running the whole sequence.
        let (secondOutput, _) = lstm(second, initialStates: carried)
        let (wholeOutput, _) = lstm(Tensor.concatenate([first, second], alongAxis: 1))
        expectClose(secondOutput.detached, wholeOutput.slice(alongAxis: 1, 4..<8).detached, absolute: 1e-6)
    }
}

import Foundation
