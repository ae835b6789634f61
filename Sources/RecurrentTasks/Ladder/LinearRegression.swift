import RecurrentNN
import RecurrentTensor

/// Linear regression, the ladder's first rung: `Y = XW + b`, fitted by minimizing the mean
/// squared error: exactly, in one solve (``fitExactly(_:l2:)``), or by gradient descent like
/// the other rungs (``TabularModel/fit(_:validation:optimizer:batchSize:options:)``).
/// Parameters: `linear.weight` `[outputs, inputs]` (W transposed, as PyTorch stores it) and
/// `linear.bias` `[outputs]`.
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

    /// Sets W and b to the least-squares solution on `data` (ridge regression when `l2` > 0,
    /// the bias not penalized): ``LeastSquares/solve(features:targets:l2:blockRows:)``, then
    /// rounded to the parameters' Float32.
    @discardableResult
    public func fitExactly(_ data: TabularData, l2: Double = 0) -> LeastSquaresSolution {
        precondition(data.features.shape[1] == inputSize && data.targets.shape[1] == linear.outputSize,
                     "LinearRegression.fitExactly: data \(data.features.shape) → \(data.targets.shape) does not fit the model's \(inputSize) → \(linear.outputSize)")
        let solution = LeastSquares.solve(features: data.features, targets: data.targets, l2: l2)
        let (inputs, outputs) = (solution.featureCount, solution.outputCount)
        // Linear stores W transposed: weight[output, input].
        let weight = (0..<(outputs * inputs)).map { Float(solution.weight(feature: $0 % inputs, output: $0 / inputs)) }
        linear.weight.assign(Tensor(shape: [outputs, inputs], scalars: weight))
        linear.bias?.assign(Tensor(solution.intercepts.map { Float($0) }))
        return solution
    }
}
