/// The tag-to-tag scores of a first-order (linear-chain) model over `tagCount` tags: a score for
/// every pair of neighbouring tags, for the first tag and for the last tag.
///
/// A path's score adds these to the per-token emission scores `E [time, tags]`:
///
///     score(y) = start[y₀] + Σₜ E[t, yₜ] + Σₜ₌₁ transitions[yₜ₋₁, yₜ] + end[y_{T-1}]
///
/// CRFs read them as log-potentials, the perceptron as weights; Viterbi and forward-backward
/// need nothing else.
public struct TransitionScores: Equatable, Sendable {
    public let tagCount: Int
    /// `[from, to]`, row-major: `transitions[from * tagCount + to]`.
    public var transitions: [Double]
    /// `[tags]`: the score of starting with each tag.
    public var start: [Double]
    /// `[tags]`: the score of ending with each tag.
    public var end: [Double]

    /// All scores zero.
    public init(tagCount: Int) {
        self.tagCount = tagCount
        transitions = Array(repeating: 0, count: tagCount * tagCount)
        start = Array(repeating: 0, count: tagCount)
        end = Array(repeating: 0, count: tagCount)
    }

    public init(tagCount: Int, transitions: [Double], start: [Double], end: [Double]) {
        precondition(transitions.count == tagCount * tagCount && start.count == tagCount && end.count == tagCount,
                     "TransitionScores: sizes do not match \(tagCount) tags")
        self.tagCount = tagCount
        self.transitions = transitions
        self.start = start
        self.end = end
    }

    /// The score of `path` given emissions `[path.count, tagCount]`, row-major.
    public func score(of path: [Int], emissions: UnsafeBufferPointer<Double>) -> Double {
        guard let first = path.first, let last = path.last else { return 0 }
        var total = start[first] + end[last]
        for (time, tag) in path.enumerated() {
            total += emissions[time * tagCount + tag]
            if time > 0 { total += transitions[path[time - 1] * tagCount + tag] }
        }
        return total
    }
}
