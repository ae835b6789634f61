import RecurrentTensor

/// AdamW (Loshchilov and Hutter 2019): ``Adam`` with weight decay decoupled from the gradient.
/// PyTorch's `torch.optim.AdamW`, with the same defaults (note λ = 0.01 by default).
///
/// For each parameter `p` with gradient `g`, at the parameter's step t (from 1), learning rate
/// η, decay rates β₁ and β₂, weight decay λ:
///
/// ```
/// p ← p·(1 − η·λ)                               decay the weights, not the gradient
/// m ← β₁·m + (1 − β₁)·g
/// v ← β₂·v + (1 − β₂)·g²
/// v̂ ← max(v̂, v)                                 AMSGrad only; v̂ replaces v below
/// p ← p − η/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)
/// ```
///
/// The moments never see λ, so the decay is the same for every coordinate whatever the scale of
/// its gradients, unlike Adam's L2 penalty. State keys are Adam's.
public final class AdamW: Optimizer {
    /// The step size η (also scales the weight decay, as in PyTorch).
    public var learningRate: Float
    /// The decay rates (β₁, β₂) of the first and second moment averages.
    public var betas: (Double, Double) { (rule.beta1, rule.beta2) }
    /// Added to the bias-corrected √v.
    public var epsilon: Double { rule.epsilon }
    /// The decoupled weight decay λ: each step multiplies the parameter by 1 − η·λ.
    public var weightDecay: Double { rule.weightDecay }
    /// Whether to divide by the running maximum of the second moment (AMSGrad).
    public var amsgrad: Bool { rule.amsgrad }
    public var stepCount = 0
    let rule: AdamRule
    var state: OptimizerState

    public var parameters: [NamedParameter] { state.parameters }

    public init(_ parameters: [NamedParameter], learningRate: Float = 1e-3, betas: (Double, Double) = (0.9, 0.999),
                epsilon: Double = 1e-8, weightDecay: Double = 1e-2, amsgrad: Bool = false) {
        precondition(learningRate >= 0, "AdamW: invalid learning rate \(learningRate)")
        self.learningRate = learningRate
        rule = AdamRule(beta1: betas.0, beta2: betas.1, epsilon: epsilon, weightDecay: weightDecay,
                        decoupledWeightDecay: true, amsgrad: amsgrad)
        state = OptimizerState(parameters: parameters, slots: rule.slots)
    }

    public func step() {
        stepCount += 1
        rule.step(&state, learningRate: learningRate)
    }

    public func stateTensors() -> [String: Tensor] { state.tensors() }

    public func loadState(_ saved: [String: Tensor]) throws { try state.load(saved) }
}
