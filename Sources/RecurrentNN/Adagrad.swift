import RecurrentTensor

/// Adagrad (Duchi, Hazan and Singer 2011): each coordinate's step shrinks with the sum of its
/// squared gradients. PyTorch's `torch.optim.Adagrad`, with the same defaults.
///
/// For each parameter `p` with gradient `g`, at the parameter's step t (from 1), learning rate
/// η, learning-rate decay δ, weight decay λ:
///
/// ```
/// g ← g + λ·p                       if λ ≠ 0
/// η_t = η / (1 + (t − 1)·δ)
/// s ← s + g²                        (s starts at the initial accumulator value)
/// p ← p − η_t · g / (√s + ε)
/// ```
///
/// State: `step.<name>` (a scalar) and `sum.<name>`, shaped like the parameter.
public final class Adagrad: Optimizer {
    /// The step size η before decay.
    public var learningRate: Float
    /// The learning-rate decay δ: the step at step t is η / (1 + (t − 1)·δ).
    public let learningRateDecay: Double
    /// The L2 penalty λ added to the gradient as `λ·p`.
    public let weightDecay: Double
    /// The value every coordinate's sum of squares starts from.
    public let initialAccumulatorValue: Float
    /// Added to √s, after the square root, for numerical stability.
    public let epsilon: Double
    public var stepCount = 0
    var state: OptimizerState

    public var parameters: [NamedParameter] { state.parameters }

    public init(_ parameters: [NamedParameter], learningRate: Float = 1e-2, learningRateDecay: Double = 0,
                weightDecay: Double = 0, initialAccumulatorValue: Float = 0, epsilon: Double = 1e-10) {
        precondition(learningRate >= 0, "Adagrad: invalid learning rate \(learningRate)")
        precondition(learningRateDecay >= 0, "Adagrad: invalid learning-rate decay \(learningRateDecay)")
        precondition(weightDecay >= 0, "Adagrad: invalid weight decay \(weightDecay)")
        precondition(initialAccumulatorValue >= 0, "Adagrad: invalid initial accumulator value \(initialAccumulatorValue)")
        precondition(epsilon >= 0, "Adagrad: invalid epsilon \(epsilon)")
        self.learningRate = learningRate
        self.learningRateDecay = learningRateDecay
        self.weightDecay = weightDecay
        self.initialAccumulatorValue = initialAccumulatorValue
        self.epsilon = epsilon
        state = OptimizerState(parameters: parameters, slots: [.init(name: "sum", initialValue: initialAccumulatorValue)])
    }

    public func step() {
        stepCount += 1
        let learningRate = pythonDouble(self.learningRate), learningRateDecay = self.learningRateDecay
        let weightDecay = Float(self.weightDecay), l2 = self.weightDecay != 0
        let epsilon = Float(self.epsilon)
        state.forEachParameterWithGradient { parameter, gradient, count, state in
            let decayedRate = learningRate / (1 + Double(state.step - 1) * learningRateDecay)
            let negativeRate = Float(-decayedRate), sum = state.buffers[0]
            withLiteral(l2) { l2 in Self.update(count, parameter, gradient, sum, negativeRate, weightDecay, epsilon, l2: l2) }
        }
    }

    /// The update of one parameter's elements, in the order of PyTorch's `_single_tensor_adagrad`.
    @inline(__always)
    static func update(_ count: Int, _ parameter: UnsafeMutablePointer<Float>, _ gradient: UnsafePointer<Float>,
                       _ sum: UnsafeMutablePointer<Float>, _ negativeRate: Float, _ weightDecay: Float, _ epsilon: Float, l2: Bool) {
        for index in 0..<count {
            var direction = gradient[index]
            if l2 { direction = fusedMultiplyAdd(parameter[index], weightDecay, direction) }
            sum[index] = fusedMultiplyAdd(direction, direction, sum[index])
            let standardDeviation = sum[index].magnitude.squareRoot() + epsilon
            parameter[index] = parameter[index] + negativeRate * direction / standardDeviation
        }
    }

    public func stateTensors() -> [String: Tensor] { state.tensors() }

    public func loadState(_ saved: [String: Tensor]) throws { try state.load(saved) }
}
