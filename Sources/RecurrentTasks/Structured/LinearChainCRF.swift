import Foundation

/// The marginals of a linear-chain CRF for one sentence: what the gradient of its
/// log-likelihood needs.
public struct CRFMarginals: Sendable {
    /// log Z = log Σ_y exp score(y), over all K^T paths.
    public var logPartition: Double
    /// `[time, tags]`: p(yₜ = k | x).
    public var nodes: [Double]
    /// `[from, to]`: Σₜ₌₁ p(yₜ₋₁ = i, yₜ = j | x), the expected count of each transition.
    public var edges: [Double]
}

/// A linear-chain conditional random field over emission scores `E [time, tags]` and
/// ``TransitionScores`` (Lafferty, McCallum and Pereira 2001):
///
///     p(y | x) = exp score(y) / Z,   score(y) = start[y₀] + Σₜ E[t, yₜ] + Σₜ A[yₜ₋₁, yₜ] + end[y_{T-1}]
///
/// Computed in log space (the forward algorithm with log-sum-exp, so any scores work):
///
///     α₀(y) = start[y] + E[0, y]
///     αₜ(y) = log Σᵧ′ exp(αₜ₋₁(y′) + A[y′, y]) + E[t, y]
///     β_{T-1}(y) = end[y]
///     βₜ(y) = log Σᵧ′ exp(A[y, y′] + E[t+1, y′] + βₜ₊₁(y′))
///     log Z = log Σᵧ exp(α_{T-1}(y) + end[y])
///     p(yₜ = k) = exp(αₜ(k) + βₜ(k) - log Z)
///     p(yₜ₋₁ = i, yₜ = j) = exp(αₜ₋₁(i) + A[i, j] + E[t, j] + βₜ(j) - log Z)
///
/// The gradient of the negative log-likelihood -log p(y | x) is "expected minus observed":
/// ∂/∂E[t, k] = p(yₜ = k) - [yₜ = k], ∂/∂A[i, j] = Σₜ p(yₜ₋₁ = i, yₜ = j) - #(i → j in y), and so on.
/// This is the reference implementation and the one for dense emission scores from a network;
/// ``ScaledForwardBackward`` is the fast path the sparse CRF trains with.
public enum LinearChainCRF {
    /// log Z by the forward algorithm alone.
    public static func logPartition(emissions: UnsafeBufferPointer<Double>, length: Int, transitions: TransitionScores) -> Double {
        let tags = transitions.tagCount
        guard length > 0 else { return 0 }
        let alpha = forward(emissions: emissions, length: length, transitions: transitions)
        return logSumExp((0..<tags).map { alpha[(length - 1) * tags + $0] + transitions.end[$0] })
    }

    /// log Z with the node and edge marginals.
    public static func marginals(emissions: UnsafeBufferPointer<Double>, length: Int, transitions: TransitionScores) -> CRFMarginals {
        let tags = transitions.tagCount
        guard length > 0 else { return CRFMarginals(logPartition: 0, nodes: [], edges: Array(repeating: 0, count: tags * tags)) }
        let alpha = forward(emissions: emissions, length: length, transitions: transitions)
        var beta = [Double](repeating: 0, count: length * tags)
        for tag in 0..<tags { beta[(length - 1) * tags + tag] = transitions.end[tag] }
        var terms = [Double](repeating: 0, count: tags)
        for time in stride(from: length - 2, through: 0, by: -1) {
            for from in 0..<tags {
                for to in 0..<tags {
                    terms[to] = transitions.transitions[from * tags + to] + emissions[(time + 1) * tags + to] + beta[(time + 1) * tags + to]
                }
                beta[time * tags + from] = logSumExp(terms)
            }
        }
        let logZ = logSumExp((0..<tags).map { alpha[(length - 1) * tags + $0] + transitions.end[$0] })
        var nodes = [Double](repeating: 0, count: length * tags)
        for index in 0..<(length * tags) { nodes[index] = exp(alpha[index] + beta[index] - logZ) }
        var edges = [Double](repeating: 0, count: tags * tags)
        for time in 1..<max(length, 1) {
            for from in 0..<tags {
                for to in 0..<tags {
                    edges[from * tags + to] += exp(alpha[(time - 1) * tags + from] + transitions.transitions[from * tags + to]
                                                   + emissions[time * tags + to] + beta[time * tags + to] - logZ)
                }
            }
        }
        return CRFMarginals(logPartition: logZ, nodes: nodes, edges: edges)
    }

    /// -log p(tags | x) and its gradient: `dEmissions [time, tags]` and `dTransitions`
    /// (expected minus observed counts).
    public static func negativeLogLikelihood(tags path: [Int], emissions: UnsafeBufferPointer<Double>, transitions: TransitionScores)
        -> (value: Double, dEmissions: [Double], dTransitions: TransitionScores) {
        let tags = transitions.tagCount, length = path.count
        let marginals = marginals(emissions: emissions, length: length, transitions: transitions)
        var dEmissions = marginals.nodes
        var dTransitions = TransitionScores(tagCount: tags, transitions: marginals.edges,
                                            start: Array(marginals.nodes.prefix(tags)),
                                            end: length > 0 ? Array(marginals.nodes[((length - 1) * tags)...]) : Array(repeating: 0, count: tags))
        for (time, tag) in path.enumerated() {
            dEmissions[time * tags + tag] -= 1
            if time > 0 { dTransitions.transitions[path[time - 1] * tags + tag] -= 1 }
        }
        if let first = path.first, let last = path.last {
            dTransitions.start[first] -= 1
            dTransitions.end[last] -= 1
        }
        let value = marginals.logPartition - transitions.score(of: path, emissions: emissions)
        return (value, dEmissions, dTransitions)
    }

    /// `[time, tags]`: the forward log-scores αₜ(y).
    static func forward(emissions: UnsafeBufferPointer<Double>, length: Int, transitions: TransitionScores) -> [Double] {
        let tags = transitions.tagCount
        var alpha = [Double](repeating: 0, count: length * tags)
        for tag in 0..<tags { alpha[tag] = transitions.start[tag] + emissions[tag] }
        var terms = [Double](repeating: 0, count: tags)
        for time in 1..<max(length, 1) {
            for to in 0..<tags {
                for from in 0..<tags { terms[from] = alpha[(time - 1) * tags + from] + transitions.transitions[from * tags + to] }
                alpha[time * tags + to] = logSumExp(terms) + emissions[time * tags + to]
            }
        }
        return alpha
    }
}

/// log Σ exp(values), computed stably (the maximum factored out); -inf for no values.
public func logSumExp(_ values: [Double]) -> Double {
    guard let maximum = values.max(), maximum > -Double.infinity else { return -Double.infinity }
    if maximum == .infinity { return .infinity }
    var sum = 0.0
    for value in values { sum += exp(value - maximum) }
    return maximum + log(sum)
}
