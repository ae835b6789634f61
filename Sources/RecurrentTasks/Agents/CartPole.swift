import Foundation
import RecurrentTensor

/// CartPole-v1 as Gymnasium defines it (Barto, Sutton & Anderson 1983): a pole hinged on a cart
/// that moves along a frictionless track; the agent pushes the cart left or right with a force of
/// 10 N and receives +1 for every step, including the last, until the pole leans more than 12°
/// or the cart leaves the track (|x| > 2.4): terminated; or 500 steps have passed: truncated.
///
/// The state (x, ẋ, θ, θ̇) is kept in Float64 as Gymnasium keeps it, advanced by explicit Euler
/// steps of τ = 0.02 s, and observed in Float32. With ``Observation/position`` the agent sees only
/// (x, θ): to balance it must infer both velocities from the history of positions, which a
/// recurrent policy can do and a feed-forward policy cannot.
///
/// Each copy's episodes start from a state drawn uniformly in ±0.05 per component (from the
/// copy's own generator; the draws are not NumPy's, the dynamics are Gymnasium's exactly, tested
/// against trajectories recorded from Gymnasium).
public final class CartPole: Environment {
    /// What the agent observes.
    public enum Observation: String, Codable, Sendable, CaseIterable {
        /// (x, ẋ, θ, θ̇), Gymnasium's observation.
        case full
        /// (x, θ): positions only, the velocities hidden.
        case position
    }

    /// The physical constants, as Gymnasium's `CartPoleEnv` sets them.
    public enum Constants {
        public static let gravity = 9.8
        public static let cartMass = 1.0
        public static let poleMass = 0.1
        public static let totalMass = poleMass + cartMass
        /// Half the pole's length.
        public static let length = 0.5
        public static let poleMassLength = poleMass * length
        public static let forceMagnitude = 10.0
        /// Seconds between state updates.
        public static let tau = 0.02
        public static let thetaThreshold = 12 * 2 * Double.pi / 360
        public static let xThreshold = 2.4
        /// Gymnasium's `max_episode_steps` for CartPole-v1.
        public static let timeLimit = 500
    }

    public let copies: Int
    public let observation: Observation
    /// Each copy's state (x, ẋ, θ, θ̇), 4 values per copy.
    public private(set) var states: [Double]
    /// Steps taken in each copy's current episode.
    public private(set) var episodeSteps: [Int]
    private var generators: [RandomGenerator]

    public init(copies: Int, observation: Observation = .full) {
        precondition(copies >= 1, "CartPole: copies must be at least 1")
        self.copies = copies
        self.observation = observation
        states = Array(repeating: 0, count: 4 * copies)
        episodeSteps = Array(repeating: 0, count: copies)
        generators = (0..<copies).map { RandomGenerator.environmentCopy(seed: 0, copy: $0) }
    }

    public var observationSpace: ObservationSpace {
        let x = Float(2 * Constants.xThreshold), theta = Float(2 * Constants.thetaThreshold)
        switch observation {
        case .full: return ObservationSpace(size: 4, low: [-x, -.infinity, -theta, -.infinity], high: [x, .infinity, theta, .infinity])
        case .position: return ObservationSpace(size: 2, low: [-x, -theta], high: [x, theta])
        }
    }

    public var actionSpace: ActionSpace { ActionSpace(names: ["left", "right"]) }

    public func reset(seed: UInt64) -> [Float] {
        generators = (0..<copies).map { RandomGenerator.environmentCopy(seed: seed, copy: $0) }
        for copy in 0..<copies { startEpisode(copy) }
        return observations()
    }

    /// Sets copy `copy`'s state (x, ẋ, θ, θ̇) and starts its step count at 0: an episode from a
    /// given start, as the Gymnasium fixture test replays one.
    public func setState(copy: Int, _ state: [Double]) {
        precondition(state.count == 4 && copy >= 0 && copy < copies, "CartPole.setState: a state is 4 values")
        for index in 0..<4 { states[4 * copy + index] = state[index] }
        episodeSteps[copy] = 0
    }

    private func startEpisode(_ copy: Int) {
        for index in 0..<4 { states[4 * copy + index] = generators[copy].nextUniformDouble() * 0.1 - 0.05 }
        episodeSteps[copy] = 0
    }

