import Foundation

/// ``TransitionScores`` exponentiated once, for many sentences: `exp(A - shift)` with the
/// largest score as the shift, so nothing overflows (Rabiner's scaling, applied to a CRF).
public struct ExponentiatedTransitions: Sendable {
    public let tagCount: Int
    public var transitions: [Double], start: [Double], end: [Double]
    /// `[to, from]`: the transposed `transitions`, so the backward pass reads rows.
    public var transposed: [Double]
    public var transitionShift: Double, startShift: Double, endShift: Double

    public init(_ scores: TransitionScores) {
        tagCount = scores.tagCount
        func exponentiate(_ values: [Double]) -> ([Double], Double) {
            let shift = values.max() ?? 0
            let finiteShift = shift.isFinite ? shift : 0
            return (values.map { exp($0 - finiteShift) }, finiteShift)
        }
        (transitions, transitionShift) = exponentiate(scores.transitions)
        (start, startShift) = exponentiate(scores.start)
        (end, endShift) = exponentiate(scores.end)
        let k = scores.tagCount, exponentiated = transitions
        transposed = (0..<(k * k)).map { exponentiated[($0 % k) * k + $0 / k] }
    }
}

/// Forward-backward for a linear-chain CRF in probability space with a normalizer per
/// position: the same results as ``LinearChainCRF/marginals(emissions:length:transitions:)``
/// without a logarithm or exponential inside the O(T·K²) loops, which makes CRF training several
/// times faster. Each position's emissions are shifted by their maximum before `exp`, and the
/// forward vector is renormalized to sum to one (cₜ is that sum):
///
///     α̂₀ = start ∘ e₀ / c₀,    α̂ₜ = (α̂ₜ₋₁ · A) ∘ eₜ / cₜ,    c_end = α̂_{T-1} · end
///     β̂_{T-1} = end / c_end,   β̂ₜ = A · (eₜ₊₁ ∘ β̂ₜ₊₁) / cₜ₊₁
///     log Z = Σₜ (log cₜ + maxₖ E[t, k]) + log c_end + the transition shifts
///     p(yₜ = k) = α̂ₜ(k) β̂ₜ(k),   p(yₜ₋₁ = i, yₜ = j) = α̂ₜ₋₁(i) A[i, j] eₜ(j) β̂ₜ(j) / cₜ
///
/// Should a normalizer underflow (scores spread over more than ~700 nats inside one sentence),
/// the sentence is recomputed in log space. A workspace: reuse one per thread.
public final class ScaledForwardBackward {
    public let tagCount: Int
    private var capacity = 0
    private var expEmissions: [Double] = [], alpha: [Double] = [], beta: [Double] = [], scales: [Double] = []
    /// `[time, tags]` after ``run(emissions:length:transitions:scores:edgeCounts:)``: p(yₜ = k | x).
    public private(set) var nodes: [Double] = []
    private var scratch: [Double]

    public init(tagCount: Int) {
        self.tagCount = tagCount
        scratch = Array(repeating: 0, count: tagCount)
    }

    private func reserve(_ length: Int) {
        guard length > capacity else { return }
        capacity = max(length, capacity * 2)
        let size = capacity * tagCount
        expEmissions = Array(repeating: 0, count: size)
        alpha = Array(repeating: 0, count: size)
        beta = Array(repeating: 0, count: size)
        nodes = Array(repeating: 0, count: size)
        scales = Array(repeating: 0, count: capacity)
    }

    /// Runs forward-backward on `emissions [length, tags]`, leaving p(yₜ = k) in ``nodes`` and
    /// adding the expected transition counts to `edgeCounts [tags, tags]`; returns log Z.
    /// `scores` are the unexponentiated transitions (for the log-space fallback).
    @discardableResult
    public func run(emissions: UnsafeBufferPointer<Double>, length: Int, transitions: ExponentiatedTransitions,
                    scores: TransitionScores, edgeCounts: UnsafeMutableBufferPointer<Double>) -> Double {
        guard length > 0 else { return 0 }
        reserve(length)
        let tags = tagCount
        var logZ = transitions.startShift + Double(length - 1) * transitions.transitionShift + transitions.endShift
        var healthy = true
        expEmissions.withUnsafeMutableBufferPointer { e in
        alpha.withUnsafeMutableBufferPointer { alpha in
        beta.withUnsafeMutableBufferPointer { beta in
        scales.withUnsafeMutableBufferPointer { c in
        transitions.transitions.withUnsafeBufferPointer { matrix in
            for time in 0..<length {
                var maximum = -Double.infinity
                for tag in 0..<tags { maximum = max(maximum, emissions[time * tags + tag]) }
                if !maximum.isFinite { maximum = 0 }
                for tag in 0..<tags { e[time * tags + tag] = exp(emissions[time * tags + tag] - maximum) }
                logZ += maximum
            }
            // Forward.
            var sum = 0.0
            for tag in 0..<tags {
                alpha[tag] = transitions.start[tag] * e[tag]
                sum += alpha[tag]
            }
            c[0] = sum
            for time in 0..<length {
                if time > 0 {
                    let previous = (time - 1) * tags, current = time * tags
                    for tag in 0..<tags { alpha[current + tag] = 0 }
                    for from in 0..<tags {
                        let weight = alpha[previous + from]
                        if weight == 0 { continue }
                        for to in 0..<tags { alpha[current + to] += weight * matrix[from * tags + to] }
                    }
                    sum = 0
                    for tag in 0..<tags {
                        alpha[current + tag] *= e[current + tag]
                        sum += alpha[current + tag]
                    }
                    c[time] = sum
                }
                guard c[time] > 0, c[time].isFinite else { healthy = false; return }
                let inverse = 1 / c[time]
                for tag in 0..<tags { alpha[time * tags + tag] *= inverse }
                logZ += log(c[time])
            }
            var endSum = 0.0
            for tag in 0..<tags { endSum += alpha[(length - 1) * tags + tag] * transitions.end[tag] }
            guard endSum > 0, endSum.isFinite else { healthy = false; return }
            logZ += log(endSum)
            // Backward.
            for tag in 0..<tags { beta[(length - 1) * tags + tag] = transitions.end[tag] / endSum }
            scratch.withUnsafeMutableBufferPointer { weighted in
                for time in stride(from: length - 2, through: 0, by: -1) {
                    let next = (time + 1) * tags, inverse = 1 / c[time + 1]
                    for to in 0..<tags { weighted[to] = e[next + to] * beta[next + to] * inverse }
                    for from in 0..<tags { beta[time * tags + from] = 0 }
                    transitions.transposed.withUnsafeBufferPointer { transposed in
                        for to in 0..<tags {
                            let weight = weighted[to]
                            for from in 0..<tags { beta[time * tags + from] += transposed[to * tags + from] * weight }
                        }
                    }
                    // Expected transitions into position time + 1.
                    for from in 0..<tags {
                        let weight = alpha[time * tags + from]
                        if weight == 0 { continue }
                        for to in 0..<tags { edgeCounts[from * tags + to] += weight * matrix[from * tags + to] * weighted[to] }
                    }
                }
            }
            nodes.withUnsafeMutableBufferPointer { nodes in
                for index in 0..<(length * tags) { nodes[index] = alpha[index] * beta[index] }
            }
        }}}}}
        if healthy { return logZ }
        let exact = LinearChainCRF.marginals(emissions: emissions, length: length, transitions: scores)
        for index in 0..<(length * tags) { nodes[index] = exact.nodes[index] }
        for index in 0..<(tags * tags) { edgeCounts[index] += exact.edges[index] }
        return exact.logPartition
    }
}
