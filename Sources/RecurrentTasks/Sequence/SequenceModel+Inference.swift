import RecurrentData
import RecurrentNN
import RecurrentTensor

extension SequenceModel {
    /// Runs `body` on the examples in batches of similar length, in evaluation mode without
    /// gradients, and returns each example's row of the result in the examples' order. Each row
    /// has the same bits as the example would get alone.
    public func rows(for examples: SequenceExamples, batchSize: Int = 64, _ body: (SequenceBatch) -> Tensor) -> [[Float]] {
        let wasTraining = isTraining
        setTraining(false)
        defer { setTraining(wasTraining) }
        var result = [[Float]](repeating: [], count: examples.count)
        withoutGradient {
            for indices in SequenceBatcher(lengths: examples.lengths, batchSize: batchSize).orderedBatches(sortedByLength: true) {
                let values = body(examples.batch(indices))
                let width = values.shape[1]
                values.withUnsafeBufferPointer { buffer in
                    for (row, index) in indices.enumerated() { result[index] = Array(buffer[(row * width)..<((row + 1) * width)]) }
                }
            }
        }
        return result
    }

    /// The head's outputs for every example: logits, or standardized values.
    public func outputs(for examples: SequenceExamples, batchSize: Int = 64) -> [[Float]] {
        rows(for: examples, batchSize: batchSize) { self($0) }
    }

    /// Every example's pooled encoder state (``encode(_:)``), the vectors `recurrent embed` writes.
    public func embeddings(for examples: SequenceExamples, batchSize: Int = 64) -> [[Float]] {
        rows(for: examples, batchSize: batchSize) { encode($0) }
    }
}

/// What a model says about each example: the most likely class and every class's probability, or
/// the values in the data's units.
public enum SequencePredictions {
    case classes(labels: [Int], probabilities: [[Double]])
    case values([[Double]])

    /// The answers for the head's `outputs` under `targets`.
    public init(outputs: [[Float]], targets: SequenceTargets) {
        switch targets {
        case .classes:
            let probabilities = outputs.map { logits -> [Double] in
                let largest = logits.max() ?? 0
                let exponentials = logits.map { _exp(Double($0 - largest)) }
                let total = exponentials.reduce(0, +)
                return exponentials.map { $0 / total }
            }
            let labels = outputs.map { logits in logits.indices.max { logits[$0] < logits[$1] || (logits[$0] == logits[$1] && $0 > $1) } ?? 0 }
            self = .classes(labels: labels, probabilities: probabilities)
        case .values(_, let means, let deviations):
            self = .values(outputs.map { row in row.enumerated().map { Double($1) * deviations[$0] + means[$0] } })
        }
    }

    /// The metrics of these predictions against the examples' targets: accuracy, macro F1,
    /// per-class scores and the confusion matrix, or rmse, mae and r2 in the data's units.
    public func metrics(against examples: SequenceExamples, targets: SequenceTargets) -> [String: Any] {
        switch (self, examples.targets, targets) {
        case (.classes(let predicted, _), .classes(let truths), .classes(let names)):
            return ClassificationMetrics(predictions: predicted, truths: truths, classes: names.count).json(labels: names)
        case (.values(let predicted), .values(let truths), .values):
            return RegressionMetrics(predictions: predicted, truths: truths.map { $0.map(Double.init) }).json
        default:
            return [:]
        }
    }
}
