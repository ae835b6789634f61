import ArgumentParser
import Foundation
import Recurrent

/// `recurrent bench agent`: environment steps per second of recurrent PPO training.
struct BenchAgentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "PPO training on CartPole with positions only (rollouts and updates), in environment steps per second.",
        discussion: """
            Runs `--updates` PPO updates (after one warm-up update) with the defaults of `recurrent train \
            agent --env cartpole --observe position`: each collects --rollout steps on --envs copies, one \
            policy forward per step without gradients, then --epochs passes of --minibatches minibatches \
            replaying the sequences with gradients. Compare with `python3 scripts/bench_agent_reference.py` \
            (PyTorch, the same policy, sizes and algorithm). JSON keys: steps_per_second, rollout_seconds, \
            update_seconds, steps, and the configuration.
            """
    )

    @Option(help: "Policy body: mlp, rnn, gru or lstm.")
    var policy: PolicySettings.Kind = .lstm

    @Option(help: "Hidden size of the recurrent layer.")
    var hidden = PolicySettings.defaultHiddenSize

    @Option(help: "Environment copies.")
    var envs = AgentTrainingSettings.defaultCopies

    @Option(help: "Steps per copy per rollout.")
    var rollout = AgentTrainingSettings.defaults(for: .ppo).rolloutSteps

    @Option(help: "Passes over each rollout.")
    var epochs = AgentTrainingSettings.defaults(for: .ppo).epochs

    @Option(help: "Minibatches per pass.")
    var minibatches = AgentTrainingSettings.defaults(for: .ppo).minibatches

    @Option(help: "Timed updates.")
    var updates = 10

    @OptionGroup var common: BenchmarkOptions

    var settings: AgentTrainingSettings {
        var settings = AgentTrainingSettings(environment: EnvironmentSettings(name: .cartpole, observe: .position),
                                             policy: PolicySettings(kind: policy, hiddenSize: hidden), algorithm: .ppo,
                                             totalSteps: (updates + 1) * rollout * envs, copies: envs, seed: 1)
        settings.rolloutSteps = rollout
        settings.epochs = epochs
        settings.minibatches = minibatches
        settings.annealLearningRate = false
        return settings
    }

    func validate() throws {
        if let problem = settings.problem { throw ValidationError(problem) }
        if !(1...100_000).contains(updates) { throw ValidationError("--updates must be in 1...100000") }
    }

    func run() throws {
        common.apply()
        let trainer = try AgentTrainer(settings: settings)
        trainer.update()  // warm-up: packs weights, fills caches
        let (rolloutBefore, updateBefore) = (trainer.rolloutSeconds, trainer.optimizationSeconds)
        let start = monotonicSeconds()
        for _ in 0..<updates { trainer.update() }
        let seconds = monotonicSeconds() - start
        let steps = updates * rollout * envs
        let result: [String: Any] = [
            "policy": policy.rawValue, "hidden": hidden, "envs": envs, "rollout": rollout, "epochs": epochs,
            "minibatches": minibatches, "updates": updates, "steps": steps, "threads": Kernels.threadCount,
            "seconds": seconds, "steps_per_second": Double(steps) / seconds,
            "rollout_seconds": trainer.rolloutSeconds - rolloutBefore, "update_seconds": trainer.optimizationSeconds - updateBefore,
        ]
        if common.json {
            try printJSON(result)
        } else {
            print(String(format: "agent ppo %@ %d, %d envs x %d steps, %d epochs x %d minibatches: %.0f steps/s "
                         + "(%d steps in %.2f s: rollouts %.2f s, updates %.2f s; %d threads)",
                         policy.rawValue, hidden, envs, rollout, epochs, minibatches, Double(steps) / seconds, steps, seconds,
                         trainer.rolloutSeconds - rolloutBefore, trainer.optimizationSeconds - updateBefore, Kernels.threadCount))
        }
    }
}
