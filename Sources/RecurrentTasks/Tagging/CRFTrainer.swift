import Foundation
import RecurrentTensor

/// How a linear-chain CRF is trained (CRFsuite's names in brackets).
public struct CRFOptions: Codable, Equatable, Sendable {
    public enum Algorithm: String, Codable, CaseIterable, Sendable { case lbfgs, sgd }
    public var algorithm = Algorithm.lbfgs
    /// L2 coefficient c2: the objective adds c2·‖w‖² [c2].
    public var l2 = 0.5
    /// L1 coefficient c1: the objective adds c1·‖w‖₁, trained with OWL-QN [c1].
    public var l1 = 0.0
    /// L-BFGS iterations, or SGD epochs [max_iterations].
    public var maxIterations = 100
    /// L-BFGS memory [num_memories].
    public var memory = 6
    /// Stop when the objective fell by less than this fraction over `period` iterations [delta, period].
    public var delta = 1e-5
    public var period = 10
    /// SGD: the initial learning rate η₀ of ηₜ = η₀ / (1 + t/N), t counting sentences.
    public var learningRate = 0.1

    public init() {}
}

/// Trains a linear-chain CRF (``LinearChainCRF``) whose emission scores are sums of sparse
/// (attribute, tag) feature weights, by minimizing
///
///     L(w) = Σ_sentences [log Z(x) - score(y | x)] + c2·‖w‖² + c1·‖w‖₁
///
/// with L-BFGS (OWL-QN when c1 > 0) or SGD. The features are the (attribute, tag) pairs seen in
/// the training data, as CRFsuite makes them, plus all tag-to-tag transitions and start/end
/// scores. The gradient, ∂L/∂w_f = E[count_f] - count_f + 2·c2·w_f, is computed over sentence
/// chunks in parallel, one chunk per kernel thread, and the chunks' sums are added in a fixed
/// order, so training is deterministic for a given thread count.
public final class CRFTrainer {
    public let data: FeatureTrainingSet
    public let tags: [String]
    /// The model's features, compressed-row by attribute (weights unused until the end).
    public private(set) var features: SparseEmissionWeights
    let observed: [Double]
    /// For every attribute occurrence in the corpus, its features' range: read in order, so the
    /// hot loops skip a scattered lookup of `features.offsets`.
    let slotFeatureStarts: [Int32], slotFeatureEnds: [Int32]
    public var parameterCount: Int { features.featureCount + tagCount * tagCount + 2 * tagCount }
    var tagCount: Int { data.tagCount }

    public init(data: FeatureTrainingSet, tags: [String]) {
        self.data = data
        self.tags = tags
        let tagCount = data.tagCount, attributes = data.attributeCount
        // The (attribute, tag) pairs of the training data.
        var seen = [Bool](repeating: false, count: attributes * tagCount)
        for token in 0..<data.tokenCount {
            let gold = Int(data.goldTags[token])
            for slot in Int(data.tokenOffsets[token])..<Int(data.tokenOffsets[token + 1]) {
                seen[Int(data.attributeIDs[slot]) * tagCount + gold] = true
            }
        }
        var offsets: [Int32] = [0], labels: [Int32] = []
        offsets.reserveCapacity(attributes + 1)
        for attribute in 0..<attributes {
            for tag in 0..<tagCount where seen[attribute * tagCount + tag] { labels.append(Int32(tag)) }
            offsets.append(Int32(labels.count))
        }
        features = SparseEmissionWeights(tagCount: tagCount, offsets: offsets, labels: labels, weights: [])
        // Observed feature counts, laid out like the parameters.
        var observed = [Double](repeating: 0, count: labels.count + tagCount * tagCount + 2 * tagCount)
        let transitionBase = labels.count, startBase = transitionBase + tagCount * tagCount, endBase = startBase + tagCount
        for sentence in 0..<data.sentenceCount {
            let first = data.sentenceStarts[sentence], last = data.sentenceStarts[sentence + 1]
            guard last > first else { continue }
            observed[startBase + Int(data.goldTags[first])] += 1
            observed[endBase + Int(data.goldTags[last - 1])] += 1
            for token in first..<last {
                let gold = data.goldTags[token]
                if token > first { observed[transitionBase + Int(data.goldTags[token - 1]) * tagCount + Int(gold)] += 1 }
                for slot in Int(data.tokenOffsets[token])..<Int(data.tokenOffsets[token + 1]) {
                    let attribute = Int(data.attributeIDs[slot])
                    for feature in Int(offsets[attribute])..<Int(offsets[attribute + 1]) where labels[feature] == gold {
                        observed[feature] += 1
                    }
                }
            }
        }
        self.observed = observed
        slotFeatureStarts = data.attributeIDs.map { offsets[Int($0)] }
        slotFeatureEnds = data.attributeIDs.map { offsets[Int($0) + 1] }
    }

