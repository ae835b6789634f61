import RecurrentTensor

/// How the averaged perceptron is trained.
public struct PerceptronOptions: Codable, Equatable, Sendable {
    public var epochs = 10
    /// Decode greedily left to right instead of with Viterbi, in training and tagging.
    public var greedy = false

    public init() {}
}

/// The averaged structured perceptron (Collins 2002) over the same (attribute, tag) features
/// and tag transitions as the CRF. For each training sentence, in a seeded random order each
/// epoch: decode ŷ with the current weights; where ŷ ≠ y,
///
///     w ← w + Φ(x, y) - Φ(x, ŷ)
///
/// (Φ counts every (attribute, tag) feature, transition, start and end tag on the path). The
/// model is the average of w over all steps, which generalizes far better than the last w;
/// it is kept in closed form (Daumé 2006): with u ← u + c·Δ at step c, average = w - u / c.
/// Weights are dense `[attributes, tags]` while training and sparse in the finished model.
public final class PerceptronTrainer {
    public let data: FeatureTrainingSet
    public let tags: [String]

    public init(data: FeatureTrainingSet, tags: [String]) {
        self.data = data
        self.tags = tags
    }

    /// Trains; `onEpoch(epoch, mistakes, tagger)` after each epoch (the tagger holds the
    /// averaged weights so far) may return false to stop.
    public func train(_ options: PerceptronOptions, generator: inout RandomGenerator,
                      onEpoch: (Int, Int, @escaping () -> FeatureTagger) -> Bool = { _, _, _ in true }) -> FeatureTagger {
        let k = data.tagCount, attributes = data.attributeCount
        let transitionBase = attributes * k, startBase = transitionBase + k * k, endBase = startBase + k
        let size = endBase + k
        var weights = [Double](repeating: 0, count: size), totals = [Double](repeating: 0, count: size)
        var counter = 1.0
        var order = Array(0..<data.sentenceCount)
        var scores: [Double] = []
        var transitions = TransitionScores(tagCount: k)

        func average() -> [Double] { (0..<size).map { weights[$0] - totals[$0] / counter } }

        for epoch in 1...max(options.epochs, 1) {
            generator.shuffle(&order)
            var mistakes = 0
            for sentence in order {
                let first = data.sentenceStarts[sentence], length = data.sentenceStarts[sentence + 1] - first
                guard length > 0 else { continue }
                scores.removeAll(keepingCapacity: true)
                scores.append(contentsOf: repeatElement(0, count: length * k))
                weights.withUnsafeBufferPointer { w in
                    for position in 0..<length {
                        let token = first + position
                        for slot in Int(data.tokenOffsets[token])..<Int(data.tokenOffsets[token + 1]) {
                            let row = Int(data.attributeIDs[slot]) * k
                            for tag in 0..<k { scores[position * k + tag] += w[row + tag] }
                        }
                    }
                    for index in 0..<(k * k) { transitions.transitions[index] = w[transitionBase + index] }
                    for tag in 0..<k {
                        transitions.start[tag] = w[startBase + tag]
                        transitions.end[tag] = w[endBase + tag]
                    }
                }
                let predicted = scores.withUnsafeBufferPointer { scores in
                    options.greedy ? Viterbi.greedy(emissions: scores, length: length, transitions: transitions)
                        : Viterbi.decode(emissions: scores, length: length, transitions: transitions).path
                }
                let gold = (first..<(first + length)).map { Int(data.goldTags[$0]) }
                if predicted != gold {
                    mistakes += 1
                    func update(_ index: Int, _ delta: Double) {
                        weights[index] += delta
                        totals[index] += counter * delta
                    }
                    for position in 0..<length where predicted[position] != gold[position] {
                        let token = first + position
                        for slot in Int(data.tokenOffsets[token])..<Int(data.tokenOffsets[token + 1]) {
                            let row = Int(data.attributeIDs[slot]) * k
                            update(row + gold[position], 1)
                            update(row + predicted[position], -1)
                        }
                    }
                    for position in 1..<max(length, 1) {
                        update(transitionBase + gold[position - 1] * k + gold[position], 1)
                        update(transitionBase + predicted[position - 1] * k + predicted[position], -1)
                    }
                    update(startBase + gold[0], 1)
                    update(startBase + predicted[0], -1)
                    update(endBase + gold[length - 1], 1)
                    update(endBase + predicted[length - 1], -1)
                }
                counter += 1
            }
            if !onEpoch(epoch, mistakes, { self.tagger(average(), greedy: options.greedy) }) { break }
        }
        return tagger(average(), greedy: options.greedy)
    }

    /// The tagger for dense weights `[attributes·tags | transitions | start | end]`, keeping
    /// only non-zero emission weights (rounded to Float, as a model file stores them).
    func tagger(_ dense: [Double], greedy: Bool) -> FeatureTagger {
        let k = data.tagCount, attributes = data.attributeCount
        var offsets: [Int32] = [0], labels: [Int32] = [], weights: [Float] = []
        offsets.reserveCapacity(attributes + 1)
        for attribute in 0..<attributes {
            for tag in 0..<k {
                let weight = Float(dense[attribute * k + tag])
                if weight != 0 {
                    labels.append(Int32(tag))
                    weights.append(weight)
                }
            }
            offsets.append(Int32(labels.count))
        }
        let base = attributes * k
        func rounded(_ range: Range<Int>) -> [Double] { dense[range].map { Double(Float($0)) } }
        let transitions = TransitionScores(tagCount: k, transitions: rounded(base..<(base + k * k)), start: rounded((base + k * k)..<(base + k * k + k)),
                                           end: rounded((base + k * k + k)..<(base + k * k + 2 * k)))
        return FeatureTagger(tags: tags, extractor: AttributeExtractor(templates: data.extractor.templates, table: data.extractor.table),
                             emissions: SparseEmissionWeights(tagCount: k, offsets: offsets, labels: labels, weights: weights),
                             transitions: transitions, greedy: greedy)
    }
}
