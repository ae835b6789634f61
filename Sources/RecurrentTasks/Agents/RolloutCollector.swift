import Foundation
import RecurrentTensor

/// Runs a policy on a batch of environment copies, one step at a time, without gradients, and
/// records rollout segments for the update (``Rollout``). The policy's state is carried across
/// steps and segments; when a copy's episode ends, that copy's rows of the state are set to
/// zero (a mask over the batch, so the other copies keep their memory).
public final class RolloutCollector {
    public let environment: any Environment
    public private(set) var observations: [Float]
    /// The policy's state before the next step (`[copies, hidden]` tensors).
    public private(set) var state: [Tensor]
    /// Whether each copy's next observation is the first of an episode.
    public private(set) var episodeStarts: [Bool]
    /// Episodes finished so far, in order of ending.
    public private(set) var finishedEpisodes: [EpisodeRecord] = []
    /// Environment steps taken (over all copies).
    public private(set) var steps = 0
    /// The actions of the last step, one per copy.
    public private(set) var lastActions: [Int] = []
    private var runningReturns: [Double]
    private var runningLengths: [Int]
    private var generator: RandomGenerator

    /// A finished episode: its undiscounted return, length and, where defined, success.
    public struct EpisodeRecord: Equatable, Sendable {
        public var totalReward: Double, length: Int, success: Bool?
    }

    public init(environment: any Environment, policy: AgentPolicy, seed: UInt64) {
        self.environment = environment
        observations = environment.reset(seed: seed)
        state = policy.initialState(batch: environment.copies)
        episodeStarts = Array(repeating: true, count: environment.copies)
        runningReturns = Array(repeating: 0, count: environment.copies)
        runningLengths = Array(repeating: 0, count: environment.copies)
        generator = RandomGenerator(seed: seed ^ 0xAC71_0000)
    }

    /// How to choose actions: sample from π (training, and evaluation of a stochastic policy) or
    /// take the most likely action.
    public enum ActionChoice: Sendable { case sample, greedy }

    /// Collects `time` steps on every copy with `policy`.
    public func collect(policy: AgentPolicy, time: Int, discount: Float) -> Rollout {
        let copies = environment.copies
        var rollout = Rollout(time: time, copies: copies, observationSize: environment.observationSpace.size, startState: state)
        withoutGradient {
            for _ in 0..<time {
                let current = observations
                let (actions, logProbabilities, values, next) = act(policy: policy, choice: .sample)
                let result = advance(actions: actions, policy: policy, nextState: next, discount: discount)
                rollout.observations += current
                rollout.actions += actions
                rollout.logProbabilities += logProbabilities
                rollout.values += values
                rollout.rewards += result.rewards
                rollout.dones += result.dones
                rollout.episodeStarts += result.starts
            }
            let observed = Tensor(shape: [copies, environment.observationSpace.size], scalars: observations)
            rollout.lastValues = policy.step(observed, state: state).values.scalars
        }
        return rollout
    }

    /// One step of every copy with actions chosen as `choice` says (no rollout kept): for
    /// evaluation and play. Returns the step's result.
    @discardableResult
    public func play(policy: AgentPolicy, choice: ActionChoice) -> EnvironmentStep {
        withoutGradient {
            let (actions, _, _, next) = act(policy: policy, choice: choice)
            return advance(actions: actions, policy: policy, nextState: next, discount: 0).step
        }
    }

    /// The policy's actions for the current observations, their log-probabilities, the values,
    /// and the state after this step.
    private func act(policy: AgentPolicy, choice: ActionChoice) -> ([Int], [Float], [Float], [Tensor]) {
        let copies = environment.copies, actionCount = environment.actionSpace.count
        let observed = Tensor(shape: [copies, environment.observationSpace.size], scalars: observations)
        let (logits, values, next) = policy.step(observed, state: state)
        var actions = [Int](repeating: 0, count: copies), logProbabilities = [Float](repeating: 0, count: copies)
        logits.withUnsafeBufferPointer { logits in
            for copy in 0..<copies {
                let row = UnsafeBufferPointer(rebasing: logits[(copy * actionCount)..<((copy + 1) * actionCount)])
                (actions[copy], logProbabilities[copy]) = Self.choose(row, choice: choice, generator: &generator)
            }
        }
        return (actions, logProbabilities, values.scalars, next)
    }

    /// An action from logits (by inverse CDF of softmax in Float64 for `sample`, argmax for
    /// `greedy`) and its log-probability.
    static func choose(_ logits: UnsafeBufferPointer<Float>, choice: ActionChoice, generator: inout RandomGenerator) -> (Int, Float) {
        let largest = Double(logits.max() ?? 0)
        var total = 0.0
        for logit in logits { total += Foundation.exp(Double(logit) - largest) }
        let logTotal = Foundation.log(total) + largest
        var action = 0
        switch choice {
        case .greedy:
            for index in logits.indices where logits[index] > logits[action] { action = index }
        case .sample:
            var remaining = generator.nextUniformDouble() * total
            action = logits.count - 1
            for index in logits.indices {
                remaining -= Foundation.exp(Double(logits[index]) - largest)
                if remaining < 0 { action = index; break }
            }
        }
        return (action, Float(Double(logits[action]) - logTotal))
    }

    /// Steps the environment, keeps episode statistics, bootstraps truncated episodes (reward +=
    /// γ · V(final observation) under the state that saw it) and resets the state of copies whose
    /// episode ended.
    private func advance(actions: [Int], policy: AgentPolicy, nextState: [Tensor], discount: Float)
        -> (step: EnvironmentStep, rewards: [Float], dones: [Bool], starts: [Bool]) {
        let copies = environment.copies
        let starts = episodeStarts
        lastActions = actions
        let result = environment.step(actions)
        steps += copies
        var rewards = result.rewards
        let ended = (0..<copies).filter { result.ended($0) }
        let truncated = ended.filter { result.truncated[$0] }
        if !truncated.isEmpty && discount > 0 {
            let finals = Tensor(shape: [truncated.count, environment.observationSpace.size],
                                scalars: truncated.flatMap { result.finalObservations[$0] ?? [] })
            let values = policy.step(finals, state: nextState.map { $0.gatherRows(truncated) }).values.scalars
            for (index, copy) in truncated.enumerated() { rewards[copy] += discount * values[index] }
        }
        for copy in 0..<copies {
            runningReturns[copy] += Double(result.rewards[copy])
            runningLengths[copy] += 1
        }
        for copy in ended {
            finishedEpisodes.append(EpisodeRecord(totalReward: runningReturns[copy], length: runningLengths[copy],
                                                  success: result.successes[copy]))
            runningReturns[copy] = 0
            runningLengths[copy] = 0
        }
        state = ended.isEmpty ? nextState : nextState.map { Self.zeroRows(ended, of: $0) }
        episodeStarts = (0..<copies).map { result.ended($0) }
        observations = result.observations
        return (result, rewards, episodeStarts, starts)
    }

    /// `tensor` `[copies, hidden]` with rows `rows` set to zero.
    static func zeroRows(_ rows: [Int], of tensor: Tensor) -> Tensor {
        var result = tensor.detached
        let width = tensor.shape[1]
        result.withUnsafeMutableBufferPointer { values in
            for row in rows { for j in 0..<width { values[row * width + j] = 0 } }
        }
        return result
    }
}
