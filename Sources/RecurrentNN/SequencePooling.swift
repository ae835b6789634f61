import RecurrentTensor

/// How a whole sequence's recurrent outputs become one vector.
public enum PoolingKind: String, Codable, Sendable, CaseIterable {
    /// The state after each sequence's last element (for a bidirectional network, the forward
    /// direction's there and the reverse direction's at the first element: PyTorch's `h_n`).
    case last
    /// The mean of the outputs over a sequence's own steps.
    case mean
    /// The largest value of each feature over a sequence's own steps.
    case max
    /// A weighted mean whose weights a learned query gives each step (softmax over its own steps).
    case attention
}

/// Reads one vector out of a padded batch of recurrent outputs, looking only at each sequence's
/// own steps, so padding never changes an answer. With `outputs` h `[batch, time, features]`
/// and lengths n_b:
///
///     last:       [h_b,n_b−1 (forward half) ; h_b,0 (reverse half)]
///     mean:       Σ_{t<n_b} h_b,t / n_b
///     max:        max_{t<n_b} h_b,t                      (per feature; the gradient goes to the arg max)
///     attention:  u_b,t = tanh(h_b,t W_aᵀ + b_a)         W_a `[features, features]`: `attention.weight`, `attention.bias`
///                 s_b,t = u_b,t qᵀ                       q `[1, features]`: `query.weight`
///                 α_b = softmax(s_b,0 … s_b,n_b−1)        (zero weight after the end)
///                 Σ_t α_b,t h_b,t
///
/// (Yang et al. 2016's attention pooling.) Every row is computed alone, in the same order
/// whatever the batch, so in inference a sequence gets the same bits in a padded batch of any
/// size as alone. Output: `[batch, features]`.
public final class SequencePooling: Layer {
    public let kind: PoolingKind
    public let features: Int
    /// Directions of the outputs (the `last` of a reverse half is at the first step).
    public let directions: Int
    public let attention: Linear?
    public let query: Linear?
    public var isTraining = true

    public init(_ kind: PoolingKind, features: Int, directions: Int = 1, generator: inout RandomGenerator) {
        precondition(directions == 1 || (directions == 2 && features % 2 == 0), "SequencePooling: \(features) features in \(directions) directions")
        self.kind = kind
        self.features = features
        self.directions = directions
        if kind == .attention {
            let attention = Linear(inputSize: features, outputSize: features, generator: &generator)
            let query = Linear(inputSize: features, outputSize: 1, bias: false, generator: &generator)
            attention.rowIndependent = true
            query.rowIndependent = true
            (self.attention, self.query) = (attention, query)
        } else {
            (attention, query) = (nil, nil)
        }
    }

    public var children: [(name: String, layer: any Layer)] {
        guard let attention, let query else { return [] }
        return [("attention", attention), ("query", query)]
    }

    /// The pooled vectors `[batch, features]` of `outputs` `[batch, time, features]`; every length
    /// must be in 1...time.
    public func callAsFunction(_ outputs: Tensor, lengths: [Int]) -> Tensor {
        precondition(outputs.rank == 3 && outputs.shape[2] == features && outputs.shape[0] == lengths.count,
                     "SequencePooling: outputs \(outputs.shape) are not [\(lengths.count), time, \(features)]")
        let time = outputs.shape[1]
        precondition(lengths.allSatisfy { $0 >= 1 && $0 <= time }, "SequencePooling: lengths \(lengths) outside 1...\(time)")
        switch kind {
        case .last:
            let rows = outputs.reshaped([lengths.count * time, features])
            let lastSteps = rows.gatherRows(lengths.enumerated().map { $0.offset * time + $0.element - 1 })
            guard directions == 2 else { return lastSteps }
            let half = features / 2
            let firstSteps = rows.gatherRows(lengths.indices.map { $0 * time })
            return Tensor.concatenate([lastSteps.slice(alongAxis: 1, 0..<half), firstSteps.slice(alongAxis: 1, half..<features)], alongAxis: 1)
        case .mean:
            let reciprocals = Tensor(shape: [lengths.count, 1], scalars: lengths.map { 1 / Float($0) })
            let mask = Tensor(shape: [lengths.count, time, 1], scalars: lengths.flatMap { length in (0..<time).map { $0 < length ? 1 : 0 } })
            return (outputs * mask).sum(alongAxis: 1) * reciprocals
        case .max:
            return outputs.maskedMaxOverTime(lengths: lengths)
        case .attention:
            guard let attention, let query else { preconditionFailure("SequencePooling: attention without its layers") }
            let scores = query(attention(outputs).tanh()).reshaped([lengths.count, time])
            let weights = scores.maskedSoftmaxOverTime(lengths: lengths)
            return (weights.unsqueezed(at: 2) * outputs).sum(alongAxis: 1)
        }
    }
}

