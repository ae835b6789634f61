import Foundation
import RecurrentTensor

/// How an agent does over a number of episodes: the mean and standard deviation of the
/// (undiscounted) return, the mean episode length, and where the environment defines success,
/// the success rate.
///
/// Episodes are spread evenly over up to 100 copies stepped together, each copy's first episodes
/// counted (so short episodes are not favoured, as Stable-Baselines3's `evaluate_policy` does).
public struct AgentEvaluation: Equatable, Sendable {
    public var episodes: Int
    public var meanReturn: Double, returnDeviation: Double
    public var meanLength: Double
    public var successRate: Double?

    public init(policy: AgentPolicy, environment settings: EnvironmentSettings, episodes: Int, seed: UInt64,
                choice: RolloutCollector.ActionChoice = .greedy) {
        precondition(episodes >= 1, "AgentEvaluation: at least one episode")
        let copies = Swift.min(episodes, 100)
        let targets = (0..<copies).map { episodes / copies + ($0 < episodes % copies ? 1 : 0) }
        let collector = RolloutCollector(environment: settings.make(copies: copies), policy: policy, seed: seed)
        var done = [Int](repeating: 0, count: copies)
        var returns: [Double] = [], lengths: [Double] = [], successes: [Bool] = []
        var running = [Double](repeating: 0, count: copies), runningLengths = [Int](repeating: 0, count: copies)
        policy.setTraining(false)
        defer { policy.setTraining(true) }
        while zip(done, targets).contains(where: { $0 < $1 }) {
            let step = collector.play(policy: policy, choice: choice)
            for copy in 0..<copies {
                running[copy] += Double(step.rewards[copy])
                runningLengths[copy] += 1
                guard step.ended(copy) else { continue }
                if done[copy] < targets[copy] {
                    returns.append(running[copy])
                    lengths.append(Double(runningLengths[copy]))
                    if let success = step.successes[copy] { successes.append(success) }
                    done[copy] += 1
                }
                running[copy] = 0
                runningLengths[copy] = 0
            }
        }
        self.episodes = returns.count
        let mean = returns.reduce(0, +) / Double(returns.count)
        meanReturn = mean
        let variance = returns.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(returns.count)
        returnDeviation = variance.squareRoot()
        meanLength = lengths.reduce(0, +) / Double(lengths.count)
        successRate = settings.definesSuccess ? Double(successes.filter { $0 }.count) / Double(Swift.max(successes.count, 1)) : nil
    }

    /// As `recurrent evaluate agent --json` prints it.
    public var record: [String: Any] {
        var result: [String: Any] = ["episodes": episodes, "mean_return": meanReturn, "sd_return": returnDeviation,
                                     "mean_length": meanLength]
        if let successRate { result["success_rate"] = successRate }
        return result
    }
}
