import Foundation
import RecurrentTasks
import RecurrentTensor
import Testing

/// Viterbi, the CRF's forward-backward and L-BFGS against brute force and known answers.
@Suite struct StructuredModelTests {
    /// Random emissions `[length, tags]` and transitions with scores in [-scale, scale].
    static func lattice(length: Int, tags: Int, seed: UInt64, scale: Double = 2) -> ([Double], TransitionScores) {
        var generator = RandomGenerator(seed: seed)
        func value() -> Double { (generator.nextUniformDouble() * 2 - 1) * scale }
        let emissions = (0..<(length * tags)).map { _ in value() }
        let transitions = TransitionScores(tagCount: tags, transitions: (0..<(tags * tags)).map { _ in value() },
                                           start: (0..<tags).map { _ in value() }, end: (0..<tags).map { _ in value() })
        return (emissions, transitions)
    }

    /// Every path of `length` tags.
    static func allPaths(length: Int, tags: Int) -> [[Int]] {
        var paths: [[Int]] = [[]]
        for _ in 0..<length { paths = paths.flatMap { path in (0..<tags).map { path + [$0] } } }
        return paths
    }

    @Test func viterbiFindsTheBestPathOfExhaustiveSearch() {
        for length in 1...5 {
            for tags in 1...4 {
                let (emissions, transitions) = Self.lattice(length: length, tags: tags, seed: UInt64(length * 10 + tags))
                emissions.withUnsafeBufferPointer { emissions in
                    let scored = Self.allPaths(length: length, tags: tags).map { ($0, transitions.score(of: $0, emissions: emissions)) }
                    let best = scored.max { $0.1 < $1.1 }!
                    let decoded = Viterbi.decode(emissions: emissions, length: length, transitions: transitions)
                    #expect(decoded.path == best.0, "length \(length), tags \(tags)")
                    #expect(abs(decoded.score - best.1) < 1e-9)
                    let greedy = Viterbi.greedy(emissions: emissions, length: length, transitions: transitions)
                    #expect(transitions.score(of: greedy, emissions: emissions) <= best.1 + 1e-9)
                }
            }
        }
        #expect(Viterbi.decode(emissions: UnsafeBufferPointer(start: nil, count: 0), length: 0, transitions: TransitionScores(tagCount: 3)).path.isEmpty)
    }

    @Test func crfPartitionAndMarginalsMatchEnumeration() {
        for (length, tags, scale) in [(1, 3, 2.0), (2, 2, 2.0), (3, 3, 2.0), (4, 3, 5.0), (5, 2, 1.0), (4, 4, 300.0)] {
            let (emissions, transitions) = Self.lattice(length: length, tags: tags, seed: UInt64(length * 100 + tags), scale: scale)
            emissions.withUnsafeBufferPointer { emissions in
                let paths = Self.allPaths(length: length, tags: tags)
                let scores = paths.map { transitions.score(of: $0, emissions: emissions) }
                let logZ = logSumExp(scores)
                var nodes = [Double](repeating: 0, count: length * tags), edges = [Double](repeating: 0, count: tags * tags)
                for (path, score) in zip(paths, scores) {
                    let p = exp(score - logZ)
                    for (time, tag) in path.enumerated() {
                        nodes[time * tags + tag] += p
                        if time > 0 { edges[path[time - 1] * tags + tag] += p }
                    }
                }
                let tolerance = 1e-9 * max(1, abs(logZ))
                #expect(abs(LinearChainCRF.logPartition(emissions: emissions, length: length, transitions: transitions) - logZ) < tolerance)
                let exact = LinearChainCRF.marginals(emissions: emissions, length: length, transitions: transitions)
                #expect(abs(exact.logPartition - logZ) < tolerance)
                #expect(zip(exact.nodes, nodes).allSatisfy { abs($0 - $1) < 1e-9 })
                #expect(zip(exact.edges, edges).allSatisfy { abs($0 - $1) < 1e-9 })
                // The scaled fast path (which falls back to log space for the 300-nat lattice).
                let scaled = ScaledForwardBackward(tagCount: tags)
                var scaledEdges = [Double](repeating: 0, count: tags * tags)
                let scaledLogZ = scaledEdges.withUnsafeMutableBufferPointer {
                    scaled.run(emissions: emissions, length: length, transitions: ExponentiatedTransitions(transitions), scores: transitions, edgeCounts: $0)
                }
                #expect(abs(scaledLogZ - logZ) < tolerance, "length \(length), tags \(tags), scale \(scale)")
                #expect(zip(scaled.nodes.prefix(length * tags), nodes).allSatisfy { abs($0 - $1) < 1e-9 })
                #expect(zip(scaledEdges, edges).allSatisfy { abs($0 - $1) < 1e-9 })
            }
        }
    }

