import CRecurrentKernels
import RecurrentTensor

extension Loss {
    /// Softmax cross-entropy against targets smoothed with ε (Szegedy et al. 2016), as PyTorch's
    /// `cross_entropy(..., label_smoothing=ε)`: the target distribution puts 1 - ε + ε/C on the
    /// target class and ε/C on each of the C classes, so for logits x_i `[n, classes]`
    ///
    ///     loss_i = m_i · ((1 - ε)(logsumexp(x_i) - x_i[t_i]) + ε (logsumexp(x_i) - mean_j x_ij))
    ///
    /// with a row mask m (0 drops a row, e.g. padding); the mean divides by Σ m_i.
    /// Gradient: m_i (softmax(x_i) - (1 - ε) onehot(t_i) - ε / C), over the same divisor.
    /// With ε = 0 this is ``softmaxCrossEntropy(logits:targets:mask:classWeights:reduction:)``.
    public static func smoothedCrossEntropy(logits: Tensor, targets: [Int], mask: [Float]? = nil, smoothing: Float) -> Tensor {
        precondition(smoothing >= 0 && smoothing < 1, "Loss.smoothedCrossEntropy: smoothing \(smoothing) is not in [0, 1)")
        guard smoothing > 0 else { return softmaxCrossEntropy(logits: logits, targets: targets, mask: mask) }
        precondition(logits.rank == 2, "Loss.smoothedCrossEntropy: logits must be [n, classes], got \(logits.shape)")
        let (n, classes) = (logits.shape[0], logits.shape[1])
        precondition(targets.count == n && (mask?.count ?? n) == n, "Loss.smoothedCrossEntropy: \(targets.count) targets for \(n) rows")
        for target in targets {
            precondition(target >= 0 && target < classes, "Loss.smoothedCrossEntropy: target \(target) out of range 0..<\(classes)")
        }
        let rowWeights = mask ?? [Float](repeating: 1, count: n)
        let divisor = rowWeights.reduce(0, +)
        let logSumExp = logits.logSumExp().detached.scalars
        var total: Double = 0
        logits.withUnsafeBufferPointer { x in
            for i in 0..<n where rowWeights[i] != 0 {
                let row = x.baseAddress! + i * classes
                var sum: Double = 0
                for j in 0..<classes { sum += Double(row[j]) }
                let nll = Double(logSumExp[i] - row[targets[i]])
                let uniform = Double(logSumExp[i]) - sum / Double(classes)
                total += Double(rowWeights[i]) * ((1 - Double(smoothing)) * nll + Double(smoothing) * uniform)
            }
        }
        let result = Tensor(divisor == 0 ? 0 : Float(total / Double(divisor)))
        return Tensor.record(result, [logits]) { g in
            let upstream = g.scalar
            return [Tensor(shape: [n, classes]) { out in
                logits.withUnsafeBufferPointer { x in
                    let x = x.baseAddress!, output = out.baseAddress!
                    let tasks = n * classes >= 1 << 16 ? Kernels.threadCount : 1
                    Kernels.parallel(tasks: tasks) { task, tasks in
                        for i in (n * task / tasks)..<(n * (task + 1) / tasks) {
                            let scale = divisor == 0 ? 0 : rowWeights[i] * upstream / divisor
                            let row = output + i * classes, logitsRow = x + i * classes
                            if scale == 0 {
                                row.update(repeating: 0, count: classes)
                                continue
                            }
                            let shift = logSumExp[i], uniform = smoothing / Float(classes)
                            for j in 0..<classes { row[j] = logitsRow[j] - shift }
                            rk_vexp(row, row, classes)
                            for j in 0..<classes { row[j] = (row[j] - uniform) * scale }
                            row[targets[i]] -= (1 - smoothing) * scale
                        }
                    }
                }
            }]
        }
    }
}