extension Tensor {
    /// The maximum over each row's first `lengths[b]` steps of a `[batch, time, features]`
    /// tensor, per feature: `[batch, features]`. Gradient: to the first maximal step.
    public func maskedMaxOverTime(lengths: [Int]) -> Tensor {
        precondition(rank == 3 && shape[0] == lengths.count, "Tensor.maskedMaxOverTime: shape \(shape) for \(lengths.count) lengths")
        let (batch, time, features) = (shape[0], shape[1], shape[2])
        precondition(lengths.allSatisfy { $0 >= 1 && $0 <= time }, "Tensor.maskedMaxOverTime: lengths \(lengths) outside 1...\(time)")
        var arguments = [Int](repeating: 0, count: batch * features)
        let result = Tensor(shape: [batch, features], unsafeUninitialized: { out in
            withUnsafeBufferPointer { values in
                for b in 0..<batch {
                    for f in 0..<features {
                        var best = 0, bestValue = values[b * time * features + f]
                        for t in 1..<lengths[b] where values[(b * time + t) * features + f] > bestValue {
                            (best, bestValue) = (t, values[(b * time + t) * features + f])
                        }
                        arguments[b * features + f] = best
                        out[b * features + f] = bestValue
                    }
                }
            }
        })
        let own = shape
        return Tensor.record(result, [self]) { gradient in
            var full = Tensor.zeros(own)
            full.withUnsafeMutableBufferPointer { out in
                gradient.withUnsafeBufferPointer { g in
                    for b in 0..<batch {
                        for f in 0..<features { out[(b * time + arguments[b * features + f]) * features + f] = g[b * features + f] }
                    }
                }
            }
            return [full]
        }
    }

    /// Softmax of `[batch, time]` scores over each row's first `lengths[b]` steps, zero after:
    /// α_t = exp(s_t − m) / Σ_{t'<n} exp(s_t' − m), m the row's largest valid score.
    /// Gradient: dα·α − α Σ_t (dα_t α_t) over the valid steps, as for a softmax.
    public func maskedSoftmaxOverTime(lengths: [Int]) -> Tensor {
        precondition(rank == 2 && shape[0] == lengths.count, "Tensor.maskedSoftmaxOverTime: shape \(shape) for \(lengths.count) lengths")
        let (batch, time) = (shape[0], shape[1])
        precondition(lengths.allSatisfy { $0 >= 1 && $0 <= time }, "Tensor.maskedSoftmaxOverTime: lengths \(lengths) outside 1...\(time)")
        let result = Tensor(shape: shape, unsafeUninitialized: { out in
            withUnsafeBufferPointer { scores in
                for b in 0..<batch {
                    let row = b * time, length = lengths[b]
                    var largest = -Float.infinity
                    for t in 0..<length { largest = Swift.max(largest, scores[row + t]) }
                    var total: Float = 0
                    for t in 0..<length {
                        out[row + t] = expf(scores[row + t] - largest)
                        total += out[row + t]
                    }
                    for t in 0..<length { out[row + t] /= total }
                    for t in length..<time { out[row + t] = 0 }
                }
            }
        })
        return Tensor.record(result, [self]) { gradient in
            [Tensor(shape: [batch, time], unsafeUninitialized: { out in
                result.withUnsafeBufferPointer { alpha in
                    gradient.withUnsafeBufferPointer { g in
                        for b in 0..<batch {
                            let row = b * time
                            var dot: Float = 0
                            for t in 0..<time { dot += g[row + t] * alpha[row + t] }
                            for t in 0..<time { out[row + t] = alpha[row + t] * (g[row + t] - dot) }
                        }
                    }
                }
            })]
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
