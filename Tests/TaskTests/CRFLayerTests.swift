import Foundation
import RecurrentNN
import RecurrentTasks
import RecurrentTensor
import RecurrentTestSupport
import Testing

/// The CRF output layer of the BiLSTM-CRF: its loss and gradients against brute-force
/// enumeration and finite differences, padded batches against one sentence at a time, and its
/// decoding against exhaustive search.
@Suite struct CRFLayerTests {
    /// A layer with random transition scores in ±scale.
    static func layer(tags: Int, seed: UInt64, scale: Float = 1) -> CRFLayer {
        var generator = RandomGenerator(seed: seed)
        let crf = CRFLayer(tagCount: tags)
        for parameter in [crf.transitions, crf.start, crf.end] {
            parameter.assign(Tensor.randomUniform(parameter.shape, in: -scale..<scale, using: &generator))
        }
        return crf
    }

    /// Every path of `length` tags.
    static func allPaths(length: Int, tags: Int) -> [[Int]] {
        var paths: [[Int]] = [[]]
        for _ in 0..<length { paths = paths.flatMap { path in (0..<tags).map { path + [$0] } } }
        return paths
    }

    /// Emissions `[length, 1, tags]` of one sentence as Double rows `[length, tags]`.
    static func rows(_ emissions: Tensor) -> [Double] { emissions.scalars.map(Double.init) }

    @Test func lossAndGradientsMatchEnumerationOfEveryPath() {
        for (length, tags) in [(1, 1), (1, 3), (2, 2), (3, 3), (4, 2), (4, 4)] {
            var generator = RandomGenerator(seed: UInt64(length * 10 + tags))
            let crf = Self.layer(tags: tags, seed: UInt64(length + tags))
            let emissions = Tensor.randomUniform([length, 1, tags], in: -2..<2, using: &generator).requiringGradient()
            let gold = (0..<length).map { _ in generator.nextInt(below: tags) }
            crf.zeroGradients()
            let loss = crf.negativeLogLikelihood(emissions: emissions, tags: gold, lengths: [length], reduction: .sum)
            loss.backward()

            // Brute force: log Z over all K^T paths, and the marginals as sums of path probabilities.
            let scores = crf.scores, values = Self.rows(emissions)
            let paths = Self.allPaths(length: length, tags: tags)
            let pathScores = values.withUnsafeBufferPointer { e in paths.map { scores.score(of: $0, emissions: e) } }
            let logZ = logSumExp(pathScores)
            let goldScore = values.withUnsafeBufferPointer { scores.score(of: gold, emissions: $0) }
            #expect(abs(Double(loss.scalar) - (logZ - goldScore)) < 1e-4 * max(1, logZ), "length \(length), tags \(tags)")
            var dEmissions = [Double](repeating: 0, count: length * tags), dTransitions = [Double](repeating: 0, count: tags * tags)
            var dStart = [Double](repeating: 0, count: tags), dEnd = [Double](repeating: 0, count: tags)
            for (path, score) in zip(paths, pathScores) {
                let p = exp(score - logZ)
                for (t, tag) in path.enumerated() {
                    dEmissions[t * tags + tag] += p
                    if t > 0 { dTransitions[path[t - 1] * tags + tag] += p }
                }
                dStart[path[0]] += p
                dEnd[path[length - 1]] += p
            }
            for (t, tag) in gold.enumerated() {
                dEmissions[t * tags + tag] -= 1
                if t > 0 { dTransitions[gold[t - 1] * tags + tag] -= 1 }
            }
            dStart[gold[0]] -= 1
            dEnd[gold[length - 1]] -= 1
            func close(_ analytic: Tensor?, _ exact: [Double]) -> Bool {
                guard let analytic else { return false }
                return zip(analytic.scalars, exact).allSatisfy { abs(Double($0) - $1) < 1e-5 }
            }
            #expect(close(emissions.gradient, dEmissions), "emissions, length \(length), tags \(tags)")
            #expect(close(crf.transitions.gradient, dTransitions), "transitions, length \(length), tags \(tags)")
            #expect(close(crf.start.gradient, dStart) && close(crf.end.gradient, dEnd), "start/end, length \(length), tags \(tags)")
        }
    }

