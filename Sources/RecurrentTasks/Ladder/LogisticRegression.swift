import RecurrentNN
import RecurrentTensor

/// Logistic regression, binary or multiclass:
///
///     binary:      p(y = 1 | x) = sigmoid(xW + b)
///     multiclass:  p(y | x) = softmax(xW + b)_y
///
/// fitted by minimizing the negative log-likelihood (cross-entropy). Parameters:
/// `linear.weight` `[1 or classes, inputs]`, `linear.bias`.
public final class LogisticRegression: TabularModel {
    public let linear: Linear
    public let objective: TabularObjective
    public var isTraining = true
    public var inputSize: Int { linear.inputSize }

    /// `classes == 2` gives the binary model (one output and a sigmoid); more gives softmax.
    public init(inputSize: Int, classes: Int = 2, generator: inout RandomGenerator) {
        precondition(classes >= 2, "LogisticRegression: needs at least 2 classes, got \(classes)")
        objective = classes == 2 ? .binary : .multiclass(classes: classes)
        linear = Linear(inputSize: inputSize, outputSize: objective.outputSize, generator: &generator)
    }

    public var children: [(name: String, layer: any Layer)] { [("linear", linear)] }

    public func outputs(_ features: Tensor) -> Tensor { linear(features) }
}
