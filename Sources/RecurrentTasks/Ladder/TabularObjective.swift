import RecurrentNN
import RecurrentTensor

/// What a model on fixed-size inputs predicts, which fixes its output layer, loss and metrics.
public enum TabularObjective: Equatable, Sendable {
    /// `outputs` real values; mean squared error; metrics MSE and R².
    case regression(outputs: Int)
    /// p(y = 1 | x) = sigmoid(output); binary cross-entropy; metrics accuracy and log-loss.
    case binary
    /// p(y | x) = softmax(outputs)_y over `classes`; cross-entropy; accuracy and log-loss.
    case multiclass(classes: Int)

    /// The width of the model's last layer.
    public var outputSize: Int {
        switch self {
        case .regression(let outputs): return outputs
        case .binary: return 1
        case .multiclass(let classes): return classes
        }
    }

    public var isClassification: Bool {
        if case .regression = self { return false }
        return true
    }

    /// The training loss of raw outputs against targets (values `[n, outputs]` for regression,
    /// class indices as floats `[n, 1]` for classification).
    public func loss(outputs: Tensor, targets: Tensor) -> Tensor {
        switch self {
        case .regression:
            return Loss.meanSquaredError(outputs, targets)
        case .binary:
            return Loss.binaryCrossEntropy(logits: outputs, targets: targets)
        case .multiclass:
            return Loss.softmaxCrossEntropy(logits: outputs, targets: targets.scalars.map { Int($0) })
        }
    }

    /// Metrics of raw outputs against targets: `mse` and `r2` for regression, `accuracy` and
    /// `log_loss` (mean negative log-likelihood, nats) for classification.
    public func metrics(outputs: Tensor, targets: Tensor) -> [String: Double] {
        let n = outputs.shape.first ?? 0
        guard n > 0 else { return [:] }
        switch self {
        case .regression:
            let predicted = outputs.scalars, actual = targets.scalars
            var squaredError = 0.0
            for (p, y) in zip(predicted, actual) { squaredError += Double(p - y) * Double(p - y) }
            // R² per output column, averaged (scikit-learn's uniform average).
            let columns = outputSize
            var r2Total = 0.0
            for column in 0..<columns {
                var mean = 0.0
                for row in 0..<n { mean += Double(actual[row * columns + column]) }
                mean /= Double(n)
                var residual = 0.0, total = 0.0
                for row in 0..<n {
                    let y = Double(actual[row * columns + column]), p = Double(predicted[row * columns + column])
                    residual += (y - p) * (y - p)
                    total += (y - mean) * (y - mean)
                }
                r2Total += total > 0 ? 1 - residual / total : (residual == 0 ? 1 : 0)
            }
            return ["mse": squaredError / Double(predicted.count), "r2": r2Total / Double(columns)]
        case .binary:
            let logits = outputs.scalars, labels = targets.scalars
            var correct = 0
            for (logit, label) in zip(logits, labels) where (logit > 0) == (label > 0.5) { correct += 1 }
            let logLoss = Double(Loss.binaryCrossEntropy(logits: outputs.detached, targets: targets).scalar)
            return ["accuracy": Double(correct) / Double(n), "log_loss": logLoss]
        case .multiclass:
            let labels = targets.scalars.map { Int($0) }
            let predictions = outputs.argmax(alongAxis: 1)
            let correct = zip(predictions, labels).filter { $0 == $1 }.count
            let logLoss = Double(Loss.softmaxCrossEntropy(logits: outputs.detached, targets: labels).scalar)
            return ["accuracy": Double(correct) / Double(n), "log_loss": logLoss]
        }
    }
}
