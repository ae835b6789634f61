import Foundation
import RecurrentTasks
import RecurrentTestSupport
import Testing

/// The environments: CartPole against trajectories recorded from Gymnasium, the T-maze's cue and
/// rewards, repeat-previous's answers, and seeding.
///
/// Fixture: `python3 scripts/make_gymnasium_fixtures.py` (gymnasium 1.4.0), per episode:
///
///     env = gymnasium.make("CartPole-v1")
///     observation, _ = env.reset(seed=seed)
///     initial_state = [float(v) for v in env.unwrapped.state]
///     observation, reward, terminated, truncated, _ = env.step(action)   # every step, recorded
@Suite struct AgentEnvironmentTests {
    struct Fixture: Decodable {
        struct Episode: Decodable {
            var seed: Int, rule: String
            var initial_state: [Double], initial_observation: [Float]
            var actions: [Int], observations: [[Float]], rewards: [Float], terminated: [Bool], truncated: [Bool]
        }
        var episodes: [Episode]
    }

    /// Every observation of every recorded episode within 1e-6, every reward and flag equal.
    @Test func cartPoleMatchesGymnasium() throws {
        let fixture = try fixtureJSON(Fixture.self, "cartpole_gymnasium.json")
        #expect(fixture.episodes.contains { $0.truncated.last == true }, "the fixture holds an episode truncated at 500 steps")
        #expect(fixture.episodes.contains { $0.terminated.last == true })
        var compared = 0
        for episode in fixture.episodes {
            let environment = CartPole(copies: 1)
            environment.setState(copy: 0, episode.initial_state)
            expectClose(environment.observation(0), episode.initial_observation, relative: 0, absolute: 1e-6)
            for (index, action) in episode.actions.enumerated() {
                let step = environment.step([action])
                let observed = step.ended(0) ? try #require(step.finalObservations[0]) : Array(step.observations)
                expectClose(observed, episode.observations[index], relative: 0, absolute: 1e-6,
                            "\(episode.rule) seed \(episode.seed) step \(index)")
                #expect(step.rewards[0] == episode.rewards[index])
                #expect(step.terminated[0] == episode.terminated[index], "\(episode.rule) seed \(episode.seed) step \(index)")
                #expect(step.truncated[0] == episode.truncated[index], "\(episode.rule) seed \(episode.seed) step \(index)")
                compared += 1
            }
        }
        #expect(compared > 1000)
    }

    /// Positions only: (x, θ) of the full observation; the start is within ±0.05 and depends on the seed only.
    @Test func cartPolePositionObservationsAndSeeding() {
        let full = CartPole(copies: 3), position = CartPole(copies: 3, observation: .position)
        let a = full.reset(seed: 7), b = position.reset(seed: 7)
        #expect(a.count == 12 && b.count == 6)
        for copy in 0..<3 {
            #expect(b[2 * copy] == a[4 * copy] && b[2 * copy + 1] == a[4 * copy + 2])
            #expect(a[(4 * copy)..<(4 * copy + 4)].allSatisfy { Swift.abs($0) <= 0.05 })
        }
        #expect(CartPole(copies: 3).reset(seed: 7) == a)
        #expect(CartPole(copies: 3).reset(seed: 8) != a)
        #expect(a[0..<4] != a[4..<8], "copies start differently")
    }

    /// Walking east `length` times then turning to the cue pays +4 and succeeds; the other turn
    /// fails; the junction looks the same whatever the cue, so only memory can tell.
    @Test func tMazeRewardsTheCuedTurn() {
        let maze = TMaze(copies: 2, length: 5)
        let start = maze.reset(seed: 3)
        var cues = (0..<2).map { maze.cuesNorth[$0] }
        for copy in 0..<2 { #expect(Array(start[(3 * copy)..<(3 * copy + 3)]) == (cues[copy] ? [0, 1, 1] : [1, 1, 0])) }
        var step = maze.step([0, 2])  // a bump at the start
        #expect(step.rewards == [TMaze.penalty, TMaze.penalty] && maze.positions == [0, 0])
        for _ in 0..<5 { step = maze.step([1, 1]) }
        #expect(step.observations == [0, 1, 0, 0, 1, 0] && step.rewards == [0, 0])
        step = maze.step([cues[0] ? 0 : 2, cues[1] ? 2 : 0])  // copy 0 right, copy 1 wrong
        #expect(step.rewards == [TMaze.correctReward, TMaze.penalty])
        #expect(step.terminated == [true, true] && step.successes == [0: true, 1: false])
        #expect(maze.positions == [0, 0], "both copies started a new episode")
        cues = (0..<2).map { maze.cuesNorth[$0] }
        for _ in 0..<(maze.timeLimit - 1) { step = maze.step([0, 0]) }
        #expect(step.truncated == [false, false])
        step = maze.step([0, 0])
        #expect(step.truncated == [true, true] && step.successes == [0: false, 1: false])
    }

    /// Answering with the symbol shown `lag` steps earlier earns the best return.
    @Test func repeatPreviousRewardsTheLaggedSymbol() {
        let environment = RepeatPrevious(copies: 1, lag: 2, symbols: 4, episodeLength: 10)
        var observation = environment.reset(seed: 5)
        var shown: [Int] = [], total: Float = 0
        for t in 0..<10 {
            shown.append(observation.firstIndex(of: 1)!)
            let answer = t >= 2 ? shown[t - 2] : 0
            let step = environment.step([answer])
            total += step.rewards[0]
            observation = step.observations
            #expect(step.terminated[0] == (t == 9))
            if t == 9 { #expect(step.successes[0] == true) }
        }
        #expect(total == 8)
    }
}
