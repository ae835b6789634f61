import RecurrentData
import RecurrentNN
import RecurrentTensor

/// Sentence pairs as a teacher-forcing batch: sources with `</s>` appended, decoder inputs
/// `<s> y_1 … y_n` (time-major, padded), and the targets `y_1 … y_n </s>` with their mask in
/// the batch-major row order of the decoder's logits.
public struct Seq2SeqBatch {
    public let source: PaddedTokenBatch
    public let targetInputs: PaddedTokenBatch
    /// Row b · time + t: the token after input t of sentence b (`<pad>` past its end).
    public let targets: [Int]
    /// 1 where `targets` holds a real token, 0 at padding.
    public let mask: [Float]

    /// Target tokens predicted (each sentence's words and its `</s>`).
    public var targetTokens: Int { targetInputs.lengths.reduce(0, +) }

    /// A batch of sources and targets (token indices without `<s>` or `</s>`).
    public init(sources: [[Int]], targets: [[Int]]) {
        precondition(sources.count == targets.count, "Seq2SeqBatch: \(sources.count) sources for \(targets.count) targets")
        source = PaddedTokenBatch(sources.map { $0 + [Seq2SeqModel.end] }, padding: Seq2SeqModel.padding)
        targetInputs = PaddedTokenBatch(targets.map { [Seq2SeqModel.start] + $0 }, padding: Seq2SeqModel.padding)
        let outputs = PaddedTokenBatch(targets.map { $0 + [Seq2SeqModel.end] }, padding: Seq2SeqModel.padding)
        self.targets = outputs.batchMajor
        let time = outputs.time
        mask = targets.flatMap { target in (0..<time).map { $0 <= target.count ? Float(1) : 0 } }
    }
}

extension Seq2SeqModel {
    /// The log-probability (natural log) of each target given its source under the model,
    /// including the final `</s>`: Σ_t log p(y_t | y_<t, x), in evaluation mode.
    public func logProbabilities(sources: [[Int]], targets: [[Int]]) -> [Double] {
        guard !sources.isEmpty else { return [] }
        let wasTraining = isTraining
        setTraining(false)
        defer { setTraining(wasTraining) }
        return withoutGradient {
            let batch = Seq2SeqBatch(sources: sources, targets: targets)
            let logProbabilities = logits(source: batch.source, targetInputs: batch.targetInputs).logSoftmax()
                .gather(alongAxis: 1, indices: batch.targets).scalars
            let time = batch.targetInputs.time
            return targets.indices.map { sentence in
                (0..<time).reduce(0.0) { total, t in
                    batch.mask[sentence * time + t] == 0 ? total : total + Double(logProbabilities[sentence * time + t])
                }
            }
        }
    }
}
