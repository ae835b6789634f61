import RecurrentTensor

/// Stochastic gradient descent with optional momentum and weight decay: PyTorch's
/// `torch.optim.SGD`, with the same defaults.
///
/// For each parameter `p` with gradient `g`, learning rate η, weight decay λ, momentum μ and
/// dampening τ:
///
/// ```
/// g ← g + λ·p                       if λ ≠ 0
/// if μ ≠ 0:
///     b ← g                         on the parameter's first step
///     b ← μ·b + (1 − τ)·g           afterwards
///     g ← g + μ·b                   with Nesterov momentum
///     g ← b                         without
/// p ← p − η·g
/// ```
///
/// State (with momentum only): `momentum_buffer.<name>`, shaped like the parameter. Like
/// PyTorch's SGD, it saves no step count.
public final class SGD: Optimizer {
    /// The step size η.
    public var learningRate: Float
    /// The momentum factor μ (0 disables momentum and its state).
    public let momentum: Double
    /// The dampening τ of the gradient added to the momentum buffer.
    public let dampening: Double
    /// The L2 penalty λ added to the gradient as `λ·p`.
    public let weightDecay: Double
    /// Whether to use Nesterov momentum, in PyTorch's formulation (the update above).
    public let nesterov: Bool
    public var stepCount = 0
    var state: OptimizerState

    public var parameters: [NamedParameter] { state.parameters }

    /// Creates the optimizer. Nesterov momentum needs `momentum > 0` and `dampening == 0`.
    public init(_ parameters: [NamedParameter], learningRate: Float = 1e-3, momentum: Double = 0,
                dampening: Double = 0, weightDecay: Double = 0, nesterov: Bool = false) {
        precondition(learningRate >= 0, "SGD: invalid learning rate \(learningRate)")
        precondition(momentum >= 0, "SGD: invalid momentum \(momentum)")
        precondition(weightDecay >= 0, "SGD: invalid weight decay \(weightDecay)")
        precondition(!nesterov || (momentum > 0 && dampening == 0), "SGD: Nesterov momentum requires a momentum and zero dampening")
        self.learningRate = learningRate
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        state = OptimizerState(parameters: parameters, slots: momentum != 0 ? [.init(name: "momentum_buffer")] : [],
                               savesStep: false)
    }

    public func step() {
        stepCount += 1
        let coefficients = Coefficients(negativeLearningRate: -learningRate, weightDecay: Float(weightDecay),
                                        momentum: Float(momentum), gradientWeight: Float(1 - dampening))
        let l2 = weightDecay != 0, hasMomentum = momentum != 0, nesterov = self.nesterov
        state.forEachParameterWithGradient { parameter, gradient, count, state in
            let buffer = hasMomentum ? state.buffers[0] : parameter, firstStep = state.step == 1
            withLiteral(l2) { l2 in
                withLiteral(hasMomentum) { momentum in
                    withLiteral(nesterov) { nesterov in
                        Self.update(count, parameter, gradient, buffer, coefficients, l2: l2, momentum: momentum, nesterov: nesterov,
                                    firstStep: firstStep)
                    }
                }
            }
        }
    }

    struct Coefficients {
        var negativeLearningRate: Float, weightDecay: Float, momentum: Float, gradientWeight: Float
    }

    /// The update of one parameter's elements, in the order of PyTorch's `_single_tensor_sgd`.
    @inline(__always)
    static func update(_ count: Int, _ parameter: UnsafeMutablePointer<Float>, _ gradient: UnsafePointer<Float>,
                       _ buffer: UnsafeMutablePointer<Float>, _ c: Coefficients, l2: Bool, momentum: Bool, nesterov: Bool,
                       firstStep: Bool) {
        for index in 0..<count {
            var direction = gradient[index]
            if l2 { direction = fusedMultiplyAdd(parameter[index], c.weightDecay, direction) }
            if momentum {
                buffer[index] = firstStep ? direction : fusedMultiplyAdd(direction, c.gradientWeight, buffer[index] * c.momentum)
                direction = nesterov ? fusedMultiplyAdd(buffer[index], c.momentum, direction) : buffer[index]
            }
            parameter[index] = fusedMultiplyAdd(direction, c.negativeLearningRate, parameter[index])
        }
    }

    public func stateTensors() -> [String: Tensor] { state.tensors() }

    public func loadState(_ saved: [String: Tensor]) throws { try state.load(saved) }
}
