/// Errors of predicted values against true ones, averaged over outputs as scikit-learn's
/// `multioutput="uniform_average"` does (each output's metric, then their mean):
///
///     rmse = √(Σ (ŷ − y)² / n)      mae = Σ |ŷ − y| / n      r2 = 1 − Σ (ŷ − y)² / Σ (y − ȳ)²
///
/// (r2 is 1 for a perfect constant target and 0 for an imperfect one, as scikit-learn has it.)
public struct RegressionMetrics: Equatable, Sendable {
    public let rmse: Double
    public let mae: Double
    public let r2: Double
    public let count: Int

    /// `predictions[i]` and `truths[i]` hold example i's outputs, in the data's units.
    public init(predictions: [[Double]], truths: [[Double]]) {
        precondition(predictions.count == truths.count, "RegressionMetrics: \(predictions.count) predictions for \(truths.count) truths")
        count = truths.count
        let outputs = truths.first?.count ?? 0
        var rmse = 0.0, mae = 0.0, r2 = 0.0
        for output in 0..<outputs {
            let y = truths.map { $0[output] }, estimate = predictions.map { $0[output] }
            let mean = y.reduce(0, +) / Double(Swift.max(y.count, 1))
            var squares = 0.0, absolutes = 0.0, total = 0.0
            for (value, guess) in zip(y, estimate) {
                squares += (guess - value) * (guess - value)
                absolutes += Swift.abs(guess - value)
                total += (value - mean) * (value - mean)
            }
            let n = Double(Swift.max(y.count, 1))
            rmse += (squares / n).squareRoot()
            mae += absolutes / n
            r2 += total > 0 ? 1 - squares / total : (squares == 0 ? 1 : 0)
        }
        let divisor = Double(Swift.max(outputs, 1))
        (self.rmse, self.mae, self.r2) = (rmse / divisor, mae / divisor, r2 / divisor)
    }

    public var json: [String: Any] { ["rmse": rmse, "mae": mae, "r2": r2, "examples": count] }
}
