import CRecurrentKernels
import RecurrentTensor

/// How a loss combines per-element losses.
public enum Reduction: Sendable {
    /// The (weighted) mean, as PyTorch's default.
    case mean
    /// The sum.
    case sum
    /// No reduction: one loss per element (or per row for cross-entropy).
    case none
}

/// Losses with fused, numerically stable forward and backward passes: each is one recorded
/// operation whose pullback is written out, rather than a chain of primitives.
public enum Loss {
    /// Mean squared error `mean((prediction - target)²)`; the target gets no gradient.
    /// Gradient: 2 (prediction - target) / n.
    public static func meanSquaredError(_ prediction: Tensor, _ target: Tensor, reduction: Reduction = .mean) -> Tensor {
        precondition(prediction.shape == target.shape,
                     "Loss.meanSquaredError: prediction shape \(prediction.shape) differs from target shape \(target.shape)")
        let difference = (prediction - target.detached)
        let squared = difference * difference
        switch reduction {
        case .mean: return squared.mean()
        case .sum: return squared.sum()
        case .none: return squared
        }
    }

    /// Binary cross-entropy on logits x with targets t in [0, 1]:
    /// `max(x, 0) - x t + log(1 + e^-|x|)`, which never overflows. Gradient: sigmoid(x) - t
    /// (divided by n for the mean).
    public static func binaryCrossEntropy(logits: Tensor, targets: Tensor, reduction: Reduction = .mean) -> Tensor {
        precondition(logits.shape == targets.shape,
                     "Loss.binaryCrossEntropy: logits shape \(logits.shape) differs from targets shape \(targets.shape)")
        let n = logits.count
        let scale: Float = reduction == .mean ? 1 / Float(Swift.max(n, 1)) : 1
        let x = logits.scalars, t = targets.scalars
        var perElement = [Float](repeating: 0, count: n)
        var total: Double = 0
        for i in 0..<n {
            let value = Swift.max(x[i], 0) - x[i] * t[i] + log1pf(expf(-Swift.abs(x[i])))
            perElement[i] = value
            total += Double(value)
        }
        let result = reduction == .none ? Tensor(shape: logits.shape, scalars: perElement) : Tensor(Float(total) * scale)
        return Tensor.recordLoss(result, logits) { g in
            let probabilities = logits.sigmoid().scalars
            let gradient = g.scalars
            return Tensor(shape: logits.shape, scalars: (0..<n).map { i in
                (probabilities[i] - t[i]) * scale * (reduction == .none ? gradient[i] : gradient[0])
            })
        }
    }

    /// Softmax cross-entropy (negative log-likelihood of the softmax) of `logits` `[n, classes]`
    /// against class indices `targets` (n of them):
    ///
    ///     loss_i = w[t_i] · m_i · (logsumexp(x_i) - x_i[t_i])
    ///
    /// with optional per-class weights `w` and per-row mask `m` (0 drops a row, e.g. padding).
    /// The mean divides by Σ w[t_i]·m_i, as PyTorch's `cross_entropy` does with weights.
    /// Gradient: w[t_i]·m_i·(softmax(x_i) - onehot(t_i)), over the same divisor.
    public static func softmaxCrossEntropy(logits: Tensor, targets: [Int], mask: [Float]? = nil,
                                           classWeights: [Float]? = nil, reduction: Reduction = .mean) -> Tensor {
        precondition(logits.rank == 2, "Loss.softmaxCrossEntropy: logits must be [n, classes], got \(logits.shape)")
        let (n, classes) = (logits.shape[0], logits.shape[1])
        precondition(targets.count == n, "Loss.softmaxCrossEntropy: \(targets.count) targets for \(n) rows of logits")
        precondition(mask == nil || mask!.count == n, "Loss.softmaxCrossEntropy: mask has \(mask!.count) entries for \(n) rows")
        precondition(classWeights == nil || classWeights!.count == classes,
                     "Loss.softmaxCrossEntropy: \(classWeights!.count) class weights for \(classes) classes")
        for target in targets {
            precondition(target >= 0 && target < classes, "Loss.softmaxCrossEntropy: target \(target) out of range 0..<\(classes)")
        }
        let rowWeights = (0..<n).map { i in (mask?[i] ?? 1) * (classWeights?[targets[i]] ?? 1) }
        let divisor: Float = reduction == .mean ? rowWeights.reduce(0, +) : 1
        let logSumExp = logits.logSumExp().detached.scalars  // [n]
        var perRow = [Float](repeating: 0, count: n)
        var total: Double = 0
        logits.withUnsafeBufferPointer { x in
            for i in 0..<n where rowWeights[i] != 0 {
                perRow[i] = rowWeights[i] * (logSumExp[i] - x[i * classes + targets[i]])
                total += Double(perRow[i])
            }
        }
        let result = reduction == .none
            ? Tensor(shape: [n], scalars: perRow)
            : Tensor(divisor == 0 ? 0 : Float(total) / divisor)
        return Tensor.recordLoss(result, logits) { g in
            let gradient = g.scalars
            return Tensor(shape: [n, classes]) { out in
                let output = out.baseAddress!
                logits.withUnsafeBufferPointer { x in
                    let x = x.baseAddress!
                    // Rows are independent; large batches (a word model's 10,000-way softmax over
                    // hundreds of positions) are split across the kernel threads.
                    let tasks = n * classes >= 1 << 16 ? Kernels.threadCount : 1
                    Kernels.parallel(tasks: tasks) { task, tasks in
                        for i in (n * task / tasks)..<(n * (task + 1) / tasks) {
                            let upstream = reduction == .none ? gradient[i] : gradient[0]
                            let scale = divisor == 0 ? 0 : rowWeights[i] * upstream / divisor
                            let row = output + i * classes, logitsRow = x + i * classes
                            if scale == 0 {
                                row.update(repeating: 0, count: classes)
                                continue
                            }
                            // softmax(x) = exp(x - logsumexp(x)), scaled; minus the scale at the target.
                            let shift = logSumExp[i]
                            for j in 0..<classes { row[j] = logitsRow[j] - shift }
                            rk_vexp(row, row, classes)
                            for j in 0..<classes { row[j] *= scale }
                            row[targets[i]] -= scale
                        }
                    }
                }
            }
        }
    }

    /// Negative log-likelihood of log-probabilities `[n, classes]` (for example from
    /// `logSoftmax()`): mean of -logp[i, t_i].
    public static func negativeLogLikelihood(logProbabilities: Tensor, targets: [Int]) -> Tensor {
        -logProbabilities.gather(alongAxis: 1, indices: targets).mean()
    }
}

extension Tensor {
    /// Records a loss whose pullback produces the gradient for its single input.
    static func recordLoss(_ result: Tensor, _ input: Tensor, pullback: @escaping (Tensor) -> Tensor) -> Tensor {
        record(result, [input]) { g in [pullback(g)] }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