    /// The transition scores held in a parameter vector.
    func transitionScores(_ parameters: UnsafeBufferPointer<Double>) -> TransitionScores {
        let base = features.featureCount, k = tagCount
        return TransitionScores(tagCount: k, transitions: Array(parameters[base..<(base + k * k)]),
                                start: Array(parameters[(base + k * k)..<(base + k * k + k)]),
                                end: Array(parameters[(base + k * k + k)..<(base + k * k + 2 * k)]))
    }

    /// Σ_sentences -log p(y | x) for the given sentences, adding the expected feature counts
    /// E[count_f] to `expected` (laid out like the parameters).
    func negativeLogLikelihood(_ parameters: UnsafeBufferPointer<Double>, sentences: Range<Int>, transitions: TransitionScores,
                               exponentiated: ExponentiatedTransitions, workspace: ScaledForwardBackward,
                               expected: UnsafeMutableBufferPointer<Double>, scores: inout [Double]) -> Double {
        let k = tagCount, base = features.featureCount
        let startBase = base + k * k, endBase = startBase + k
        var total = 0.0
        slotFeatureStarts.withUnsafeBufferPointer { starts in
        slotFeatureEnds.withUnsafeBufferPointer { ends in
        features.labels.withUnsafeBufferPointer { labels in
        data.tokenOffsets.withUnsafeBufferPointer { tokenOffsets in
        data.goldTags.withUnsafeBufferPointer { gold in
            for sentence in sentences {
                let first = data.sentenceStarts[sentence], length = data.sentenceStarts[sentence + 1] - first
                guard length > 0 else { continue }
                scores.removeAll(keepingCapacity: true)
                scores.append(contentsOf: repeatElement(0, count: length * k))
                var goldScore = transitions.start[Int(gold[first])] + transitions.end[Int(gold[first + length - 1])]
                scores.withUnsafeMutableBufferPointer { scores in
                    for position in 0..<length {
                        let token = first + position, row = position * k
                        for slot in Int(tokenOffsets[token])..<Int(tokenOffsets[token + 1]) {
                            for feature in Int(starts[slot])..<Int(ends[slot]) {
                                scores[row + Int(labels[feature])] += parameters[feature]
                            }
                        }
                        goldScore += scores[row + Int(gold[token])]
                        if position > 0 { goldScore += transitions.transitions[Int(gold[token - 1]) * k + Int(gold[token])] }
                    }
                }
                let logZ = scores.withUnsafeBufferPointer { scores in
                    workspace.run(emissions: scores, length: length, transitions: exponentiated, scores: transitions,
                                  edgeCounts: UnsafeMutableBufferPointer(rebasing: expected[base..<startBase]))
                }
                total += logZ - goldScore
                workspace.nodes.withUnsafeBufferPointer { nodes in
                    for tag in 0..<k {
                        expected[startBase + tag] += nodes[tag]
                        expected[endBase + tag] += nodes[(length - 1) * k + tag]
                    }
                    for position in 0..<length {
                        let token = first + position, row = position * k
                        for slot in Int(tokenOffsets[token])..<Int(tokenOffsets[token + 1]) {
                            for feature in Int(starts[slot])..<Int(ends[slot]) {
                                expected[feature] += nodes[row + Int(labels[feature])]
                            }
                        }
                    }
                }
            }
        }}}}}
        return total
    }

