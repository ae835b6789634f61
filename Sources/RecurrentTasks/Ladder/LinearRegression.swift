import RecurrentNN
import RecurrentTensor

/// Linear regression, the ladder's first rung: `Y = XW + b`, fitted by minimizing the mean
/// squared error. Parameters: `linear.weight` `[outputs, inputs]` (W transposed, as PyTorch
/// stores it) and `linear.bias` `[outputs]`.
public final class LinearRegression: TabularModel {
    public let linear: Linear
    public var isTraining = true
    public var inputSize: Int { linear.inputSize }
    public var objective: TabularObjective { .regression(outputs: linear.outputSize) }

    public init(inputSize: Int, outputs: Int = 1, generator: inout RandomGenerator) {
        linear = Linear(inputSize: inputSize, outputSize: outputs, generator: &generator)
    }

    public var children: [(name: String, layer: any Layer)] { [("linear", linear)] }

    public func outputs(_ features: Tensor) -> Tensor { linear(features) }
}
