import ArgumentParser
import Foundation
import Recurrent

extension EnvironmentSettings.Name: ExpressibleByArgument {}
extension CartPole.Observation: ExpressibleByArgument {}
extension PolicySettings.Kind: ExpressibleByArgument {}
extension AgentTrainingSettings.Algorithm: ExpressibleByArgument {}

/// A count such as `200000`, `200k` or `1.5m` (thousands and millions).
struct StepCount: ExpressibleByArgument, CustomStringConvertible {
    var value: Int

    init(_ value: Int) { self.value = value }

    init?(argument: String) {
        let text = argument.trimmingCharacters(in: .whitespaces).lowercased()
        let factor: Double = text.hasSuffix("k") ? 1e3 : text.hasSuffix("m") ? 1e6 : 1
        guard let number = Double(factor == 1 ? text : String(text.dropLast())), number.isFinite, number >= 0,
              number * factor <= 1e12, (number * factor).rounded() == number * factor else { return nil }
        value = Int(number * factor)
    }

    /// As typed: `200k`, `1m`, `1500`.
    var description: String {
        if value >= 1_000_000 && value % 1_000_000 == 0 { return "\(value / 1_000_000)m" }
        if value >= 1000 && value % 1000 == 0 { return "\(value / 1000)k" }
        return "\(value)"
    }
}

