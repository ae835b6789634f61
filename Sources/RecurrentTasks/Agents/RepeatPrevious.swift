import RecurrentTensor

/// A memory probe (as POPGym's RepeatPrevious): every step shows one of `symbols` symbols,
/// one-hot, drawn at random; the agent must answer with the symbol shown `lag` steps earlier.
/// From step `lag` on (counting from 0), a correct answer earns +1 and a wrong one 0; earlier
/// answers earn nothing. Episodes last `episodeLength` steps (terminated), so the best return is
/// `episodeLength − lag` and a policy without memory scores about 1/`symbols` of that.
public final class RepeatPrevious: Environment {
    public let copies: Int
    /// K: how many steps back the answer lies.
    public let lag: Int
    public let symbols: Int
    public let episodeLength: Int
    /// Each copy's symbols so far in its episode.
    public private(set) var histories: [[Int]]
    private var generators: [RandomGenerator]
    private var scores: [Int]

    public init(copies: Int, lag: Int, symbols: Int = 4, episodeLength: Int = 32) {
        precondition(copies >= 1 && lag >= 1 && symbols >= 2 && episodeLength > lag, "RepeatPrevious: invalid sizes")
        self.copies = copies
        self.lag = lag
        self.symbols = symbols
        self.episodeLength = episodeLength
        histories = Array(repeating: [], count: copies)
        scores = Array(repeating: 0, count: copies)
        generators = (0..<copies).map { RandomGenerator.environmentCopy(seed: 0, copy: $0) }
    }

    public var observationSpace: ObservationSpace { ObservationSpace(size: symbols, low: 0, high: 1) }
    public var actionSpace: ActionSpace { ActionSpace(names: (0..<symbols).map { "symbol \($0)" }) }

    public func reset(seed: UInt64) -> [Float] {
        generators = (0..<copies).map { RandomGenerator.environmentCopy(seed: seed, copy: $0) }
        for copy in 0..<copies { startEpisode(copy) }
        return observations()
    }

    private func startEpisode(_ copy: Int) {
        histories[copy] = [generators[copy].nextInt(below: symbols)]
        scores[copy] = 0
    }

    public func observation(_ copy: Int) -> [Float] {
        var oneHot = [Float](repeating: 0, count: symbols)
        oneHot[histories[copy].last ?? 0] = 1
        return oneHot
    }

    private func observations() -> [Float] { (0..<copies).flatMap { observation($0) } }

    public func step(_ actions: [Int]) -> EnvironmentStep {
        precondition(actions.count == copies, "RepeatPrevious.step: \(actions.count) actions for \(copies) copies")
        var rewards = [Float](repeating: 0, count: copies)
        var terminated = [Bool](repeating: false, count: copies)
        var finals: [Int: [Float]] = [:], successes: [Int: Bool] = [:]
        for copy in 0..<copies {
            let t = histories[copy].count - 1  // the step being answered
            if t >= lag, actions[copy] == histories[copy][t - lag] {
                rewards[copy] = 1
                scores[copy] += 1
            }
            if t + 1 >= episodeLength {
                terminated[copy] = true
                finals[copy] = observation(copy)
                successes[copy] = scores[copy] == episodeLength - lag
                startEpisode(copy)
            } else {
                histories[copy].append(generators[copy].nextInt(below: symbols))
            }
        }
        return EnvironmentStep(observations: observations(), rewards: rewards, terminated: terminated,
                               truncated: Array(repeating: false, count: copies), finalObservations: finals, successes: successes)
    }

    public func render(copy: Int) -> String {
        let history = histories[copy]
        let shown = history.suffix(lag + 1).map(String.init).joined(separator: " ")
        return "step \(history.count - 1): shown \(history.last ?? 0), answer the symbol \(lag) steps back; last \(lag + 1): \(shown)"
    }
}
