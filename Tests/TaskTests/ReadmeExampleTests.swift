import Foundation
import Recurrent
import Testing

/// The README's library example, kept compiling and working, and kept the same as the README's.
@Suite struct ReadmeExampleTests {
    @Test func libraryExampleRuns() throws {
        var generator = RandomGenerator(seed: 1)
        let lstm = LSTM(inputSize: 64, hiddenSize: 256, layers: 2, bidirectional: true, dropout: 0.1, generator: &generator)
        let readout = Linear(inputSize: 512, outputSize: 1, generator: &generator)
        let optimizer = Adam(lstm.parameters + readout.parameters, learningRate: 1e-3)
        let x = Tensor.randomNormal([8, 50, 64], using: &generator)                      // [batch, time, features]
        let (output, _) = lstm(x, lengths: [50, 50, 42, 30, 50, 12, 50, 49])              // [8, 50, 512], padding masked
        let loss = Loss.meanSquaredError(readout(output), Tensor.zeros([8, 50, 1]))
        optimizer.zeroGradients(); loss.backward(); _ = clipGradientNorm(optimizer.parameters, maxNorm: 5); optimizer.step()

        #expect(output.shape == [8, 50, 512])
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

        // The README shows these lines, character for character.
        let source = try String(contentsOfFile: #filePath, encoding: .utf8)
        let readme = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md"), encoding: .utf8)
        let start = try #require(source.range(of: "        var generator = RandomGenerator(seed: 1)\n"))
        let end = try #require(source.range(of: "optimizer.step()\n", range: start.upperBound..<source.endIndex))
        let lines = source[start.lowerBound..<end.upperBound].split(separator: "\n").map { $0.dropFirst(8) }
        for line in lines { #expect(readme.contains(line), "README lacks: \(line)") }
    }
}
