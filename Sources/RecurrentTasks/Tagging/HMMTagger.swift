import Foundation

/// A second-order hidden Markov model tagger, as TnT (Brants 2000):
///
///     argmax_{t₁…tₙ} Πᵢ P(tᵢ | tᵢ₋₂, tᵢ₋₁) · P(wᵢ | tᵢ) · P(</s> | tₙ₋₁, tₙ)
///
/// with two `<s>` tags before the first word. A bigram model is the special case
/// P(tᵢ | tᵢ₋₂, tᵢ₋₁) = P(tᵢ | tᵢ₋₁). Known words use P(w | t) from the emission table (a word
/// never seen with a tag cannot have it); unknown words use the ``SuffixModel``.
///
/// Decoding is Viterbi over pairs of tags, in log space:
///
///     δ₁(<s>, c) = log P(c | <s>, <s>) + log P(w₁ | c)
///     δᵢ(b, c) = maxₐ δᵢ₋₁(a, b) + log P(c | a, b) + log P(wᵢ | c)   (P(wᵢ | b, c) for lexicalized words)
///     best = max_{b,c} δₙ(b, c) + log P(</s> | b, c)
///
/// looping only over the tags each word can have, so it costs far less than O(n·K³).
public final class HMMTagger {
    public let tags: [String]
    /// K: the number of tags. Index K stands for `<s>` as a history and `</s>` as an outcome.
    public var tagCount: Int { tags.count }
    /// `[K+1, K+1, K+1]`: log P(c | a, b) at `(a·(K+1) + b)·(K+1) + c`.
    public var logTransitions: [Double]
    /// Emission table: word → row; row r's tags are `emissionLabels[emissionOffsets[r] ..< emissionOffsets[r+1]]`.
    public var words: [String: Int32]
    public var emissionOffsets: [Int32]
    public var emissionLabels: [Int32]
    public var emissionLogProbabilities: [Double]
    public let suffixes: SuffixModel
    /// log P(t) over the training tags, dividing the suffix model's P(t | suffix).
    public let logTagPriors: [Double]
    /// Lexicalized words → row of `lexicalLogProbabilities [words, K+1, K]`: log P(w | b, c), the
    /// word's emission given the previous tag b (K: `<s>`) as well as its own tag c.
    public var lexicalWords: [String: Int32]
    public var lexicalLogProbabilities: [Double]

    public init(tags: [String], logTransitions: [Double], words: [String: Int32], emissionOffsets: [Int32], emissionLabels: [Int32],
                emissionLogProbabilities: [Double], suffixes: SuffixModel, logTagPriors: [Double],
                lexicalWords: [String: Int32] = [:], lexicalLogProbabilities: [Double] = []) {
        self.lexicalWords = lexicalWords
        self.lexicalLogProbabilities = lexicalLogProbabilities
        self.tags = tags
        self.logTransitions = logTransitions
        self.words = words
        self.emissionOffsets = emissionOffsets
        self.emissionLabels = emissionLabels
        self.emissionLogProbabilities = emissionLogProbabilities
        self.suffixes = suffixes
        self.logTagPriors = logTagPriors
    }

    /// The candidate tags of a word with their log emission scores.
    func emissionCandidates(_ word: String) -> [(tag: Int, score: Double)] {
        if let row = words[word] ?? words[word.lowercased()] {
            return (Int(emissionOffsets[Int(row)])..<Int(emissionOffsets[Int(row) + 1])).map {
                (Int(emissionLabels[$0]), emissionLogProbabilities[$0])
            }
        }
        let k = tagCount
        guard let distribution = suffixes.logProbabilities(for: word) else {
            return (0..<k).map { ($0, 0) }
        }
        return (0..<k).compactMap { tag in
            let score = distribution[distribution.startIndex + tag] - logTagPriors[tag]
            return score.isFinite ? (tag, score) : nil
        }
    }

    /// Tag indices for `words`.
    public func tag(_ sentence: [String]) -> [Int] {
        let length = sentence.count, k = tagCount, width = k + 1
        guard length > 0 else { return [] }
        var candidates = sentence.map(emissionCandidates)
        for index in candidates.indices where candidates[index].isEmpty { candidates[index] = (0..<k).map { ($0, 0) } }
        // δ over (previous tag b, tag c), b = K (<s>) at the first word; back-pointers store a.
        var delta = [Double](repeating: -.infinity, count: width * width)
        var backPointers = [[Int32]](repeating: [], count: length)
        // A lexicalized word's emission also depends on the previous tag b.
        let lexicalRows = sentence.map { lexicalWords[$0].map(Int.init) }
        func emission(_ position: Int, _ b: Int, _ c: Int, _ score: Double) -> Double {
            guard let row = lexicalRows[position] else { return score }
            return lexicalLogProbabilities[(row * width + b) * k + c]
        }
        for (c, score) in candidates[0] { delta[k * width + c] = logTransitions[(k * width + k) * width + c] + emission(0, k, c, score) }
        backPointers[0] = Array(repeating: Int32(k), count: width * width)
        for position in 1..<max(length, 1) {
            var next = [Double](repeating: -.infinity, count: width * width)
            var pointers = [Int32](repeating: -1, count: width * width)
            let beforeTags = position >= 2 ? candidates[position - 2].map(\.tag) : [k]
            for b in candidates[position - 1].map(\.tag) {
                for (c, score) in candidates[position] {
                    var best = -Double.infinity, bestA: Int32 = -1
                    for a in beforeTags {
                        let value = delta[a * width + b]
                        guard value > -.infinity else { continue }
                        let candidate = value + logTransitions[(a * width + b) * width + c]
                        if candidate > best { best = candidate; bestA = Int32(a) }
                    }
                    next[b * width + c] = best + emission(position, b, c, score)
                    pointers[b * width + c] = bestA
                }
            }
            delta = next
            backPointers[position] = pointers
        }
        // The best final pair, with the end transition.
        var best = -Double.infinity, bestB = k, bestC = candidates[length - 1].first?.tag ?? 0
        let lastBefore = length >= 2 ? candidates[length - 2].map(\.tag) : [k]
        for b in lastBefore {
            for (c, _) in candidates[length - 1] {
                let value = delta[b * width + c] + logTransitions[(b * width + c) * width + k]
                if value > best { best = value; bestB = b; bestC = c }
            }
        }
        var path = [Int](repeating: 0, count: length)
        path[length - 1] = bestC
        if length >= 2 { path[length - 2] = bestB }
        if best == -.infinity {
            // No path has a non-zero probability (possible only with add-k off and odd data):
            // fall back to each word's best emission.
            return candidates.map { $0.max { $0.score < $1.score }?.tag ?? 0 }
        }
        var (b, c) = (bestB, bestC)
        for position in stride(from: length - 1, through: 2, by: -1) {
            let a = Int(backPointers[position][b * width + c])
            path[position - 2] = a
            (b, c) = (a, b)
        }
        return path
    }
}
