/// The weights of (attribute, tag) features, stored compressed-row by attribute: attribute a
/// has features `offsets[a] ..< offsets[a + 1]`, feature f scoring tag `labels[f]` with
/// `weights[f]`. Only pairs a model can use are stored (the CRF's pairs seen in training, the
/// perceptron's non-zero averaged weights), so scoring a token touches a few dozen numbers:
///
///     E[t, k] = Σ_{a ∈ attributes(t)} Σ_{f ∈ features(a), labels[f] = k} weights[f]
public struct SparseEmissionWeights: Sendable {
    public let tagCount: Int
    public var offsets: [Int32]
    public var labels: [Int32]
    public var weights: [Float]

    public init(tagCount: Int, offsets: [Int32], labels: [Int32], weights: [Float]) {
        self.tagCount = tagCount
        self.offsets = offsets
        self.labels = labels
        self.weights = weights
    }

    public var attributeCount: Int { offsets.count - 1 }
    public var featureCount: Int { labels.count }

    /// The emission scores `[tokens, tags]` of a sentence's attributes, written to `scores`.
    public func scores(of attributes: SentenceAttributes, into scores: inout [Double]) {
        let tokens = attributes.offsets.count - 1
        scores.removeAll(keepingCapacity: true)
        scores.append(contentsOf: repeatElement(0, count: tokens * tagCount))
        offsets.withUnsafeBufferPointer { offsets in
        labels.withUnsafeBufferPointer { labels in
        weights.withUnsafeBufferPointer { weights in
        scores.withUnsafeMutableBufferPointer { scores in
            for token in 0..<tokens {
                let row = token * tagCount
                for slot in Int(attributes.offsets[token])..<Int(attributes.offsets[token + 1]) {
                    let attribute = Int(attributes.ids[slot])
                    for feature in Int(offsets[attribute])..<Int(offsets[attribute + 1]) {
                        scores[row + Int(labels[feature])] += Double(weights[feature])
                    }
                }
            }
        }}}}
    }
}

/// A tagger that scores tags with sparse attribute features and first-order transitions, and
/// decodes with Viterbi (or greedily): what the trained CRF and perceptron become.
public final class FeatureTagger {
    public let tags: [String]
    public let extractor: AttributeExtractor
    public let emissions: SparseEmissionWeights
    public let transitions: TransitionScores
    public let greedy: Bool
    private var scores: [Double] = []

    public init(tags: [String], extractor: AttributeExtractor, emissions: SparseEmissionWeights, transitions: TransitionScores, greedy: Bool) {
        self.tags = tags
        extractor.freeze()
        self.extractor = extractor
        self.emissions = emissions
        self.transitions = transitions
        self.greedy = greedy
    }

    /// Tag indices for `words`.
    public func tag(_ words: [String]) -> [Int] {
        let attributes = extractor.attributes(of: words)
        emissions.scores(of: attributes, into: &scores)
        return scores.withUnsafeBufferPointer { scores in
            greedy ? Viterbi.greedy(emissions: scores, length: words.count, transitions: transitions)
                : Viterbi.decode(emissions: scores, length: words.count, transitions: transitions).path
        }
    }
}