    @Test func scaledForwardBackwardFallsBackToLogSpaceWhenScalingUnderflows() {
        // Tag 0 then tag 1 are forced by the emissions, and 0 → 1 scores -2000: exp underflows to 0.
        let tags = 3
        let emissions: [Double] = [0, -1e4, -1e4, -1e4, 0, -1e4, 0, 0, 0]
        var transitions = TransitionScores(tagCount: tags)
        transitions.transitions[0 * tags + 1] = -2000
        emissions.withUnsafeBufferPointer { emissions in
            let exact = LinearChainCRF.marginals(emissions: emissions, length: 3, transitions: transitions)
            let scaled = ScaledForwardBackward(tagCount: tags)
            var edges = [Double](repeating: 0, count: tags * tags)
            let logZ = edges.withUnsafeMutableBufferPointer {
                scaled.run(emissions: emissions, length: 3, transitions: ExponentiatedTransitions(transitions), scores: transitions, edgeCounts: $0)
            }
            #expect(exact.logPartition.isFinite && abs(logZ - exact.logPartition) < 1e-9)
            #expect(zip(scaled.nodes.prefix(9), exact.nodes).allSatisfy { abs($0 - $1) < 1e-9 })
            #expect(zip(edges, exact.edges).allSatisfy { abs($0 - $1) < 1e-9 })
        }
    }

    @Test func crfGradientMatchesFiniteDifferences() {
        let (length, tags) = (4, 3)
        var (emissions, transitions) = Self.lattice(length: length, tags: tags, seed: 7)
        let gold = [2, 0, 1, 1]
        func value(_ emissions: [Double], _ transitions: TransitionScores) -> Double {
            emissions.withUnsafeBufferPointer { LinearChainCRF.negativeLogLikelihood(tags: gold, emissions: $0, transitions: transitions).value }
        }
        let (_, dEmissions, dTransitions) = emissions.withUnsafeBufferPointer {
            LinearChainCRF.negativeLogLikelihood(tags: gold, emissions: $0, transitions: transitions)
        }
        let step = 1e-5
        for index in emissions.indices {
            let saved = emissions[index]
            emissions[index] = saved + step
            let plus = value(emissions, transitions)
            emissions[index] = saved - step
            let minus = value(emissions, transitions)
            emissions[index] = saved
            #expect(abs((plus - minus) / (2 * step) - dEmissions[index]) < 1e-6, "dEmissions[\(index)]")
        }
        for keyPath in [\TransitionScores.transitions, \TransitionScores.start, \TransitionScores.end] {
            for index in transitions[keyPath: keyPath].indices {
                let saved = transitions[keyPath: keyPath][index]
                transitions[keyPath: keyPath][index] = saved + step
                let plus = value(emissions, transitions)
                transitions[keyPath: keyPath][index] = saved - step
                let minus = value(emissions, transitions)
                transitions[keyPath: keyPath][index] = saved
                #expect(abs((plus - minus) / (2 * step) - dTransitions[keyPath: keyPath][index]) < 1e-6)
            }
        }
    }

    @Test func lbfgsMinimizesAQuadraticAndRosenbrock() {
        // f(x) = Σ i·(xᵢ - i)², minimum at xᵢ = i.
        var x = [Double](repeating: 0, count: 5)
        var optimizer = LBFGS()
        optimizer.epsilon = 1e-10
        optimizer.delta = 0
        let quadratic = optimizer.minimize(&x) { point, gradient in
            var value = 0.0
            for index in 0..<point.count {
                let weight = Double(index + 1), difference = point[index] - Double(index)
                value += weight * difference * difference
                gradient[index] = 2 * weight * difference
            }
            return value
        }
        #expect(quadratic.objective < 1e-12)
        #expect(zip(x, [0.0, 1, 2, 3, 4]).allSatisfy { abs($0 - $1) < 1e-5 })
        // Rosenbrock: (1 - a)² + 100 (b - a²)², minimum at (1, 1).
        var point = [-1.2, 1.0]
        optimizer.maxIterations = 200
        let rosenbrock = optimizer.minimize(&point) { p, gradient in
            let (a, b) = (p[0], p[1])
            gradient[0] = -2 * (1 - a) - 400 * a * (b - a * a)
            gradient[1] = 200 * (b - a * a)
            return (1 - a) * (1 - a) + 100 * (b - a * a) * (b - a * a)
        }
        #expect(rosenbrock.objective < 1e-10, "\(rosenbrock)")
        #expect(abs(point[0] - 1) < 1e-4 && abs(point[1] - 1) < 1e-4)
    }

    @Test func owlqnReachesTheSoftThresholdSolution() {
        // min ½‖x - c‖² + λ‖x‖₁ has xᵢ = sign(cᵢ)·max(|cᵢ| - λ, 0): exact zeros where |cᵢ| ≤ λ.
        let targets = [3.0, -0.5, 0.2, -2.0, 0.9]
        var optimizer = LBFGS()
        optimizer.l1 = 1
        optimizer.epsilon = 1e-9
        optimizer.delta = 0
        var x = [Double](repeating: 0, count: targets.count)
        _ = optimizer.minimize(&x) { point, gradient in
            var value = 0.0
            for index in 0..<point.count {
                gradient[index] = point[index] - targets[index]
                value += 0.5 * gradient[index] * gradient[index]
            }
            return value
        }
        let expected = targets.map { $0 > 0 ? max($0 - 1, 0) : min($0 + 1, 0) }
        #expect(zip(x, expected).allSatisfy { abs($0 - $1) < 1e-6 }, "\(x)")
        #expect(x[1] == 0 && x[2] == 0 && x[4] == 0, "L1 gives exact zeros")
    }
}
