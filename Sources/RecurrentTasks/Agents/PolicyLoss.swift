import Foundation
import RecurrentTensor

/// The loss an actor-critic update minimizes on a minibatch of rollout steps, and what it
/// reports. With log-probabilities log π(a_t) of the actions taken under the current policy,
/// advantages A_t, returns R_t, values V(s_t) and entropy H(π(·|s_t)):
///
///     policy gradient (REINFORCE, A2C):  L_π = −mean(A_t · log π(a_t))
///     PPO clipped:  ρ_t = exp(log π(a_t) − log π_old(a_t))
///                   L_π = mean(max(−A_t ρ_t, −A_t · clip(ρ_t, 1 − ε, 1 + ε)))
///     value:        L_V = ½ mean((V(s_t) − R_t)²), or with clipping (PPO, optional)
///                   ½ mean(max((V − R)², (V_old + clip(V − V_old, −ε_V, ε_V) − R)²))
///     entropy:      H = mean(−Σ_a π(a) log π(a))
///     total:        L = L_π + c_V · L_V − c_H · H
///
/// At ρ = 1 (the first minibatch of PPO's first epoch) the clipped objective's gradient is the
/// plain policy gradient's: dρ = ρ · d log π.
public struct PolicyLoss {
    public enum Objective: Equatable, Sendable {
        case policyGradient
        /// PPO's clipped surrogate with clip range ε.
        case clipped(Float)
    }

    public var total: Tensor
    public var policy: Float, value: Float, entropy: Float
    /// The approximate KL divergence mean((ρ − 1) − log ρ) between the old and new policies,
    /// and the fraction of steps whose ratio was clipped (0 for the plain policy gradient).
    public var approximateKL: Float, clipFraction: Float

    /// - Parameters:
    ///   - logits: `[n, actions]`; values: `[n]` (both with gradients).
    ///   - actions, oldLogProbabilities, advantages, returns, oldValues: `n` each.
    ///   - valueClip: ε_V, or nil for the plain squared error.
    public init(logits: Tensor, values: Tensor, actions: [Int], oldLogProbabilities: [Float], advantages: [Float],
                returns: [Float], oldValues: [Float], objective: Objective, valueClip: Float?, valueCoefficient: Float,
                entropyCoefficient: Float) {
        let n = actions.count
        precondition(logits.rank == 2 && logits.shape[0] == n && values.shape == [n], "PolicyLoss: shapes do not match \(n) steps")
        let logProbabilities = logits.logSoftmax()
        let taken = logProbabilities.gather(alongAxis: 1, indices: actions)  // [n]
        let advantage = Tensor(advantages)
        let policyLoss: Tensor
        switch objective {
        case .policyGradient:
            policyLoss = -(advantage * taken).mean()
            approximateKL = 0
            clipFraction = 0
        case .clipped(let epsilon):
            let ratio = (taken - Tensor(oldLogProbabilities)).exp()
            let unclipped = -(advantage * ratio)
            let clipped = -(advantage * ratio.clamped(to: (1 - epsilon)...(1 + epsilon)))
            policyLoss = Self.elementwiseMax(unclipped, clipped).mean()
            let ratios = ratio.scalars
            approximateKL = ratios.reduce(0) { $0 + ($1 - 1) - Foundation.log($1) } / Float(Swift.max(n, 1))
            clipFraction = Float(ratios.filter { Swift.abs($0 - 1) > epsilon }.count) / Float(Swift.max(n, 1))
        }
        let target = Tensor(returns)
        var squaredError = (values - target).squared()
        if let valueClip {
            let old = Tensor(oldValues)
            let clippedValues = old + (values - old).clamped(to: -valueClip...valueClip)
            squaredError = Self.elementwiseMax(squaredError, (clippedValues - target).squared())
        }
        let valueLoss = 0.5 * squaredError.mean()
        let entropy = -(logProbabilities.exp() * logProbabilities).sum(alongAxis: 1).mean()
        total = policyLoss + valueCoefficient * valueLoss - entropyCoefficient * entropy
        policy = policyLoss.scalar
        value = valueLoss.scalar
        self.entropy = entropy.scalar
    }

    /// max(a, b) elementwise, differentiable: b + (a − b) · [a ≥ b], the indicator a constant, so
    /// the gradient flows to whichever is larger (to a at ties).
    static func elementwiseMax(_ a: Tensor, _ b: Tensor) -> Tensor {
        let pick = Tensor(shape: a.shape, scalars: zip(a.scalars, b.scalars).map { $0 >= $1 ? 1 : 0 })
        return b + (a - b) * pick
    }
}
