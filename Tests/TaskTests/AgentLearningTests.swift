import Foundation
import RecurrentNN
import RecurrentTasks
import RecurrentTensor
import RecurrentTestSupport
import Testing

/// The learning machinery: GAE, the PPO loss, the recurrent state's reset at episode ends inside
/// a batch, the replay of rollout segments, and reproducibility.
@Suite struct AgentLearningTests {
    /// GAE by hand, one copy, γ = 0.5, λ = 0.5, an episode ending at step 1:
    ///
    ///     δ_2 = 1 + 0.5 · 4 − 3 = 0                A_2 = 0
    ///     δ_1 = 2 + 0 − 2 = 0 (done: no bootstrap)  A_1 = 0
    ///     δ_0 = 0 + 0.5 · 2 − 1 = 0                A_0 = 0 + 0.25 · A_1 = 0
    /// and with other rewards r = (1, 3, 0): δ_2 = −1, δ_1 = 1, δ_0 = 1 + 1 − 1 = 1;
    /// A_2 = −1, A_1 = 1, A_0 = 1 + 0.25 · 1 = 1.25; returns = A + V = (2.25, 3, 2).
    @Test func generalizedAdvantageByHand() {
        let zero = GeneralizedAdvantage.estimate(rewards: [0, 2, 1], values: [1, 2, 3], dones: [false, true, false], lastValues: [4],
                                                 copies: 1, discount: 0.5, lambda: 0.5)
        #expect(zero.advantages == [0, 0, 0])
        let result = GeneralizedAdvantage.estimate(rewards: [1, 3, 0], values: [1, 2, 3], dones: [false, true, false],
                                                   lastValues: [4], copies: 1, discount: 0.5, lambda: 0.5)
        #expect(result.advantages == [1.25, 1, -1])
        #expect(result.returns == [2.25, 3, 2])
        // Two copies interleaved time-major give each copy's own result.
        let both = GeneralizedAdvantage.estimate(rewards: [1, 0, 3, 2, 0, 1], values: [1, 1, 2, 2, 3, 3],
                                                 dones: [false, false, true, true, false, false], lastValues: [4, 4],
                                                 copies: 2, discount: 0.5, lambda: 0.5)
        #expect(stride(from: 0, to: 6, by: 2).map { both.advantages[$0] } == [1.25, 1, -1])
        // λ = 1, γ = 1: the Monte-Carlo return minus the baseline.
        let monteCarlo = GeneralizedAdvantage.estimate(rewards: [1, 1, 1], values: [0, 0, 0], dones: [false, false, false],
                                                       lastValues: [10], copies: 1, discount: 1, lambda: 1)
        #expect(monteCarlo.returns == [13, 12, 11])
    }

    static func settings(_ kind: PolicySettings.Kind, algorithm: AgentTrainingSettings.Algorithm = .ppo, copies: Int = 6,
                         steps: Int = 2 * 6 * 24) -> AgentTrainingSettings {
        var settings = AgentTrainingSettings(environment: EnvironmentSettings(name: .cartpole, observe: .position),
                                             policy: PolicySettings(kind: kind, hiddenSize: 8, headSizes: [8]),
                                             algorithm: algorithm, totalSteps: steps, copies: copies, seed: 11)
        settings.rolloutSteps = 24
        settings.epochs = 2
        settings.minibatches = 2
        return settings
    }

