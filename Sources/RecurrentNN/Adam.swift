#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CRecurrentKernels
import RecurrentTensor

/// Adam (Kingma and Ba 2015), optionally AMSGrad (Reddi et al. 2018): steps scaled by
/// bias-corrected moving averages of the gradient and its square. PyTorch's `torch.optim.Adam`,
/// with the same defaults.
///
/// For each parameter `p` with gradient `g`, at the parameter's step t (from 1), learning rate
/// η, decay rates β₁ and β₂, weight decay λ:
///
/// ```
/// g ← g + λ·p                                   if λ ≠ 0 (L2 penalty; see AdamW for decoupled decay)
/// m ← β₁·m + (1 − β₁)·g
/// v ← β₂·v + (1 − β₂)·g²
/// v̂ ← max(v̂, v)                                 AMSGrad only; v̂ replaces v below
/// p ← p − η/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)
/// ```
///
/// As in PyTorch, ε is added after the second moment's bias correction, not to √v before it
/// (the paper's "efficient" form); the two differ when gradients are small.
///
/// State: `step.<name>`, `exp_avg.<name>` (m), `exp_avg_sq.<name>` (v), and with AMSGrad
/// `max_exp_avg_sq.<name>` (v̂); all but the step shaped like the parameter.
public final class Adam: Optimizer {
    /// The step size η.
    public var learningRate: Float
    /// The decay rates (β₁, β₂) of the first and second moment averages.
    public var betas: (Double, Double) { (rule.beta1, rule.beta2) }
    /// Added to the bias-corrected √v.
    public var epsilon: Double { rule.epsilon }
    /// The L2 penalty λ added to the gradient as `λ·p`.
    public var weightDecay: Double { rule.weightDecay }
    /// Whether to divide by the running maximum of the second moment (AMSGrad).
    public var amsgrad: Bool { rule.amsgrad }
    public var stepCount = 0
    let rule: AdamRule
    var state: OptimizerState

    public var parameters: [NamedParameter] { state.parameters }

    public init(_ parameters: [NamedParameter], learningRate: Float = 1e-3, betas: (Double, Double) = (0.9, 0.999),
                epsilon: Double = 1e-8, weightDecay: Double = 0, amsgrad: Bool = false) {
        precondition(learningRate >= 0, "Adam: invalid learning rate \(learningRate)")
        self.learningRate = learningRate
        rule = AdamRule(beta1: betas.0, beta2: betas.1, epsilon: epsilon, weightDecay: weightDecay,
                        decoupledWeightDecay: false, amsgrad: amsgrad)
        state = OptimizerState(parameters: parameters, slots: rule.slots)
    }

    public func step() {
        stepCount += 1
        rule.step(&state, learningRate: learningRate)
    }

    public func stateTensors() -> [String: Tensor] { state.tensors() }

    public func loadState(_ saved: [String: Tensor]) throws { try state.load(saved) }
}

/// The update shared by ``Adam`` and ``AdamW``: PyTorch's `_single_tensor_adam`, whose
/// `decoupled_weight_decay` flag is the only difference between the two.
struct AdamRule {
    var beta1: Double, beta2: Double, epsilon: Double, weightDecay: Double
    var decoupledWeightDecay: Bool, amsgrad: Bool

    init(beta1: Double, beta2: Double, epsilon: Double, weightDecay: Double, decoupledWeightDecay: Bool, amsgrad: Bool) {
        precondition(beta1 >= 0 && beta1 < 1, "Adam: invalid β₁ \(beta1)")
        precondition(beta2 >= 0 && beta2 < 1, "Adam: invalid β₂ \(beta2)")
        precondition(epsilon >= 0, "Adam: invalid epsilon \(epsilon)")
        precondition(weightDecay >= 0, "Adam: invalid weight decay \(weightDecay)")
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupledWeightDecay = decoupledWeightDecay
        self.amsgrad = amsgrad
    }

    var slots: [OptimizerState.Slot] {
        [.init(name: "exp_avg"), .init(name: "exp_avg_sq")] + (amsgrad ? [.init(name: "max_exp_avg_sq")] : [])
    }

    /// One step over every parameter with a gradient. Scalars are computed in double precision
    /// and rounded to Float where PyTorch hands a Python float to a Float32 kernel.
    func step(_ state: inout OptimizerState, learningRate: Float) {
        let learningRate = pythonDouble(learningRate)
        let shared = rk_adam_step(
            weight_decay: Float(weightDecay), decay_factor: Float(1 - learningRate * weightDecay),
            one_minus_beta1: Float(1 - beta1), beta2: Float(beta2), one_minus_beta2: Float(1 - beta2),
            epsilon: Float(epsilon), negative_step_size: 0, bias_correction2_root: 0,
            l2: weightDecay != 0 && !decoupledWeightDecay ? 1 : 0, decoupled: weightDecay != 0 && decoupledWeightDecay ? 1 : 0,
            amsgrad: amsgrad ? 1 : 0)
        state.forEachParameterWithGradient { parameter, gradient, count, state in
            let step = Double(state.step)
            var coefficients = shared
            coefficients.negative_step_size = Float(-(learningRate / (1 - pow(beta1, step))))
            coefficients.bias_correction2_root = Float((1 - pow(beta2, step)).squareRoot())
            let buffers = state.buffers
            rk_adam_update(count, parameter, gradient, buffers[0], buffers[1], amsgrad ? buffers[2] : nil, &coefficients)
        }
    }
}
