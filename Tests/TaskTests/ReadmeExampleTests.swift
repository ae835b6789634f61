import Recurrent
import Testing

/// The README's library example, kept compiling and working.
@Suite struct ReadmeExampleTests {
    @Test func libraryExampleRuns() {
        var generator = RandomGenerator(seed: 1)
        let lstm = LSTM(inputSize: 64, hiddenSize: 256, layers: 2, bidirectional: true, dropout: 0.1, generator: &generator)
        let readout = Linear(inputSize: 512, outputSize: 1, generator: &generator)
        let optimizer = Adam(lstm.parameters + readout.parameters, learningRate: 1e-3)

        let x = Tensor.randomNormal([8, 50, 64], using: &generator)           // [batch, time, features]
        let target = Tensor.zeros([8, 50, 1])
        let (output, finalStates) = lstm(x, lengths: [50, 50, 42, 30, 50, 12, 50, 49])  // [8, 50, 512]
        let loss = Loss.meanSquaredError(readout(output), target)
        optimizer.zeroGradients()
        loss.backward()                                                        // gradients in every parameter
        _ = clipGradientNorm(optimizer.parameters, maxNorm: 5)
        optimizer.step()

        #expect(output.shape == [8, 50, 512])
        #expect(finalStates.count == 4)
        #expect(lstm.parameters.allSatisfy { $0.parameter.gradient != nil })
        // A few more steps toward a constant target of 1 lower the loss.
        let ones = Tensor.ones([8, 50, 1])
        func step() -> Float {
            optimizer.zeroGradients()
            let loss = Loss.meanSquaredError(readout(lstm(x).output), ones)
            loss.backward()
            optimizer.step()
            return loss.scalar
        }
        let first = step()
        for _ in 0..<8 { _ = step() }
        #expect(step() < first)
    }
}
