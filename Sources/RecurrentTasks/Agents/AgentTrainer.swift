import Foundation
import RecurrentNN
import RecurrentTensor

/// Trains an ``AgentPolicy`` by an on-policy actor-critic algorithm (REINFORCE with a baseline,
/// A2C or PPO): repeatedly collect a rollout segment of `rolloutSteps` steps on every
/// environment copy (``RolloutCollector``), estimate advantages (``GeneralizedAdvantage``), then
/// update the policy on the segment for `epochs` passes in `minibatches` minibatches of whole
/// copies' sequences. A recurrent policy is replayed over each sequence from the state stored at
/// the segment's start (truncated backpropagation through time), reset at the episode starts
/// inside it (``EpisodePieces``).
///
/// Unlike supervised training (``Trainer``), the data comes from the policy itself, so the loop
/// is its own; it reuses the optimizers, gradient clipping, ``ProgressReporter`` and ``MetricsLog``.
/// The log has one `train` record per update with `step` (environment steps so far),
/// `train_seconds`, `mean_return` (over the last 100 finished episodes) and the losses, so
/// `recurrent plot LOG --metric mean_return` draws the learning curve.
public final class AgentTrainer {
    public let settings: AgentTrainingSettings
    public let values: AgentTrainingSettings.Resolved
    public let policy: AgentPolicy
    public let optimizer: Adam
    public let collector: RolloutCollector
    public private(set) var updates = 0
    /// Seconds spent collecting rollouts and updating the policy so far.
    public private(set) var rolloutSeconds = 0.0, optimizationSeconds = 0.0
    /// The statistics of the last update, as logged.
    public private(set) var lastRecord: [String: Any] = [:]
    private var generator: RandomGenerator

    /// Episodes the reported mean return averages over (Stable-Baselines3's `ep_rew_mean` window).
    public static let returnWindow = 100

    public init(settings: AgentTrainingSettings) throws {
        if let problem = settings.problem { throw AgentError(problem) }
        self.settings = settings
        values = settings.resolved
        var generator = RandomGenerator(seed: settings.seed)
        let environment = settings.environment.make(copies: settings.copies)
        policy = AgentPolicy(settings: settings.policy, observationSize: environment.observationSpace.size,
                             actionCount: environment.actionSpace.count, generator: &generator)
        optimizer = Adam(policy.parameters, learningRate: values.learningRate, epsilon: 1e-5)
        collector = RolloutCollector(environment: environment, policy: policy, seed: generator.next())
        self.generator = generator
    }

    /// Updates the run makes: enough rollouts to reach `totalSteps`.
    public var totalUpdates: Int {
        let perUpdate = values.rolloutSteps * settings.copies
        return (settings.totalSteps + perUpdate - 1) / perUpdate
    }

    /// The mean return of the last ``returnWindow`` finished episodes (nil before the first).
    public var meanReturn: Double? {
        let recent = collector.finishedEpisodes.suffix(Self.returnWindow)
        return recent.isEmpty ? nil : recent.reduce(0) { $0 + $1.totalReward } / Double(recent.count)
    }

    /// Runs every remaining update, reporting progress and logging each update.
    public func train(progress: ProgressReporter? = nil, log: MetricsLog? = nil) throws {
        var trainSeconds = 0.0
        let start = Self.now()
        while updates < totalUpdates {
            let before = Self.now()
            update()
            trainSeconds += Self.now() - before
            var record = lastRecord
            record["event"] = "train"
            record["train_seconds"] = trainSeconds
            try log?.write(record)
            let meanText = meanReturn.map { String(format: "mean return %.1f", $0) } ?? "no episode finished yet"
            progress?.update("update \(updates)/\(totalUpdates), \(collector.steps) steps, \(meanText)",
                             fraction: Double(updates) / Double(totalUpdates), now: Self.now() - start)
        }
        try log?.write(["event": "end", "step": collector.steps, "train_seconds": trainSeconds,
                        "mean_return": meanReturn ?? 0, "episodes": collector.finishedEpisodes.count])
    }

