/// Generalized advantage estimation (Schulman et al. 2016): with the TD error
///
///     δ_t = r_t + γ · V(s_{t+1}) · (1 − done_t) − V(s_t)
///
/// the advantage is the exponentially weighted sum of the TD errors that follow,
///
///     A_t = δ_t + γλ · (1 − done_t) · A_{t+1},
///
/// computed backwards over the segment, with V(s_T) the value after the last step. λ = 1 gives the
/// Monte-Carlo return minus the baseline (REINFORCE, A2C's n-step return); λ = 0 the one-step TD
/// error. The critic's target is the return `A_t + V(s_t)`. An episode that ended at step t (done)
/// contributes nothing from beyond it; a truncated episode's reward already holds γ · V(final
/// observation) (see ``Rollout/rewards``).
public enum GeneralizedAdvantage {
    /// Time-major arrays `[time · copies]`; `lastValues` `[copies]`. Returns (advantages, returns).
    public static func estimate(rewards: [Float], values: [Float], dones: [Bool], lastValues: [Float], copies: Int,
                                discount: Float, lambda: Float) -> (advantages: [Float], returns: [Float]) {
        precondition(copies >= 1 && rewards.count == values.count && rewards.count == dones.count && rewards.count % copies == 0
                     && lastValues.count == copies, "GeneralizedAdvantage: inconsistent sizes")
        let time = rewards.count / copies
        var advantages = [Float](repeating: 0, count: rewards.count)
        for copy in 0..<copies {
            var nextValue = lastValues[copy], nextAdvantage: Float = 0
            for t in stride(from: time - 1, through: 0, by: -1) {
                let index = t * copies + copy
                let continues: Float = dones[index] ? 0 : 1
                let delta = rewards[index] + discount * nextValue * continues - values[index]
                nextAdvantage = delta + discount * lambda * continues * nextAdvantage
                advantages[index] = nextAdvantage
                nextValue = values[index]
            }
        }
        return (advantages, zip(advantages, values).map { $0 + $1 })
    }
}
