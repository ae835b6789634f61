import CRecurrentKernels

extension Tensor {
    /// Softmax along the last axis: exp(x_i - max) / sum_j exp(x_j - max).
    /// Gradient: dx = y * (g - sum(g * y)).
    public func softmax() -> Tensor {
        precondition(rank >= 1, "Tensor.softmax: needs rank >= 1")
        let columns = shape[rank - 1], rows = columns == 0 ? 0 : count / columns
        let result = Tensor(shape: shape) { out in rk_softmax_rows(storage.pointer, out.baseAddress!, rows, columns) }
        return Tensor.record(result, [self]) { g in
            [Tensor(shape: g.shape) { out in
                let y = result.storage.pointer, dy = g.storage.pointer
                for row in 0..<rows {
                    let base = row * columns
                    var dot: Float = 0
                    for j in 0..<columns { dot += dy[base + j] * y[base + j] }
                    for j in 0..<columns { out[base + j] = y[base + j] * (dy[base + j] - dot) }
                }
            }]
        }
    }

    /// log(softmax(x)) along the last axis, computed stably as x - max - log(sum exp(x - max)).
    /// Gradient: dx = g - softmax(x) * sum(g).
    public func logSoftmax() -> Tensor {
        precondition(rank >= 1, "Tensor.logSoftmax: needs rank >= 1")
        let columns = shape[rank - 1], rows = columns == 0 ? 0 : count / columns
        let result = Tensor(shape: shape) { out in rk_log_softmax_rows(storage.pointer, out.baseAddress!, rows, columns) }
        return Tensor.record(result, [self]) { g in
            [Tensor(shape: g.shape) { out in
                let logY = result.storage.pointer, dy = g.storage.pointer
                for row in 0..<rows {
                    let base = row * columns
                    var total: Float = 0
                    for j in 0..<columns { total += dy[base + j] }
                    for j in 0..<columns { out[base + j] = dy[base + j] - cExpf(logY[base + j]) * total }
                }
            }]
        }
    }

    /// log(sum(exp(x))) along the last axis (the axis is removed), computed stably.
    /// Gradient: softmax(x) * g.
    public func logSumExp() -> Tensor {
        precondition(rank >= 1, "Tensor.logSumExp: needs rank >= 1")
        let columns = shape[rank - 1], rows = columns == 0 ? 0 : count / columns
        let result = Tensor(shape: Array(shape.dropLast())) { out in
            for row in 0..<out.count { out[row] = rk_logsumexp(storage.pointer + row * columns, columns) }
        }
        let input = self
        return Tensor.record(result, [self]) { g in
            [Tensor(shape: input.shape) { out in
                let x = input.storage.pointer, lse = result.storage.pointer, dy = g.storage.pointer
                for row in 0..<rows {
                    for j in 0..<columns {
                        let value = x[row * columns + j] - lse[row]
                        out[row * columns + j] = value == -.infinity ? 0 : cExpf(value) * dy[row]
                    }
                }
            }]
        }
    }
}