    /// The objective L(w) without the L1 term, and its gradient, over all sentences.
    public func objective(_ parameters: UnsafeBufferPointer<Double>, gradient: UnsafeMutableBufferPointer<Double>, l2: Double) -> Double {
        let n = parameterCount
        let transitions = transitionScores(parameters), exponentiated = ExponentiatedTransitions(transitions)
        let chunks = max(1, min(Kernels.threadCount, data.sentenceCount))
        let buffers = (0..<chunks).map { _ in UnsafeMutableBufferPointer<Double>.allocate(capacity: n) }
        defer { buffers.forEach { $0.deallocate() } }
        var losses = [Double](repeating: 0, count: chunks)
        losses.withUnsafeMutableBufferPointer { losses in
            Kernels.parallel(tasks: chunks) { chunk, _ in
                let buffer = buffers[chunk]
                buffer.initialize(repeating: 0)
                let sentences = (chunk * data.sentenceCount / chunks)..<((chunk + 1) * data.sentenceCount / chunks)
                var scores: [Double] = []
                losses[chunk] = negativeLogLikelihood(parameters, sentences: sentences, transitions: transitions, exponentiated: exponentiated,
                                                      workspace: ScaledForwardBackward(tagCount: tagCount), expected: buffer, scores: &scores)
            }
        }
        var value = 0.0
        for chunk in 0..<chunks { value += losses[chunk] }
        observed.withUnsafeBufferPointer { observed in
            for index in 0..<n {
                var sum = -observed[index]
                for buffer in buffers { sum += buffer[index] }
                gradient[index] = sum + 2 * l2 * parameters[index]
                value += l2 * parameters[index] * parameters[index]
            }
        }
        return value
    }

    /// The tagger for a parameter vector (weights rounded to Float, as a model file stores them).
    public func tagger(_ parameters: [Double]) -> FeatureTagger {
        var emissions = features
        emissions.weights = parameters[0..<features.featureCount].map { Float($0) }
        let transitions = parameters.withUnsafeBufferPointer { transitionScores($0) }
        let rounded = TransitionScores(tagCount: tagCount, transitions: transitions.transitions.map { Double(Float($0)) },
                                       start: transitions.start.map { Double(Float($0)) }, end: transitions.end.map { Double(Float($0)) })
        let extractor = AttributeExtractor(templates: data.extractor.templates, table: data.extractor.table)
        return FeatureTagger(tags: tags, extractor: extractor, emissions: emissions, transitions: rounded, greedy: false)
    }

    /// Trains from zero weights; `onIteration(iteration, metrics, parameters)` after each
    /// iteration (or epoch) may return false to stop.
    public func train(_ options: CRFOptions, generator: inout RandomGenerator,
                      onIteration: (Int, [String: Double], [Double]) -> Bool = { _, _, _ in true }) -> (parameters: [Double], objective: Double, stop: String) {
        var parameters = [Double](repeating: 0, count: parameterCount)
        switch options.algorithm {
        case .lbfgs:
            var optimizer = LBFGS()
            optimizer.maxIterations = options.maxIterations
            optimizer.memory = options.memory
            optimizer.delta = options.delta
            optimizer.period = options.period
            optimizer.l1 = options.l1
            let result = optimizer.minimize(&parameters, evaluate: { objective($0, gradient: $1, l2: options.l2) },
                                            onIteration: { iteration, current in
                onIteration(iteration.index, ["objective": iteration.objective, "gradient_norm": iteration.gradientNorm,
                                              "evaluations": Double(iteration.evaluations)], current)
            })
            return (parameters, result.objective, result.stop.rawValue)
        case .sgd:
            return trainSGD(options, parameters: parameters, generator: &generator, onIteration: onIteration)
        }
    }
}
