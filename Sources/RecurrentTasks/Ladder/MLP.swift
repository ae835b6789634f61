import RecurrentNN
import RecurrentTensor

/// The multilayer perceptron: hidden layers `Z = f(X W_h + b_h)` (f = tanh, sigmoid or ReLU),
/// then an output layer `Z W_out + b_out` read as the objective says (values, or logits of a
/// sigmoid or softmax). Parameters: `hidden.0.weight`, `hidden.0.bias`, `hidden.2.weight`, …
/// (a ``Sequential`` of Linear and activation layers) and `output.weight`, `output.bias`.
public final class MLP: TabularModel {
    public let hidden: Sequential
    public let output: Linear
    public let objective: TabularObjective
    public let hiddenSizes: [Int]
    public let activation: Activation
    public var isTraining = true
    public let inputSize: Int

    public init(inputSize: Int, hiddenSizes: [Int], activation: Activation = .tanh, objective: TabularObjective,
                generator: inout RandomGenerator) {
        precondition(hiddenSizes.allSatisfy { $0 >= 1 }, "MLP: hidden sizes must be positive, got \(hiddenSizes)")
        self.inputSize = inputSize
        self.hiddenSizes = hiddenSizes
        self.activation = activation
        self.objective = objective
        var layers: [any UnaryLayer] = []
        var width = inputSize
        for size in hiddenSizes {
            layers.append(Linear(inputSize: width, outputSize: size, generator: &generator))
            layers.append(ActivationLayer(activation))
            width = size
        }
        hidden = Sequential(layers)
        output = Linear(inputSize: width, outputSize: objective.outputSize, generator: &generator)
    }

    public var children: [(name: String, layer: any Layer)] { [("hidden", hidden), ("output", output)] }

    public func outputs(_ features: Tensor) -> Tensor { output(hidden(features)) }
}
