import ArgumentParser
import Foundation
import Recurrent

/// `recurrent evaluate agent --model M`: an agent's return over evaluation episodes.
struct EvaluateAgentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Run an agent for a number of episodes: mean and standard deviation of the return, success rate where defined.",
        discussion: """
            Actions are the most likely ones (--sample draws them from the policy instead). Episodes run \
            on up to 100 environment copies at once, each copy's first episodes counted. JSON keys: \
            episodes, mean_return, sd_return, mean_length, success_rate (T-maze, repeat-previous), environment.
            """
    )

    @Option(help: "A model file written by `recurrent train agent`.")
    var model: String

    @Option(help: "Episodes to run.")
    var episodes = 100

    @Option(help: "Random seed of the environments (and of sampled actions).")
    var seed: UInt64 = 12345

    @Flag(help: "Sample actions from the policy instead of taking the most likely.")
    var sample = false

    @Flag(help: "Print one JSON object.")
    var json = false

    func validate() throws {
        if !(1...1_000_000).contains(episodes) { throw ValidationError("--episodes must be in 1...1000000") }
    }

    func run() throws {
        let bundle = try AgentBundle.read(from: model)
        let evaluation = AgentEvaluation(policy: bundle.policy, environment: bundle.configuration.environment, episodes: episodes,
                                         seed: seed, choice: sample ? .sample : .greedy)
        if json {
            var record = evaluation.record
            record["environment"] = bundle.configuration.environment.description
            try printJSON(record)
        } else {
            print(Self.summary(evaluation))
        }
    }

    static func summary(_ evaluation: AgentEvaluation) -> String {
        String(format: "%d episodes: mean return %.2f (sd %.2f), mean length %.1f", evaluation.episodes, evaluation.meanReturn,
               evaluation.returnDeviation, evaluation.meanLength)
            + (evaluation.successRate.map { String(format: ", success rate %.1f %%", $0 * 100) } ?? "")
    }
}

/// `recurrent play --model M --render`: watch an agent act, as text.
struct PlayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "play",
        abstract: "Run an agent for a few episodes and show them as text.",
        discussion: "Without --render, prints one line per episode (return, length, success); with it, every step's picture, action and reward."
    )

    @Option(help: "A model file written by `recurrent train agent`.")
    var model: String

    @Option(help: "Episodes to play.")
    var episodes = 1

    @Flag(help: "Show every step.")
    var render = false

    @Option(help: "Seconds to wait between rendered steps.")
    var delay = 0.0

    @Option(help: "Random seed of the environment.")
    var seed: UInt64 = 1

    @Flag(help: "Sample actions from the policy instead of taking the most likely.")
    var sample = false

    func validate() throws {
        if !(1...10_000).contains(episodes) { throw ValidationError("--episodes must be in 1...10000") }
        if !(delay >= 0 && delay <= 10) { throw ValidationError("--delay must be in 0...10 seconds") }
    }

    func run() throws {
        let bundle = try AgentBundle.read(from: model)
        let environment = bundle.configuration.environment.make(copies: 1)
        let collector = RolloutCollector(environment: environment, policy: bundle.policy, seed: seed)
        let actions = environment.actionSpace.names
        bundle.policy.setTraining(false)
        var episode = 1, total = 0.0, length = 0
        if render { print("episode 1\n" + environment.render(copy: 0)) }
        while episode <= episodes {
            let step = collector.play(policy: bundle.policy, choice: sample ? .sample : .greedy)
            total += Double(step.rewards[0])
            length += 1
            if render {
                if delay > 0 { Thread.sleep(forTimeInterval: delay) }
                let action = collector.lastActions.first.map { actions[$0] } ?? "?"
                print("action \(action), reward \(step.rewards[0])")
                if !step.ended(0) { print(environment.render(copy: 0)) }
            }
            guard step.ended(0) else { continue }
            let outcome = step.successes[0].map { $0 ? ", success" : ", failure" } ?? ""
            print("episode \(episode): return \(total), length \(length)" + (step.truncated[0] ? " (truncated)" : "") + outcome)
            episode += 1
            total = 0
            length = 0
            if render && episode <= episodes { print("\nepisode \(episode)\n" + environment.render(copy: 0)) }
        }
    }
}
