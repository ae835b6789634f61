#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
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
        let l2 = weightDecay != 0 && !decoupledWeightDecay, decoupled = weightDecay != 0 && decoupledWeightDecay
        let amsgrad = self.amsgrad
        let shared = Coefficients(
            weightDecay: Float(weightDecay), decayFactor: Float(1 - learningRate * weightDecay),
            oneMinusBeta1: Float(1 - beta1), beta2: Float(beta2), oneMinusBeta2: Float(1 - beta2),
            epsilon: Float(epsilon), negativeStepSize: 0, biasCorrection2Root: 0)
        state.forEachParameterWithGradient { parameter, gradient, count, state in
            let step = Double(state.step)
            var coefficients = shared
            coefficients.negativeStepSize = Float(-(learningRate / (1 - pow(beta1, step))))
            coefficients.biasCorrection2Root = Float((1 - pow(beta2, step)).squareRoot())
            let buffers = state.buffers
            withLiteral(l2) { l2 in
                withLiteral(decoupled) { decoupled in
                    withLiteral(amsgrad) { amsgrad in
                        Self.update(count, parameter, gradient, buffers, coefficients, l2: l2, decoupled: decoupled, amsgrad: amsgrad)
                    }
                }
            }
        }
    }

    struct Coefficients {
        var weightDecay: Float, decayFactor: Float, oneMinusBeta1: Float, beta2: Float, oneMinusBeta2: Float
        var epsilon: Float, negativeStepSize: Float, biasCorrection2Root: Float
    }

    /// The update of one parameter's elements, in the order of PyTorch's `_single_tensor_adam`.
    @inline(__always)
    static func update(_ count: Int, _ parameter: UnsafeMutablePointer<Float>, _ gradient: UnsafePointer<Float>,
                       _ buffers: [UnsafeMutablePointer<Float>], _ c: Coefficients, l2: Bool, decoupled: Bool, amsgrad: Bool) {
        let expAvg = buffers[0], expAvgSq = buffers[1], maxExpAvgSq = amsgrad ? buffers[2] : buffers[1]
        for index in 0..<count {
            var direction = gradient[index]
            if decoupled { parameter[index] = parameter[index] * c.decayFactor }
            if l2 { direction = fusedMultiplyAdd(parameter[index], c.weightDecay, direction) }
            expAvg[index] = lerp(expAvg[index], direction, c.oneMinusBeta1)
            expAvgSq[index] = fusedMultiplyAdd(c.oneMinusBeta2 * direction, direction, expAvgSq[index] * c.beta2)
            var secondMoment = expAvgSq[index]
            if amsgrad {
                maxExpAvgSq[index] = Swift.max(maxExpAvgSq[index], secondMoment)
                secondMoment = maxExpAvgSq[index]
            }
            let denominator = secondMoment.magnitude.squareRoot() / c.biasCorrection2Root + c.epsilon
            parameter[index] = parameter[index] + c.negativeStepSize * expAvg[index] / denominator
        }
    }
}
