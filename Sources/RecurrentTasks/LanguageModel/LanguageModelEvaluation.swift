import RecurrentNN
import RecurrentTensor

extension LanguageModel {
    /// The total and mean negative log-likelihood (nats) of `tokens` read as one stream from a
    /// zero state: every token after the first is predicted from all the tokens before it.
    /// The stream is run in windows of `window` tokens, carrying the state across, which gives
    /// the same result as one pass over the whole text with less memory.
    public func negativeLogLikelihood(of tokens: [Int], window: Int = 512) -> (total: Double, mean: Double, predicted: Int) {
        precondition(window >= 1, "LanguageModel.negativeLogLikelihood: window must be positive")
        let wasTraining = isTraining
        setTraining(false)
        defer { setTraining(wasTraining) }
        return withoutGradient {
            var states: [Tensor]? = nil
            var total = 0.0
            var start = 0
            while start + 1 < tokens.count {
                let time = Swift.min(window, tokens.count - 1 - start)
                let (logits, final) = self(Array(tokens[start..<(start + time)]), time: time, batch: 1, states: states)
                states = final
                let targets = Array(tokens[(start + 1)...(start + time)])
                total += Double(Loss.softmaxCrossEntropy(logits: logits, targets: targets, reduction: .sum).scalar)
                start += time
            }
            let predicted = Swift.max(tokens.count - 1, 0)
            return (total, predicted > 0 ? total / Double(predicted) : 0, predicted)
        }
    }

    /// The log-probability (natural log) of each token after the first in `tokens`, from a zero state.
    public func tokenLogProbabilities(of tokens: [Int]) -> [Double] {
        guard tokens.count > 1 else { return [] }
        let wasTraining = isTraining
        setTraining(false)
        defer { setTraining(wasTraining) }
        return withoutGradient {
            let time = tokens.count - 1
            let (logits, _) = self(Array(tokens.dropLast()), time: time, batch: 1, states: nil)
            let logProbabilities = logits.logSoftmax()
            return logProbabilities.gather(alongAxis: 1, indices: Array(tokens.dropFirst())).scalars.map(Double.init)
        }
    }
}
