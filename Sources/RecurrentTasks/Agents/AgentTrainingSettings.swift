import RecurrentNN

/// Everything that defines an agent's training run: the environment, the policy, the algorithm
/// and its hyper-parameters. Values left nil take the algorithm's default (``resolved``), which
/// the CLI's help lists.
///
/// | | REINFORCE | A2C | PPO |
/// |---|---|---|---|
/// | steps per copy per update | 128 | 8 | 32 |
/// | epochs × minibatches | 1 × 1 | 1 × 1 | 20 × 2 |
/// | learning rate (linear decay to 0) | 1e-3 | 1e-3 | 1e-3 |
/// | γ, λ | 0.99, 1 | 0.99, 1 | 0.98, 0.8 |
/// | advantages normalized | yes | no | yes |
///
/// Common: Adam (ε 1e-5), gradient norm clipped to 0.5, value coefficient 0.5, entropy
/// coefficient 0. PPO: clip range 0.2 (decaying with the learning rate). The PPO values are those
/// of the RL Baselines3 Zoo for CartPole and CartPole without velocities.
public struct AgentTrainingSettings: Codable, Equatable, Sendable {
    public enum Algorithm: String, Codable, Sendable, CaseIterable {
        case reinforce, a2c, ppo
    }

    public var environment: EnvironmentSettings
    public var policy: PolicySettings
    public var algorithm: Algorithm
    /// Environment steps in total (over all copies).
    public var totalSteps: Int
    /// Environment copies stepped together.
    public var copies: Int
    public var rolloutSteps: Int?
    public var epochs: Int?
    public var minibatches: Int?
    public var learningRate: Float?
    /// Whether the learning rate (and PPO's clip range) decay linearly to 0 over the run.
    public var annealLearningRate: Bool
    public var discount: Float?
    public var lambda: Float?
    public var clipRange: Float
    public var valueClip: Float?
    public var entropyCoefficient: Float
    public var valueCoefficient: Float
    public var maxGradientNorm: Float?
    public var normalizeAdvantages: Bool?
    public var seed: UInt64

    public static let defaultTotalSteps = 200_000
    public static let defaultCopies = 16

    public init(environment: EnvironmentSettings, policy: PolicySettings = PolicySettings(), algorithm: Algorithm = .ppo,
                totalSteps: Int = defaultTotalSteps, copies: Int = defaultCopies, seed: UInt64 = 0) {
        self.environment = environment
        self.policy = policy
        self.algorithm = algorithm
        self.totalSteps = totalSteps
        self.copies = copies
        annealLearningRate = true
        clipRange = 0.2
        entropyCoefficient = 0
        valueCoefficient = 0.5
        maxGradientNorm = 0.5
        self.seed = seed
    }

    /// The values an algorithm uses when the settings leave them nil.
    public struct Resolved: Equatable, Sendable {
        public var rolloutSteps: Int, epochs: Int, minibatches: Int
        public var learningRate: Float, discount: Float, lambda: Float
        public var normalizeAdvantages: Bool
    }

    public static func defaults(for algorithm: Algorithm) -> Resolved {
        switch algorithm {
        case .reinforce:
            return Resolved(rolloutSteps: 128, epochs: 1, minibatches: 1, learningRate: 1e-3, discount: 0.99, lambda: 1,
                            normalizeAdvantages: true)
        case .a2c:
            return Resolved(rolloutSteps: 8, epochs: 1, minibatches: 1, learningRate: 1e-3, discount: 0.99, lambda: 1,
                            normalizeAdvantages: false)
        case .ppo:
            return Resolved(rolloutSteps: 32, epochs: 20, minibatches: 2, learningRate: 1e-3, discount: 0.98, lambda: 0.8,
                            normalizeAdvantages: true)
        }
    }

    public var resolved: Resolved {
        let base = Self.defaults(for: algorithm)
        return Resolved(rolloutSteps: rolloutSteps ?? base.rolloutSteps, epochs: epochs ?? base.epochs,
                        minibatches: minibatches ?? base.minibatches, learningRate: learningRate ?? base.learningRate,
                        discount: discount ?? base.discount, lambda: lambda ?? base.lambda,
                        normalizeAdvantages: normalizeAdvantages ?? base.normalizeAdvantages)
    }

    /// Why these settings are invalid (named as the CLI's flags), or nil.
    public var problem: String? {
        if let problem = environment.problem { return problem }
        if let problem = policy.problem { return problem }
        let values = resolved
        if !(1...1_000_000_000).contains(totalSteps) { return "--steps must be in 1...1000000000" }
        if !(1...4096).contains(copies) { return "--envs must be in 1...4096" }
        if !(1...100_000).contains(values.rolloutSteps) { return "--rollout must be in 1...100000" }
        if !(1...1000).contains(values.epochs) { return "--epochs must be in 1...1000" }
        if !(1...copies).contains(values.minibatches) { return "--minibatches must be in 1...\(copies) (the number of environment copies)" }
        if !(values.learningRate > 0 && values.learningRate.isFinite) { return "--lr must be a positive number" }
        if !(values.discount >= 0 && values.discount <= 1) { return "--gamma must be in [0, 1]" }
        if !(values.lambda >= 0 && values.lambda <= 1) { return "--gae-lambda must be in [0, 1]" }
        if !(clipRange > 0 && clipRange.isFinite) { return "--clip must be a positive number" }
        if let valueClip, !(valueClip > 0 && valueClip.isFinite) { return "--value-clip must be a positive number" }
        if !(entropyCoefficient >= 0 && entropyCoefficient.isFinite) { return "--entropy must be >= 0" }
        if !(valueCoefficient >= 0 && valueCoefficient.isFinite) { return "--value-coefficient must be >= 0" }
        if let maxGradientNorm, !(maxGradientNorm > 0 && maxGradientNorm.isFinite) { return "--clip-grad must be a positive number" }
        return nil
    }
}
