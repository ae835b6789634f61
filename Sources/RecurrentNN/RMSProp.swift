import RecurrentTensor

/// RMSProp (Tieleman and Hinton 2012): steps scaled by a moving average of squared gradients.
/// PyTorch's `torch.optim.RMSprop`, with the same defaults.
///
/// For each parameter `p` with gradient `g`, learning rate η, smoothing α, weight decay λ and
/// momentum μ:
///
/// ```
/// g ← g + λ·p                       if λ ≠ 0
/// v ← α·v + (1 − α)·g²
/// d ← √v + ε                        plain
/// ḡ ← α·ḡ + (1 − α)·g               centered: also average the gradient, and
/// d ← √(v − ḡ²) + ε                 divide by an estimate of its standard deviation
/// b ← μ·b + g / d,  p ← p − η·b     if μ > 0
/// p ← p − η·g / d                   otherwise
/// ```
///
/// State: `step.<name>`, `square_avg.<name>`, and with momentum `momentum_buffer.<name>`,
/// when centered `grad_avg.<name>`; all but the step shaped like the parameter.
public final class RMSProp: Optimizer {
    /// The step size η.
    public var learningRate: Float
    /// The smoothing constant α of the moving averages.
    public let alpha: Double
    /// Added to the root mean square, after the square root.
    public let epsilon: Double
    /// The L2 penalty λ added to the gradient as `λ·p`.
    public let weightDecay: Double
    /// The momentum factor μ (0: no momentum buffer).
    public let momentum: Double
    /// Whether to normalize by the gradient's estimated variance instead of its second moment.
    public let centered: Bool
    public var stepCount = 0
    var state: OptimizerState

    public var parameters: [NamedParameter] { state.parameters }

    public init(_ parameters: [NamedParameter], learningRate: Float = 1e-2, alpha: Double = 0.99, epsilon: Double = 1e-8,
                weightDecay: Double = 0, momentum: Double = 0, centered: Bool = false) {
        precondition(learningRate >= 0, "RMSProp: invalid learning rate \(learningRate)")
        precondition(alpha >= 0, "RMSProp: invalid alpha \(alpha)")
        precondition(epsilon >= 0, "RMSProp: invalid epsilon \(epsilon)")
        precondition(weightDecay >= 0, "RMSProp: invalid weight decay \(weightDecay)")
        precondition(momentum >= 0, "RMSProp: invalid momentum \(momentum)")
        self.learningRate = learningRate
        self.alpha = alpha
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.momentum = momentum
        self.centered = centered
        // Slot order is PyTorch's state order: square_avg, momentum_buffer, grad_avg.
        var slots: [OptimizerState.Slot] = [.init(name: "square_avg")]
        if momentum > 0 { slots.append(.init(name: "momentum_buffer")) }
        if centered { slots.append(.init(name: "grad_avg")) }
        state = OptimizerState(parameters: parameters, slots: slots)
    }

    public func step() {
        stepCount += 1
        let coefficients = Coefficients(
            negativeLearningRate: -learningRate, weightDecay: Float(weightDecay), alpha: Float(alpha),
            oneMinusAlpha: Float(1 - alpha), epsilon: Float(epsilon), momentum: Float(momentum))
        let l2 = weightDecay != 0, hasMomentum = momentum > 0, centered = self.centered
        state.forEachParameterWithGradient { parameter, gradient, count, state in
            let buffers = state.buffers
            withLiteral(l2) { l2 in
                withLiteral(hasMomentum) { momentum in
                    withLiteral(centered) { centered in
                        Self.update(count, parameter, gradient, buffers, coefficients, l2: l2, momentum: momentum, centered: centered)
                    }
                }
            }
        }
    }

    struct Coefficients {
        var negativeLearningRate: Float, weightDecay: Float, alpha: Float, oneMinusAlpha: Float, epsilon: Float, momentum: Float
    }

    /// The update of one parameter's elements, in the order of PyTorch's `_single_tensor_rmsprop`.
    /// `buffers` are square_avg, then momentum_buffer if `momentum`, then grad_avg if `centered`.
    @inline(__always)
    static func update(_ count: Int, _ parameter: UnsafeMutablePointer<Float>, _ gradient: UnsafePointer<Float>,
                       _ buffers: [UnsafeMutablePointer<Float>], _ c: Coefficients, l2: Bool, momentum: Bool, centered: Bool) {
        let squareAverage = buffers[0]
        let momentumBuffer = buffers[momentum ? 1 : 0], gradientAverage = buffers[centered ? buffers.count - 1 : 0]
        for index in 0..<count {
            var direction = gradient[index]
            if l2 { direction = fusedMultiplyAdd(parameter[index], c.weightDecay, direction) }
            squareAverage[index] = fusedMultiplyAdd(c.oneMinusAlpha * direction, direction, squareAverage[index] * c.alpha)
            var rootMeanSquare: Float
            if centered {
                gradientAverage[index] = lerp(gradientAverage[index], direction, c.oneMinusAlpha)
                let mean = gradientAverage[index]
                // v − ḡ² ≥ 0 in exact arithmetic but can round below zero: NaN then, as sqrt gives.
                let variance = fusedMultiplyAdd(-mean, mean, squareAverage[index])
                rootMeanSquare = (variance < 0 ? .nan : variance).magnitude.squareRoot()
            } else {
                rootMeanSquare = squareAverage[index].magnitude.squareRoot()
            }
            rootMeanSquare = rootMeanSquare + c.epsilon
            if momentum {
                momentumBuffer[index] = momentumBuffer[index] * c.momentum + direction / rootMeanSquare
                parameter[index] = fusedMultiplyAdd(momentumBuffer[index], c.negativeLearningRate, parameter[index])
            } else {
                parameter[index] = parameter[index] + c.negativeLearningRate * direction / rootMeanSquare
            }
        }
    }

    public func stateTensors() -> [String: Tensor] { state.tensors() }

    public func loadState(_ saved: [String: Tensor]) throws { try state.load(saved) }
}
