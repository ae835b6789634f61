/// Which validation metric picks the best model, stops training early and drives a
/// reduce-on-plateau schedule, and which way is better: loss and perplexity go down, accuracy,
/// F1 and BLEU go up. Keras calls it `monitor` with `mode`.
public struct ModelSelection: Codable, Equatable, Sendable, CustomStringConvertible {
    public enum Direction: String, Codable, Sendable {
        case lower, higher
    }

    /// The key of the metric in a task's validation results (``TrainingTask/validate()``).
    public var metric: String
    public var direction: Direction

    public init(metric: String, direction: Direction) {
        self.metric = metric
        self.direction = direction
    }

    /// Validation loss, lower is better (the default).
    public static let loss = ModelSelection(metric: "loss", direction: .lower)

    /// The selection for a metric by its usual direction: `loss`, `perplexity`, `bpc`, `rmse`,
    /// `mae`, `mse`, `smape`, `mase` and names ending in `_loss` or `_error` go down; anything else
    /// (accuracy, F1, BLEU, R², return) goes up.
    public static func byName(_ metric: String) -> ModelSelection {
        let lower: Set<String> = ["loss", "perplexity", "bpc", "rmse", "mae", "mse", "smape", "mase", "log_loss"]
        let goesDown = lower.contains(metric) || metric.hasSuffix("_loss") || metric.hasSuffix("_error")
        return ModelSelection(metric: metric, direction: goesDown ? .lower : .higher)
    }

    /// Whether `value` is better than `best` (strictly; nil is beaten by any finite value).
    public func isImprovement(_ value: Double, over best: Double?) -> Bool {
        guard value.isFinite else { return false }
        guard let best else { return true }
        return direction == .lower ? value < best : value > best
    }

    public var description: String { "\(metric) (\(direction == .lower ? "lower" : "higher") is better)" }
}
