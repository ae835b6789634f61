/// The optimizers by name, with the hyper-parameters a command line or a saved training run
/// gives them: for building an optimizer from a configuration.
public struct OptimizerSettings: Codable, Equatable, Sendable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case sgd, adagrad, rmsprop, adam, adamw

        /// PyTorch's default learning rate for the optimizer.
        public var defaultLearningRate: Float {
            switch self {
            case .sgd, .adagrad, .rmsprop: return 0.01
            case .adam, .adamw: return 0.001
            }
        }
    }

    public var kind: Kind
    public var learningRate: Float
    /// Momentum (SGD, RMSProp).
    public var momentum: Double
    /// Weight decay: L2 added to the gradient, except decoupled for AdamW (nil: the optimizer's default).
    public var weightDecay: Double?

    public init(kind: Kind = .adam, learningRate: Float? = nil, momentum: Double = 0, weightDecay: Double? = nil) {
        self.kind = kind
        self.learningRate = learningRate ?? kind.defaultLearningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
    }

    /// Why these settings are invalid, or nil.
    public var problem: String? {
        if !(learningRate > 0 && learningRate.isFinite) { return "the learning rate must be a positive number" }
        if !(momentum >= 0 && momentum < 1) { return "the momentum must be in [0, 1)" }
        if let weightDecay, !(weightDecay >= 0 && weightDecay.isFinite) { return "the weight decay must be >= 0" }
        return nil
    }

    /// A new optimizer over `parameters`.
    public func make(_ parameters: [NamedParameter]) -> any Optimizer {
        let decay = weightDecay ?? 0
        switch kind {
        case .sgd: return SGD(parameters, learningRate: learningRate, momentum: momentum, weightDecay: decay)
        case .adagrad: return Adagrad(parameters, learningRate: learningRate, weightDecay: decay)
        case .rmsprop: return RMSProp(parameters, learningRate: learningRate, weightDecay: decay, momentum: momentum)
        case .adam: return Adam(parameters, learningRate: learningRate, weightDecay: decay)
        case .adamw: return AdamW(parameters, learningRate: learningRate, weightDecay: weightDecay ?? 0.01)
        }
    }
}