    /// 6 CartPole copies stepped together under a random recurrent policy end their episodes at
    /// different steps. Where a copy's episode ends, its rows of the carried state become zero and
    /// the other copies' rows carry on; from there on its state is the policy's state run alone on
    /// that copy from zeros, bit for bit (in inference the recurrent layer computes each row alone,
    /// whatever the batch). Running on from the state carried across the boundary gives another
    /// state, so the comparison can fail.
    @Test(arguments: [PolicySettings.Kind.lstm, .gru, .rnn])
    func stateResetsExactlyAtEpisodeEnds(kind: PolicySettings.Kind) throws {
        let trainer = try AgentTrainer(settings: Self.settings(kind))
        let collector = trainer.collector, policy = trainer.policy
        let copies = collector.environment.copies, size = collector.environment.observationSpace.size
        var observations: [[Float]] = [], states: [[Tensor]] = [], ended: [[Bool]] = []
        for _ in 0..<40 {
            observations.append(collector.observations)
            let step = collector.play(policy: policy, choice: .sample)
            states.append(collector.state)
            ended.append((0..<copies).map { step.ended($0) })
        }
        var checked = 0, resets = 0
        for copy in 0..<copies {
            guard let end = (1..<39).first(where: { ended[$0][copy] && !ended[$0 - 1][copy] }) else { continue }
            resets += 1
            #expect(states[end].allSatisfy { $0.gatherRows([copy]).scalars.allSatisfy { $0 == 0 } }, "copy \(copy) reset")
            #expect(states[end].allSatisfy { $0.gatherRows([(copy + 1) % copies]).scalars.contains { $0 != 0 } } || ended[end][(copy + 1) % copies],
                    "the other copies carry on")
            var alone = policy.initialState(batch: 1)
            var carried = states[end - 1].map { $0.gatherRows([copy]) }  // as if the reset were missing
            var differs = false
            withoutGradient {
                for t in (end + 1)..<40 {
                    let observation = Tensor(shape: [1, size], scalars: Array(observations[t][(copy * size)..<((copy + 1) * size)]))
                    alone = policy.step(observation, state: alone).state
                    carried = policy.step(observation, state: carried).state
                    if ended[t][copy] { break }
                    for (index, tensor) in states[t].enumerated() {
                        #expect(tensor.gatherRows([copy]).scalars == alone[index].scalars, "copy \(copy) step \(t)")
                        if carried[index].scalars != alone[index].scalars { differs = true }
                    }
                    checked += 1
                }
            }
            #expect(differs, "without the reset copy \(copy) would have had another state")
        }
        #expect(resets >= 3 && checked > 20)
    }

    /// Replaying a rollout with gradients (pieces cut at episode starts, from the stored segment
    /// start states) reproduces the rollout's values and log-probabilities. The rollout's states
    /// come from inference (each row alone) and the replay from the training kernel, whose sums
    /// over a batch of more than 4 rows run in another order (Tests/NNTests/RecurrentLayerTests):
    /// they agree to about 1e-6, so the tolerance is 1e-5 relative + 1e-5 absolute. Hence PPO's
    /// ratio on the first minibatch of the first epoch is 1 within 1e-5, and there the clipped
    /// loss has exactly the plain policy gradient's gradient.
    @Test(arguments: [PolicySettings.Kind.mlp, .rnn, .gru, .lstm])
    func firstMinibatchRatioIsOneAndClippedLossIsThePolicyGradient(kind: PolicySettings.Kind) throws {
        let trainer = try AgentTrainer(settings: Self.settings(kind))
        var rollout = trainer.collector.collect(policy: trainer.policy, time: 24, discount: 0.99)
        rollout.estimateAdvantages(discount: 0.98, lambda: 0.8)
        #expect(rollout.episodeStarts.dropFirst(rollout.copies).contains(true), "an episode starts inside the segment")
        let sequences = [4, 0, 2]
        let indices = rollout.sequenceMajorIndices(sequences)
        let size = rollout.observationSize
        let observations = indices.flatMap { rollout.observations[($0 * size)..<(($0 + 1) * size)] }
        let replay = trainer.policy.replay(observations: Tensor(shape: [indices.count, size], scalars: observations),
                                           episodeStarts: sequences.map { copy in (0..<24).map { rollout.episodeStarts[$0 * 6 + copy] } },
                                           initialState: rollout.startState.map { $0.gatherRows(sequences) })
        expectClose(replay.values.scalars, indices.map { rollout.values[$0] }, relative: 1e-5, absolute: 1e-5)
        let logProbabilities = replay.logits.logSoftmax().gather(alongAxis: 1, indices: indices.map { rollout.actions[$0] })
        expectClose(logProbabilities.scalars, indices.map { rollout.logProbabilities[$0] }, relative: 1e-5, absolute: 1e-5)

        let clipped = trainer.minibatchLoss(rollout, sequences: sequences, clipRange: 0.2)
        #expect(clipped.clipFraction == 0)
        #expect(Swift.abs(clipped.approximateKL) < 1e-6)
        trainer.policy.zeroGradients()
        clipped.total.backward()
        let clippedGradients = trainer.policy.parameters.map { $0.parameter.gradient?.scalars ?? [] }
        var plainSettings = Self.settings(kind, algorithm: .a2c)
        plainSettings.normalizeAdvantages = true  // as PPO's
        let plain = try AgentTrainer(settings: plainSettings)
        for (target, source) in zip(plain.policy.parameters, trainer.policy.parameters) { target.parameter.assign(source.parameter.value) }
        let plainLoss = plain.minibatchLoss(rollout, sequences: sequences, clipRange: 0.2)
        #expect(Swift.abs(plainLoss.value - clipped.value) < 1e-6)
        plain.policy.zeroGradients()
        plainLoss.total.backward()
        for (named, expected) in zip(plain.policy.parameters, clippedGradients) {
            expectClose(named.parameter.gradient?.scalars ?? [], expected, relative: 1e-4, absolute: 1e-6, "\(named.name)")
        }
    }

    /// The loss's gradient with respect to logits and values, by finite differences, for both
    /// objectives and with value clipping (ratios spread across the clip range).
    @Test func policyLossGradients() {
        var generator = RandomGenerator(seed: 3)
        let logits = Tensor.randomNormal([6, 3], using: &generator)
        let values = Tensor.randomNormal([6], using: &generator)
        let actions = [0, 2, 1, 1, 0, 2]
        let current = logits.logSoftmax().gather(alongAxis: 1, indices: actions).scalars
        let oldLogProbabilities = zip(current, [0.5, -0.5, 0.05, -0.05, 0.3, -0.3]).map { $0 - Float($1) }
        let advantages: [Float] = [1, -1, 0.5, -2, 1.5, -0.5], returns: [Float] = [1, 0, 2, -1, 0.5, 1]
        let oldValues = values.scalars.map { $0 + 0.3 }
        for objective in [PolicyLoss.Objective.policyGradient, .clipped(0.2)] {
            expectGradientsMatch([logits, values], "\(objective)") { inputs in
                PolicyLoss(logits: inputs[0], values: inputs[1], actions: actions, oldLogProbabilities: oldLogProbabilities,
                           advantages: advantages, returns: returns, oldValues: oldValues, objective: objective, valueClip: 0.2,
                           valueCoefficient: 0.5, entropyCoefficient: 0.01).total
            }
        }
    }

    /// Pieces cut where episodes start; the gather indices put every step back in place.
    @Test func episodePiecesCutAtEpisodeStarts() {
        let pieces = EpisodePieces(episodeStarts: [[true, false, true, false, false], [false, false, false, false, true]])
        #expect(pieces.pieces.map { [$0.sequence, $0.start, $0.length] } == [[0, 0, 2], [0, 2, 3], [1, 0, 4], [1, 4, 1]])
        #expect(pieces.longest == 4)
        #expect(pieces.outputRows == [0, 1, 4, 5, 6, 8, 9, 10, 11, 12])
        let starts = Tensor(shape: [2, 1], scalars: [7, 9])
        #expect(pieces.initialState(starts).scalars == [7, 0, 9, 0])
    }

    /// A seeded run is reproducible bit for bit, for every algorithm.
    @Test(arguments: AgentTrainingSettings.Algorithm.allCases)
    func seededRunIsReproducible(algorithm: AgentTrainingSettings.Algorithm) throws {
        func run() throws -> ([[Float]], [String: Double]) {
            let trainer = try AgentTrainer(settings: Self.settings(.lstm, algorithm: algorithm))
            try trainer.train()
            return (trainer.policy.parameters.map(\.parameter.value.scalars),
                    trainer.lastRecord.compactMapValues { $0 as? Double })
        }
        let (first, second) = (try run(), try run())
        #expect(first.0 == second.0)
        #expect(first.1 == second.1)
        let initial = try AgentTrainer(settings: Self.settings(.lstm, algorithm: algorithm))
        #expect(initial.policy.parameters.map(\.parameter.value.scalars) != first.0, "training changed the parameters")
        #expect(first.0.allSatisfy { $0.allSatisfy(\.isFinite) })
    }

    /// An agent's model file gives back the same policy, and evaluation counts episodes exactly.
    @Test func modelFileRoundTripAndEvaluation() throws {
        let trainer = try AgentTrainer(settings: Self.settings(.gru))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("agent-\(UUID().uuidString).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try AgentBundle(trainer: trainer).write(to: path)
        let loaded = try AgentBundle.read(from: path)
        #expect(loaded.configuration.environment == trainer.settings.environment)
        let first = AgentEvaluation(policy: trainer.policy, environment: trainer.settings.environment, episodes: 7, seed: 1)
        let second = AgentEvaluation(policy: loaded.policy, environment: loaded.configuration.environment, episodes: 7, seed: 1)
        #expect(first == second)
        #expect(first.episodes == 7 && first.meanReturn >= 8 && first.successRate == nil)
        #expect(throws: (any Error).self) { try AgentBundle.read(from: "/nonexistent/agent.safetensors") }
    }
}