/// `recurrent train agent`: reinforcement learning with a feed-forward or recurrent policy.
struct TrainAgentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Train an agent by reinforcement learning (REINFORCE, A2C or PPO) with an MLP, RNN, GRU or LSTM policy.",
        discussion: """
            Environments: cartpole (Gymnasium's CartPole-v1; --observe position hides the velocities), \
            tmaze (Bakker's T-maze: the cue is shown only at the start, --length L steps before the turn), \
            repeat-previous (answer the symbol shown --lag K steps earlier). A recurrent policy's state is \
            carried across steps and reset where an episode ends; updates replay each rollout segment from \
            its stored start state (truncated backpropagation through time).

            Defaults by algorithm (a flag overrides): ppo: --rollout 32 --epochs 20 --minibatches 2 \
            --lr 0.001 --gamma 0.98 --gae-lambda 0.8; a2c: --rollout 8 --epochs 1 --minibatches 1 --lr 0.001 \
            --gamma 0.99 --gae-lambda 1; reinforce: --rollout 128 --epochs 1 --minibatches 1 --lr 0.001 \
            --gamma 0.99 --gae-lambda 1. The learning rate and PPO's clip range decay linearly to 0.

            The log (--log) has one JSON line per update with step (environment steps), mean_return \
            (last 100 episodes), success_rate, the losses, entropy, approx_kl and clip_fraction: \
            `recurrent plot LOG --metric mean_return` draws the learning curve.
            """
    )

    @Option(help: "Environment: cartpole, tmaze or repeat-previous.")
    var env: EnvironmentSettings.Name

    @Option(help: "CartPole observations: full (x, ẋ, θ, θ̇) or position (x, θ).")
    var observe: CartPole.Observation = .full

    @Option(help: "T-maze corridor length.")
    var length = EnvironmentSettings.defaultLength

    @Option(help: "Repeat-previous: answer the symbol shown this many steps earlier.")
    var lag = EnvironmentSettings.defaultLag

    @Option(help: "Policy body: mlp, rnn, gru or lstm.")
    var policy: PolicySettings.Kind = .lstm

    @Option(help: "Hidden size of the recurrent layer (or of each MLP layer).")
    var hidden = PolicySettings.defaultHiddenSize

    @Option(help: ArgumentHelp("Hidden layer sizes of the actor and critic heads, comma-separated (0: linear heads).", valueName: "sizes"))
    var head = IntegerList(PolicySettings.defaultHeadSizes)

    @Option(help: "Algorithm: reinforce, a2c or ppo.")
    var algorithm: AgentTrainingSettings.Algorithm = .ppo

    @Option(help: "Environment steps in total (over all copies), such as 200k.")
    var steps = StepCount(AgentTrainingSettings.defaultTotalSteps)

    @Option(help: "Environment copies stepped together.")
    var envs = AgentTrainingSettings.defaultCopies

    @Option(help: "Steps per copy in each rollout segment (the BPTT length) (default: by algorithm).")
    var rollout: Int?

    @Option(help: "Passes over each rollout (default: by algorithm).")
    var epochs: Int?

    @Option(help: "Minibatches per pass, each of whole copies' sequences (default: by algorithm).")
    var minibatches: Int?

    @Option(name: .customLong("lr"), help: "Adam learning rate at the start (default: by algorithm).")
    var learningRate: Float?

    @Flag(inversion: .prefixedNo, help: "Decay the learning rate (and PPO's clip range) linearly to 0.")
    var anneal = true

    @Option(help: "Discount γ (default: by algorithm).")
    var gamma: Float?

    @Option(help: "GAE λ (default: by algorithm).")
    var gaeLambda: Float?

    @Option(help: "PPO clip range ε.")
    var clip: Float = 0.2

    @Option(help: "PPO value clip range (default: no value clipping).")
    var valueClip: Float?

    @Option(help: "Entropy bonus coefficient.")
    var entropy: Float = 0

    @Option(help: "Value loss coefficient.")
    var valueCoefficient: Float = 0.5

    @Option(help: "Clip the global gradient norm to this value.")
    var clipGrad: Float = 0.5

    @Option(help: "Random seed (initialization, environments, sampling).")
    var seed: UInt64 = 0

    @Option(help: "Evaluation episodes after training (0: none).")
    var evalEpisodes = 100

    @Option(help: "Append JSON-lines training metrics to this file.")
    var log: String?

    @Option(help: "Where to write the agent (a safetensors model file).")
    var out: String

    var settings: AgentTrainingSettings {
        var policySettings = PolicySettings(kind: policy, hiddenSize: hidden, headSizes: head.values.filter { $0 != 0 })
        if head.values == [0] { policySettings.headSizes = [] }
        var settings = AgentTrainingSettings(environment: EnvironmentSettings(name: env, observe: observe, length: length, lag: lag),
                                             policy: policySettings, algorithm: algorithm, totalSteps: steps.value, copies: envs,
                                             seed: seed)
        settings.rolloutSteps = rollout
        settings.epochs = epochs
        settings.minibatches = minibatches
        settings.learningRate = learningRate
        settings.annealLearningRate = anneal
        settings.discount = gamma
        settings.lambda = gaeLambda
        settings.clipRange = clip
        settings.valueClip = valueClip
        settings.entropyCoefficient = entropy
        settings.valueCoefficient = valueCoefficient
        settings.maxGradientNorm = clipGrad
        return settings
    }

    func validate() throws {
        if let problem = settings.problem { throw ValidationError(problem) }
        if head.values.contains(where: { $0 < 0 }) || (head.values.contains(0) && head.values != [0]) {
            throw ValidationError("--head takes positive sizes, or 0 alone for linear heads")
        }
        if !(0...100_000).contains(evalEpisodes) { throw ValidationError("--eval-episodes must be in 0...100000") }
    }

    func run() throws {
        try checkWritableDestination(out, flag: "--out")
        if let log { try checkWritableDestination(log, flag: "--log") }
        let trainer = try AgentTrainer(settings: settings)
        let values = trainer.values
        printError("training a \(policy.rawValue) policy (\(trainer.policy.parameterCount) parameters) by \(algorithm.rawValue) on "
                   + "\(settings.environment), \(envs) copies, \(steps) steps: \(trainer.totalUpdates) updates of "
                   + "\(values.rolloutSteps) steps per copy")
        let metricsLog = try log.map { try MetricsLog(path: $0) }
        try trainer.train(progress: ProgressReporter(), log: metricsLog)
        let bundle = AgentBundle(trainer: trainer)
        try bundle.write(to: out)
        let mean = trainer.meanReturn.map { String(format: "%.1f", $0) } ?? "-"
        printError("trained \(trainer.collector.steps) steps; mean return of the last 100 training episodes \(mean); wrote \(out)")
        if evalEpisodes > 0 {
            let evaluation = AgentEvaluation(policy: bundle.policy, environment: settings.environment, episodes: evalEpisodes,
                                             seed: seed &+ 1_000_003)
            printError(EvaluateAgentCommand.summary(evaluation))
        }
    }
}
