import Foundation
import RecurrentNN
import RecurrentTensor

/// A linear-chain CRF as the output layer of a network (the "CRF on top of a BiLSTM" of Huang,
/// Xu and Yu 2015 and Lample et al. 2016): the network gives dense emission scores `E[t, k]`,
/// this layer adds learned transition scores and scores whole tag sequences,
///
///     p(y | x) = exp score(y) / Z(x),   score(y) = start[y₀] + Σₜ E[t, yₜ] + Σₜ₌₁ A[yₜ₋₁, yₜ] + end[y_{T-1}]
///
/// Training minimizes the negative log-likelihood −log p(y | x) = log Z(x) − score(y), computed
/// by the forward algorithm (``ScaledForwardBackward``, which falls back to
/// ``LinearChainCRF``'s log space); prediction is ``Viterbi``. Its gradient is exact and cheap,
/// "expected minus observed":
///
///     ∂/∂E[t, k] = p(yₜ = k | x) − [yₜ = k]
///     ∂/∂A[i, j] = Σₜ p(yₜ₋₁ = i, yₜ = j | x) − #(i → j in y)
///     ∂/∂start[k] = p(y₀ = k | x) − [y₀ = k],   ∂/∂end[k] = p(y_{T-1} = k | x) − [y_{T-1} = k]
///
/// so the loss is one recorded operation (``negativeLogLikelihood(emissions:tags:lengths:reduction:)``)
/// whose pullback scales those marginals, computed in the forward pass over raw buffers.
///
/// Parameters (Float, as the network's): `transitions` `[tags, tags]` (from, to), `start`
/// `[tags]`, `end` `[tags]`; they start at zero, so the untrained layer scores every path by its
/// emissions alone.
public final class CRFLayer: Layer {
    public let tagCount: Int
    public let transitions: Parameter
    public let start: Parameter
    public let end: Parameter
    public var isTraining = true

    public init(tagCount: Int) {
        precondition(tagCount >= 1, "CRFLayer: needs at least one tag")
        self.tagCount = tagCount
        transitions = Parameter(Tensor.zeros([tagCount, tagCount]))
        start = Parameter(Tensor.zeros([tagCount]))
        end = Parameter(Tensor.zeros([tagCount]))
    }

    public var localParameters: [NamedParameter] {
        [NamedParameter("transitions", transitions), NamedParameter("start", start), NamedParameter("end", end)]
    }

    /// The current transition scores, in the form ``Viterbi`` and ``LinearChainCRF`` read.
    public var scores: TransitionScores {
        TransitionScores(tagCount: tagCount, transitions: transitions.value.scalars.map(Double.init),
                         start: start.value.scalars.map(Double.init), end: end.value.scalars.map(Double.init))
    }

    /// How the per-sentence losses are combined.
    public enum LossReduction: Sendable {
        /// Σ over sentences.
        case sum
        /// Σ over sentences / the number of tokens (pytorch-crf's `token_mean`): the scale of a
        /// per-token cross-entropy, so both output layers train with the same learning rate.
        case tokenMean
    }

