import RecurrentTensor

/// The T-maze of Bakker (2002), "Reinforcement learning with long short-term memory": a corridor
/// of `length` steps ending in a junction where the agent must turn north or south. Which way
/// pays is shown only at the first step, so the agent must carry the cue through the corridor;
/// a feed-forward policy sees the same observation at the junction either way and cannot beat
/// 50 %.
///
/// Observations (3 values, Bakker's encoding):
///
///     start, cue north   0 1 1        corridor   1 0 1
///     start, cue south   1 1 0        junction   0 1 0
///
/// Actions: `east` moves one step along the corridor; `north` and `south` turn at the junction
/// (elsewhere they bump into the wall). Rewards: +4 for turning to the cued side, −0.1 for the
/// wrong side (both end the episode), −0.1 for a bump (the agent stays); the episode is
/// truncated after `4 · (length + 1)` steps. Success means the cued turn.
public final class TMaze: Environment {
    public static let correctReward: Float = 4
    public static let penalty: Float = -0.1

    public let copies: Int
    /// Steps from the start to the junction.
    public let length: Int
    /// Each copy's position (0 at the start, `length` at the junction).
    public private(set) var positions: [Int]
    /// Each copy's cue: true when north pays.
    public private(set) var cuesNorth: [Bool]
    public private(set) var episodeSteps: [Int]
    private var generators: [RandomGenerator]

    public init(copies: Int, length: Int) {
        precondition(copies >= 1 && length >= 1, "TMaze: copies and length must be at least 1")
        self.copies = copies
        self.length = length
        positions = Array(repeating: 0, count: copies)
        cuesNorth = Array(repeating: true, count: copies)
        episodeSteps = Array(repeating: 0, count: copies)
        generators = (0..<copies).map { RandomGenerator.environmentCopy(seed: 0, copy: $0) }
    }

    /// Steps after which an episode is truncated.
    public var timeLimit: Int { 4 * (length + 1) }

    public var observationSpace: ObservationSpace { ObservationSpace(size: 3, low: 0, high: 1) }
    public var actionSpace: ActionSpace { ActionSpace(names: ["north", "east", "south"]) }

    public func reset(seed: UInt64) -> [Float] {
        generators = (0..<copies).map { RandomGenerator.environmentCopy(seed: seed, copy: $0) }
        for copy in 0..<copies { startEpisode(copy) }
        return observations()
    }

    private func startEpisode(_ copy: Int) {
        positions[copy] = 0
        cuesNorth[copy] = generators[copy].next() & 1 == 0
        episodeSteps[copy] = 0
    }

    public func observation(_ copy: Int) -> [Float] {
        if positions[copy] == 0 { return cuesNorth[copy] ? [0, 1, 1] : [1, 1, 0] }
        return positions[copy] == length ? [0, 1, 0] : [1, 0, 1]
    }

    private func observations() -> [Float] { (0..<copies).flatMap { observation($0) } }

    public func step(_ actions: [Int]) -> EnvironmentStep {
        precondition(actions.count == copies, "TMaze.step: \(actions.count) actions for \(copies) copies")
        var rewards = [Float](repeating: 0, count: copies)
        var terminated = [Bool](repeating: false, count: copies), truncated = terminated
        var finals: [Int: [Float]] = [:], successes: [Int: Bool] = [:]
        for copy in 0..<copies {
            episodeSteps[copy] += 1
            let atJunction = positions[copy] == length
            switch actions[copy] {
            case 1 where !atJunction:
                positions[copy] += 1
            case 0 where atJunction, 2 where atJunction:
                let correct = (actions[copy] == 0) == cuesNorth[copy]
                rewards[copy] = correct ? Self.correctReward : Self.penalty
                terminated[copy] = true
                successes[copy] = correct
            default:
                rewards[copy] = Self.penalty
            }
            truncated[copy] = !terminated[copy] && episodeSteps[copy] >= timeLimit
            if truncated[copy] { successes[copy] = false }
            if terminated[copy] || truncated[copy] {
                finals[copy] = observation(copy)
                startEpisode(copy)
            }
        }
        return EnvironmentStep(observations: observations(), rewards: rewards, terminated: terminated, truncated: truncated,
                               finalObservations: finals, successes: successes)
    }

    public func render(copy: Int) -> String {
        let cells = (0...length).map { $0 == positions[copy] ? "A" : "." }.joined()
        let north = String(repeating: " ", count: length) + (cuesNorth[copy] ? "G" : "x")
        let south = String(repeating: " ", count: length) + (cuesNorth[copy] ? "x" : "G")
        return north + "\n" + cells + "   step \(episodeSteps[copy]), cue \(cuesNorth[copy] ? "north" : "south")\n" + south
    }
}