    @Test func gradientsMatchFiniteDifferences() {
        let crf = Self.layer(tags: 3, seed: 3)
        var generator = RandomGenerator(seed: 4)
        let emissions = Tensor.randomUniform([4, 2, 3], in: -2..<2, using: &generator)
        let tags = [0, 2, 1, 1, 2, 0, 0, 1], lengths = [4, 3]
        expectGradientsMatch([emissions]) { inputs in
            crf.negativeLogLikelihood(emissions: inputs[0], tags: tags, lengths: lengths)
        }
        // The parameters, by central differences of the token-mean loss.
        expectFiniteDifferenceGradients(crf.parameters, samples: 9) {
            crf.negativeLogLikelihood(emissions: emissions, tags: tags, lengths: lengths)
        }
    }

    @Test func aPaddedBatchEqualsOneSentenceAtATime() {
        let crf = Self.layer(tags: 4, seed: 5)
        var generator = RandomGenerator(seed: 6)
        let lengths = [3, 1, 5, 0], time = 5, batch = lengths.count
        let emissions = Tensor.randomUniform([time, batch, 4], in: -3..<3, using: &generator).requiringGradient()
        let tags = (0..<(time * batch)).map { _ in generator.nextInt(below: 4) }
        crf.zeroGradients()
        let together = crf.negativeLogLikelihood(emissions: emissions, tags: tags, lengths: lengths, reduction: .sum)
        together.backward()
        let batchGradients = [emissions.gradient!.scalars, crf.transitions.gradient!.scalars, crf.start.gradient!.scalars, crf.end.gradient!.scalars]

        var total: Float = 0
        var summed = [[Float]](repeating: [], count: 3)
        for (b, length) in lengths.enumerated() where length > 0 {
            let single = Tensor(shape: [length, 1, 4], scalars: (0..<length).flatMap { t in (0..<4).map { emissions.element(at: [t, b, $0]) } })
                .requiringGradient()
            crf.zeroGradients()
            let loss = crf.negativeLogLikelihood(emissions: single, tags: (0..<length).map { tags[$0 * batch + b] }, lengths: [length], reduction: .sum)
            loss.backward()
            total += loss.scalar
            for t in 0..<time {
                for k in 0..<4 {
                    let expected = t < length ? single.gradient!.scalars[t * 4 + k] : 0
                    #expect(abs(batchGradients[0][(t * batch + b) * 4 + k] - expected) < 1e-6, "sentence \(b), position \(t)")
                }
            }
            for (index, parameter) in [crf.transitions, crf.start, crf.end].enumerated() {
                let values = parameter.gradient!.scalars
                summed[index] = summed[index].isEmpty ? values : zip(summed[index], values).map(+)
            }
        }
        #expect(abs(together.scalar - total) < 1e-4)
        for index in 0..<3 { #expect(zip(batchGradients[index + 1], summed[index]).allSatisfy { abs($0 - $1) < 1e-5 }) }
        // The token mean is the sum over the batch's 9 tokens.
        let mean = withoutGradient { crf.negativeLogLikelihood(emissions: emissions, tags: tags, lengths: lengths) }
        #expect(abs(mean.scalar - total / 9) < 1e-5)
    }

    @Test func decodingFindsTheBestPathOfExhaustiveSearch() {
        let crf = Self.layer(tags: 3, seed: 7, scale: 2)
        var generator = RandomGenerator(seed: 8)
        let lengths = [4, 1, 2, 5, 3], time = 5, batch = lengths.count
        let emissions = Tensor.randomUniform([time, batch, 3], in: -2..<2, using: &generator)
        let decoded = crf.decode(emissions: emissions, lengths: lengths)
        let scores = crf.scores
        for (b, length) in lengths.enumerated() {
            let rows = (0..<length).flatMap { t in (0..<3).map { Double(emissions.element(at: [t, b, $0])) } }
            let best = rows.withUnsafeBufferPointer { e in
                Self.allPaths(length: length, tags: 3).max { scores.score(of: $0, emissions: e) < scores.score(of: $1, emissions: e) }!
            }
            #expect(decoded[b] == best, "sentence \(b)")
        }
    }

    @Test func extremeScoresStayFinite() {
        // Emissions hundreds of nats apart: the scaled forward pass falls back to log space.
        let crf = CRFLayer(tagCount: 2)
        crf.transitions.assign(Tensor(shape: [2, 2], scalars: [0, -900, -900, 0]))
        let emissions = Tensor(shape: [3, 1, 2], scalars: [800, -800, -800, 800, 0, 0]).requiringGradient()
        let loss = crf.negativeLogLikelihood(emissions: emissions, tags: [0, 1, 1], lengths: [3], reduction: .sum)
        loss.backward()
        #expect(loss.scalar.isFinite && loss.scalar >= 0)
        #expect(emissions.gradient!.scalars.allSatisfy { $0.isFinite })
    }
}
