import RecurrentTensor

/// What a batch of environment copies did over one rollout segment of `time` steps, stored
/// time-major (index `t · copies + copy`), with what the policy update needs: the policy's
/// state at the segment's start (truncated backpropagation through time replays each copy's
/// segment from it), the actions and their log-probabilities and values under the policy that
/// acted, and the rewards and episode boundaries.
public struct Rollout {
    public let time: Int, copies: Int, observationSize: Int
    /// `[time, copies, observationSize]`: what the policy saw before acting.
    public var observations: [Float]
    public var actions: [Int]
    /// log π_old(a_t | history) under the policy that acted.
    public var logProbabilities: [Float]
    /// V_old(history) under the policy that acted.
    public var values: [Float]
    /// Rewards; a truncated episode's last reward includes γ · V(its final observation).
    public var rewards: [Float]
    /// Whether the episode ended with this step (terminated or truncated).
    public var dones: [Bool]
    /// Whether observation t is the first of an episode (the state before it was zero).
    public var episodeStarts: [Bool]
    /// The policy's state before step 0, each tensor `[copies, hidden]` (empty for an MLP).
    public var startState: [Tensor]
    /// V of the observation after the last step, for bootstrapping (`[copies]`).
    public var lastValues: [Float]
    /// GAE advantages and the returns (advantage + value) the critic is fitted to, once computed.
    public var advantages: [Float] = []
    public var returns: [Float] = []

    public init(time: Int, copies: Int, observationSize: Int, startState: [Tensor]) {
        self.time = time
        self.copies = copies
        self.observationSize = observationSize
        let count = time * copies
        observations = []
        observations.reserveCapacity(count * observationSize)
        actions = []
        actions.reserveCapacity(count)
        logProbabilities = []
        logProbabilities.reserveCapacity(count)
        values = []
        values.reserveCapacity(count)
        rewards = []
        rewards.reserveCapacity(count)
        dones = []
        dones.reserveCapacity(count)
        episodeStarts = []
        episodeStarts.reserveCapacity(count)
        self.startState = startState
        lastValues = Array(repeating: 0, count: copies)
    }

    /// Computes ``advantages`` and ``returns`` by ``GeneralizedAdvantage``.
    public mutating func estimateAdvantages(discount: Float, lambda: Float) {
        (advantages, returns) = GeneralizedAdvantage.estimate(rewards: rewards, values: values, dones: dones, lastValues: lastValues,
                                                              copies: copies, discount: discount, lambda: lambda)
    }

    /// Time-major index → the index of the same step in sequence-major order for the copies
    /// `sequences` (row `s · time + t` is step t of copy `sequences[s]`).
    public func sequenceMajorIndices(_ sequences: [Int]) -> [Int] {
        var indices: [Int] = []
        indices.reserveCapacity(sequences.count * time)
        for copy in sequences {
            for t in 0..<time { indices.append(t * copies + copy) }
        }
        return indices
    }
}
