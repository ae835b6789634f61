/// Accuracy, per-class precision, recall and F1, their macro average and the confusion matrix
/// of predicted classes against true ones, as scikit-learn's `classification_report` computes
/// them:
///
///     precision_c = TP_c / (TP_c + FP_c)      recall_c = TP_c / (TP_c + FN_c)
///     F1_c = 2 · precision_c · recall_c / (precision_c + recall_c)      (0 where a denominator is 0)
///     macro F1 = the mean of F1_c over the classes that occur in the truths or the predictions
public struct ClassificationMetrics: Equatable, Sendable {
    /// `confusion[truth][prediction]` counts.
    public let confusion: [[Int]]

    public init(predictions: [Int], truths: [Int], classes: Int) {
        precondition(predictions.count == truths.count, "ClassificationMetrics: \(predictions.count) predictions for \(truths.count) truths")
        var confusion = Array(repeating: Array(repeating: 0, count: classes), count: classes)
        for (prediction, truth) in zip(predictions, truths) { confusion[truth][prediction] += 1 }
        self.confusion = confusion
    }

    public var count: Int { confusion.reduce(0) { $0 + $1.reduce(0, +) } }
    public var accuracy: Double {
        count == 0 ? 0 : Double(confusion.indices.reduce(0) { $0 + confusion[$1][$1] }) / Double(count)
    }

    /// Examples whose truth is class c.
    public func support(_ c: Int) -> Int { confusion[c].reduce(0, +) }
    /// Examples predicted as class c.
    func predicted(_ c: Int) -> Int { confusion.reduce(0) { $0 + $1[c] } }

    public func precision(_ c: Int) -> Double { predicted(c) == 0 ? 0 : Double(confusion[c][c]) / Double(predicted(c)) }
    public func recall(_ c: Int) -> Double { support(c) == 0 ? 0 : Double(confusion[c][c]) / Double(support(c)) }
    public func f1(_ c: Int) -> Double {
        let (p, r) = (precision(c), recall(c))
        return p + r == 0 ? 0 : 2 * p * r / (p + r)
    }

    public var macroF1: Double {
        let present = confusion.indices.filter { support($0) > 0 || predicted($0) > 0 }
        return present.isEmpty ? 0 : present.map(f1).reduce(0, +) / Double(present.count)
    }

    /// The report as JSON: `accuracy`, `macro_f1`, `classes` (per label: precision, recall, f1,
    /// support) and `confusion` (rows: true label, columns: predicted, in `labels` order).
    public func json(labels: [String]) -> [String: Any] {
        var perClass: [String: Any] = [:]
        for (c, label) in labels.enumerated() {
            perClass[label] = ["precision": precision(c), "recall": recall(c), "f1": f1(c), "support": support(c)]
        }
        return ["accuracy": accuracy, "macro_f1": macroF1, "classes": perClass, "labels": labels, "confusion": confusion, "examples": count]
    }
}