    /// −log p(tags | emissions) for a padded batch of sentences, differentiable with respect to
    /// the emissions and the three parameters.
    ///
    /// - Parameters:
    ///   - emissions: `[time, batch, tags]`, time-major (a recurrent layer's output projected to
    ///     tag scores); positions past a sentence's length are ignored and get zero gradient.
    ///   - tags: the gold tags in the same layout, `tags[t · batch + b]` (anything past a length).
    ///   - lengths: each sentence's length, ≤ time.
    public func negativeLogLikelihood(emissions: Tensor, tags: [Int], lengths: [Int], reduction: LossReduction = .tokenMean) -> Tensor {
        let (time, batch, k) = checkedShape(emissions, lengths: lengths)
        precondition(tags.count == time * batch, "CRFLayer: \(tags.count) tags for [\(time), \(batch)]")
        let scores = self.scores
        let exponentiated = ExponentiatedTransitions(scores)
        let workspace = ScaledForwardBackward(tagCount: k)
        // Gradients of the summed loss, filled in the forward pass: dE [time, batch, tags] in
        // Float as the network's, the transition counts in Double while they accumulate.
        var dEmissions = Tensor.zeros([time, batch, k])
        var dTransitions = [Double](repeating: 0, count: k * k), dStart = [Double](repeating: 0, count: k)
        var dEnd = [Double](repeating: 0, count: k)
        var sentence = [Double](repeating: 0, count: time * k)
        var total = 0.0
        let dE = dEmissions.unsafeMutableBaseAddress()
        withExtendedLifetime(emissions) {
            let source = emissions.unsafeBaseAddress
            sentence.withUnsafeMutableBufferPointer { sentence in
                dTransitions.withUnsafeMutableBufferPointer { edges in
                    for b in 0..<batch where lengths[b] > 0 {
                        let length = lengths[b]
                        for t in 0..<length {
                            let row = source + (t * batch + b) * k
                            for tag in 0..<k { sentence[t * k + tag] = Double(row[tag]) }
                        }
                        let path = (0..<length).map { tags[$0 * batch + b] }
                        for tag in path { precondition(tag >= 0 && tag < k, "CRFLayer: tag \(tag) out of range 0..<\(k)") }
                        // log Z, p(yₜ = k) in workspace.nodes, and the expected transitions added to dTransitions.
                        let logZ = workspace.run(emissions: UnsafeBufferPointer(sentence), length: length, transitions: exponentiated,
                                                 scores: scores, edgeCounts: edges)
                        total += logZ - scores.score(of: path, emissions: UnsafeBufferPointer(sentence))
                        for t in 0..<length {
                            let row = dE + (t * batch + b) * k
                            for tag in 0..<k { row[tag] = Float(workspace.nodes[t * k + tag]) }
                            row[path[t]] -= 1
                            if t > 0 { edges[path[t - 1] * k + path[t]] -= 1 }
                        }
                        for tag in 0..<k {
                            dStart[tag] += workspace.nodes[tag]
                            dEnd[tag] += workspace.nodes[(length - 1) * k + tag]
                        }
                        dStart[path[0]] -= 1
                        dEnd[path[length - 1]] -= 1
                    }
                }
            }
        }
        let tokens = lengths.reduce(0, +)
        let scale = reduction == .sum ? 1 : 1 / Double(max(tokens, 1))
        let result = Tensor(Float(total * scale))
        let gradients = (dEmissions, Tensor(shape: [k, k], scalars: dTransitions.map { Float($0) }),
                         Tensor(shape: [k], scalars: dStart.map { Float($0) }), Tensor(shape: [k], scalars: dEnd.map { Float($0) }))
        return Tensor.record(result, [emissions, transitions.value, start.value, end.value]) { gradient in
            let factor = gradient.scalar * Float(scale)
            return [gradients.0 * factor, gradients.1 * factor, gradients.2 * factor, gradients.3 * factor]
        }
    }

    /// The best tag sequence of each sentence (Viterbi), from emissions `[time, batch, tags]`.
    public func decode(emissions: Tensor, lengths: [Int]) -> [[Int]] {
        let (time, batch, k) = checkedShape(emissions, lengths: lengths)
        let scores = self.scores
        var sentence = [Double](repeating: 0, count: time * k)
        return withExtendedLifetime(emissions) {
            let source = emissions.unsafeBaseAddress
            return (0..<batch).map { b in
                for t in 0..<lengths[b] {
                    for tag in 0..<k { sentence[t * k + tag] = Double(source[(t * batch + b) * k + tag]) }
                }
                return sentence.withUnsafeBufferPointer { Viterbi.decode(emissions: $0, length: lengths[b], transitions: scores).path }
            }
        }
    }

    private func checkedShape(_ emissions: Tensor, lengths: [Int]) -> (time: Int, batch: Int, tags: Int) {
        precondition(emissions.rank == 3 && emissions.shape[2] == tagCount,
                     "CRFLayer: emissions must be [time, batch, \(tagCount)], got \(emissions.shape)")
        let (time, batch) = (emissions.shape[0], emissions.shape[1])
        precondition(lengths.count == batch && lengths.allSatisfy { $0 >= 0 && $0 <= time },
                     "CRFLayer: lengths \(lengths) do not fit [\(time), \(batch)]")
        return (time, batch, tagCount)
    }
}
