import RecurrentTensor

/// A batch of copies of one reinforcement-learning environment, stepped together: the policy
/// acts on all of them at once, so a step of the batch is one forward pass of the network.
///
/// The protocol follows Gymnasium's vector environments with automatic reset (as
/// Stable-Baselines3's `VecEnv`): when a copy's episode ends (it is `terminated`, a natural end
/// such as the pole falling, or `truncated`, cut by a time limit), the copy starts a new episode at
/// once, the observation returned for it is the new episode's first, and the last observation of
/// the episode that ended is kept in ``EnvironmentStep/finalObservations`` (a truncated episode's
/// value is bootstrapped from it).
///
/// Observations are `[copies, observationSize]` Float32 values, row-major; actions are integers in
/// `0..<actionCount`. Every copy draws its randomness from its own ``RandomGenerator``, seeded by
/// ``reset(seed:)``, so a run depends only on the seed.
///
/// To add an environment, conform a class to this protocol (see ``TMaze`` for a small example)
/// and train on it with ``AgentTrainer``.
public protocol Environment: AnyObject {
    /// How many copies are stepped together.
    var copies: Int { get }
    /// The observation space: a vector of this many Float32 values, in `observationBounds`.
    var observationSpace: ObservationSpace { get }
    /// The action space: one of `actionCount` discrete actions.
    var actionSpace: ActionSpace { get }

    /// Starts a new episode in every copy (copy `i` seeded from `seed` and `i`); returns the
    /// first observations `[copies · observationSize]`.
    func reset(seed: UInt64) -> [Float]

    /// Applies one action per copy and returns what followed (see ``EnvironmentStep``).
    func step(_ actions: [Int]) -> EnvironmentStep

    /// A few lines of text showing copy `copy`'s current state, for `recurrent play --render`.
    func render(copy: Int) -> String
}

/// The observation space of an ``Environment``: vectors of `size` Float32 values, each within
/// `low...high` (infinite where unbounded).
public struct ObservationSpace: Sendable, Equatable {
    public var size: Int
    public var low: [Float]
    public var high: [Float]

    public init(size: Int, low: [Float], high: [Float]) {
        self.size = size
        self.low = low
        self.high = high
    }

    /// `size` values in `low...high` each.
    public init(size: Int, low: Float, high: Float) {
        self.init(size: size, low: Array(repeating: low, count: size), high: Array(repeating: high, count: size))
    }
}

/// The action space of an ``Environment``: `count` discrete actions, with names for rendering.
public struct ActionSpace: Sendable, Equatable {
    public var count: Int
    public var names: [String]

    public init(names: [String]) {
        count = names.count
        self.names = names
    }
}

/// What one step of a batch of environments returns, one entry per copy.
public struct EnvironmentStep {
    /// The next observations `[copies · observationSize]`; for a copy whose episode ended, the
    /// first observation of its new episode.
    public var observations: [Float]
    public var rewards: [Float]
    /// The episode reached a natural end (no value beyond it).
    public var terminated: [Bool]
    /// The episode was cut short by a time limit (its value beyond the cut is bootstrapped).
    public var truncated: [Bool]
    /// For copies whose episode ended, the episode's last observation (`observationSize` values).
    public var finalObservations: [Int: [Float]]
    /// For copies whose episode ended, whether it succeeded, where the environment defines success
    /// (the T-maze's correct turn); absent otherwise.
    public var successes: [Int: Bool]

    public init(observations: [Float], rewards: [Float], terminated: [Bool], truncated: [Bool],
                finalObservations: [Int: [Float]] = [:], successes: [Int: Bool] = [:]) {
        self.observations = observations
        self.rewards = rewards
        self.terminated = terminated
        self.truncated = truncated
        self.finalObservations = finalObservations
        self.successes = successes
    }

    /// Whether copy `copy`'s episode ended at this step (either way).
    public func ended(_ copy: Int) -> Bool { terminated[copy] || truncated[copy] }
}

extension RandomGenerator {
    /// The generator of copy `copy` of an environment reset with `seed`: streams that differ
    /// between copies and seeds.
    static func environmentCopy(seed: UInt64, copy: Int) -> RandomGenerator {
        var mixer = RandomGenerator(seed: seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(copy) &+ 0x5EED)
        return RandomGenerator(seed: mixer.next())
    }
}
