/// Which environment an agent acts in, with its options: what `recurrent train agent --env …`
/// sets and an agent's model file records, so evaluation and play rebuild the same environment.
public struct EnvironmentSettings: Codable, Equatable, Sendable, CustomStringConvertible {
    public enum Name: String, Codable, Sendable, CaseIterable {
        case cartpole
        case tmaze
        case repeatPrevious = "repeat-previous"
    }

    public var name: Name
    /// CartPole: what the agent observes.
    public var observe: CartPole.Observation
    /// T-maze: the corridor's length.
    public var length: Int
    /// Repeat-previous: K, how many steps back the answer lies.
    public var lag: Int

    public static let defaultLength = 20
    public static let defaultLag = 3

    public init(name: Name, observe: CartPole.Observation = .full, length: Int = defaultLength, lag: Int = defaultLag) {
        self.name = name
        self.observe = observe
        self.length = length
        self.lag = lag
    }

    /// Why these settings are invalid, or nil.
    public var problem: String? {
        switch name {
        case .cartpole: return nil
        case .tmaze: return (1...10_000).contains(length) ? nil : "the T-maze length must be in 1...10000"
        case .repeatPrevious: return (1...1000).contains(lag) ? nil : "the lag K must be in 1...1000"
        }
    }

    /// `copies` copies of the environment.
    public func make(copies: Int) -> any Environment {
        switch name {
        case .cartpole: return CartPole(copies: copies, observation: observe)
        case .tmaze: return TMaze(copies: copies, length: length)
        case .repeatPrevious: return RepeatPrevious(copies: copies, lag: lag, episodeLength: Swift.max(32, 4 * lag))
        }
    }

    /// Whether episodes end in success or failure (the T-maze's turn; repeat-previous: every
    /// answer right), so evaluation reports a success rate.
    public var definesSuccess: Bool { name != .cartpole }

    public var description: String {
        switch name {
        case .cartpole: return "cartpole (\(observe.rawValue) observations)"
        case .tmaze: return "tmaze (length \(length))"
        case .repeatPrevious: return "repeat-previous (K = \(lag))"
        }
    }
}