    public func step(_ actions: [Int]) -> EnvironmentStep {
        precondition(actions.count == copies, "CartPole.step: \(actions.count) actions for \(copies) copies")
        var rewards = [Float](repeating: 1, count: copies)
        var terminated = [Bool](repeating: false, count: copies), truncated = terminated
        var finals: [Int: [Float]] = [:]
        for copy in 0..<copies {
            let next = Self.dynamics(Array(states[(4 * copy)..<(4 * copy + 4)]), pushRight: actions[copy] == 1)
            for index in 0..<4 { states[4 * copy + index] = next[index] }
            episodeSteps[copy] += 1
            let (x, theta) = (next[0], next[2])
            terminated[copy] = x < -Constants.xThreshold || x > Constants.xThreshold
                || theta < -Constants.thetaThreshold || theta > Constants.thetaThreshold
            truncated[copy] = !terminated[copy] && episodeSteps[copy] >= Constants.timeLimit
            rewards[copy] = 1
            if terminated[copy] || truncated[copy] {
                finals[copy] = observation(copy)
                startEpisode(copy)
            }
        }
        return EnvironmentStep(observations: observations(), rewards: rewards, terminated: terminated, truncated: truncated,
                               finalObservations: finals)
    }

    /// One Euler step of Gymnasium's CartPole from `state` (x, ẋ, θ, θ̇), in Gymnasium's order of
    /// operations so the Float64 results agree:
    ///
    ///     temp = (F + m_p l θ̇² sin θ) / (m_c + m_p)
    ///     θ̈ = (g sin θ − cos θ · temp) / (l (4/3 − m_p cos²θ / (m_c + m_p)))
    ///     ẍ = temp − m_p l θ̈ cos θ / (m_c + m_p)
    ///     x += τ ẋ,  ẋ += τ ẍ,  θ += τ θ̇,  θ̇ += τ θ̈
    public static func dynamics(_ state: [Double], pushRight: Bool) -> [Double] {
        let (x, xDot, theta, thetaDot) = (state[0], state[1], state[2], state[3])
        let force = pushRight ? Constants.forceMagnitude : -Constants.forceMagnitude
        let cosTheta = cos(theta), sinTheta = sin(theta)
        let temp = (force + Constants.poleMassLength * (thetaDot * thetaDot) * sinTheta) / Constants.totalMass
        let thetaAcceleration = (Constants.gravity * sinTheta - cosTheta * temp)
            / (Constants.length * (4.0 / 3.0 - Constants.poleMass * (cosTheta * cosTheta) / Constants.totalMass))
        let xAcceleration = temp - Constants.poleMassLength * thetaAcceleration * cosTheta / Constants.totalMass
        return [x + Constants.tau * xDot, xDot + Constants.tau * xAcceleration,
                theta + Constants.tau * thetaDot, thetaDot + Constants.tau * thetaAcceleration]
    }

    /// Copy `copy`'s observation in Float32: all four values, or (x, θ).
    public func observation(_ copy: Int) -> [Float] {
        let state = states[(4 * copy)..<(4 * copy + 4)].map { Float($0) }
        return observation == .full ? state : [state[0], state[2]]
    }

    private func observations() -> [Float] { (0..<copies).flatMap { observation($0) } }

    public func render(copy: Int) -> String {
        let base = 4 * copy
        let (x, theta) = (states[base], states[base + 2])
        let width = 49
        let cart = Int(((x + Constants.xThreshold) / (2 * Constants.xThreshold) * Double(width - 1)).rounded())
        var track = Array(repeating: Character("-"), count: width)
        track[Swift.min(Swift.max(cart, 0), width - 1)] = "#"
        let lean = theta > 0.02 ? "/" : theta < -0.02 ? "\\" : "|"
        var pole = Array(repeating: Character(" "), count: width)
        pole[Swift.min(Swift.max(cart + (theta > 0.02 ? 1 : theta < -0.02 ? -1 : 0), 0), width - 1)] = Character(lean)
        return String(pole) + "\n" + String(track) + String(format: "  x %+.3f  θ %+.1f°  step %d", x, theta * 180 / .pi,
                                                               episodeSteps[copy])
    }
}