    /// One rollout and the update on it.
    public func update() {
        let fraction = settings.annealLearningRate ? 1 - Float(updates) / Float(totalUpdates) : 1
        optimizer.learningRate = values.learningRate * fraction
        let clipRange = settings.clipRange * fraction
        let rolloutStart = Self.now()
        var rollout = collector.collect(policy: policy, time: values.rolloutSteps, discount: values.discount)
        rollout.estimateAdvantages(discount: values.discount, lambda: values.lambda)
        let optimizationStart = Self.now()
        rolloutSeconds += optimizationStart - rolloutStart
        defer { optimizationSeconds += Self.now() - optimizationStart }
        var statistics = UpdateStatistics()
        for _ in 0..<values.epochs {
            var order = Array(0..<settings.copies)
            generator.shuffle(&order)
            let size = (settings.copies + values.minibatches - 1) / values.minibatches
            for first in stride(from: 0, to: order.count, by: size) {
                let sequences = Array(order[first..<Swift.min(first + size, order.count)])
                let loss = minibatchLoss(rollout, sequences: sequences, clipRange: clipRange)
                optimizer.zeroGradients()
                loss.total.backward()
                if let maxNorm = settings.maxGradientNorm { clipGradientNorm(optimizer.parameters, maxNorm: maxNorm) }
                optimizer.step()
                statistics.add(loss)
            }
        }
        updates += 1
        var record = statistics.record
        record["step"] = collector.steps
        record["update"] = updates
        record["learning_rate"] = Double(optimizer.learningRate)
        record["episodes"] = collector.finishedEpisodes.count
        let recent = collector.finishedEpisodes.suffix(Self.returnWindow)
        if let meanReturn {
            record["mean_return"] = meanReturn
            record["mean_length"] = recent.reduce(0.0) { $0 + Double($1.length) } / Double(recent.count)
        }
        let judged = recent.compactMap(\.success)
        if !judged.isEmpty { record["success_rate"] = Double(judged.filter { $0 }.count) / Double(judged.count) }
        lastRecord = record
    }

    /// The loss on the sequences of copies `sequences` of a rollout.
    public func minibatchLoss(_ rollout: Rollout, sequences: [Int], clipRange: Float) -> PolicyLoss {
        let indices = rollout.sequenceMajorIndices(sequences)
        let size = rollout.observationSize
        var observations = [Float](repeating: 0, count: indices.count * size)
        for (row, index) in indices.enumerated() {
            for j in 0..<size { observations[row * size + j] = rollout.observations[index * size + j] }
        }
        let episodeStarts = sequences.map { copy in (0..<rollout.time).map { rollout.episodeStarts[$0 * rollout.copies + copy] } }
        let startState = rollout.startState.map { $0.gatherRows(sequences) }
        let (logits, predicted) = policy.replay(observations: Tensor(shape: [indices.count, size], scalars: observations),
                                                episodeStarts: episodeStarts, initialState: startState)
        var advantages = indices.map { rollout.advantages[$0] }
        if values.normalizeAdvantages && advantages.count > 1 { advantages = Self.normalized(advantages) }
        return PolicyLoss(logits: logits, values: predicted, actions: indices.map { rollout.actions[$0] },
                          oldLogProbabilities: indices.map { rollout.logProbabilities[$0] }, advantages: advantages,
                          returns: indices.map { rollout.returns[$0] }, oldValues: indices.map { rollout.values[$0] },
                          objective: settings.algorithm == .ppo ? .clipped(clipRange) : .policyGradient,
                          valueClip: settings.algorithm == .ppo ? settings.valueClip : nil,
                          valueCoefficient: settings.valueCoefficient, entropyCoefficient: settings.entropyCoefficient)
    }

    /// (x − mean) / (standard deviation + 1e-8), as Stable-Baselines3 and CleanRL normalize advantages.
    static func normalized(_ values: [Float]) -> [Float] {
        let count = Double(values.count)
        let mean = values.reduce(0.0) { $0 + Double($1) } / count
        let variance = values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / (count - 1)
        let scale = 1 / (variance.squareRoot() + 1e-8)
        return values.map { Float((Double($0) - mean) * scale) }
    }

    static func now() -> Double { Date().timeIntervalSince1970 }
}

/// The mean losses and statistics of one update's minibatches.
struct UpdateStatistics {
    private var sums: [String: Double] = [:]
    private var count = 0

    mutating func add(_ loss: PolicyLoss) {
        count += 1
        for (key, value) in [("policy_loss", loss.policy), ("value_loss", loss.value), ("entropy", loss.entropy),
                             ("approx_kl", loss.approximateKL), ("clip_fraction", loss.clipFraction)] {
            sums[key, default: 0] += Double(value)
        }
    }

    var record: [String: Any] { sums.mapValues { $0 / Double(Swift.max(count, 1)) } }
}

/// A problem with an agent's settings, model file or environment, described for the user.
public struct AgentError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
