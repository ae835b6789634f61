import Foundation

/// TnT's guesser for words never seen in training (Brants 2000): the tag distribution of word
/// endings, learned from rare training words (frequency ≤ `rareWordThreshold`), one suffix tree
/// per spelling class (``WordShape/Class``: capitalized, lowercase, number, symbol).
///
/// The distribution for the last i letters l_{n-i+1}…l_n is smoothed with the one for the last
/// i-1 letters by successive abstraction:
///
///     P(t | lₙ₋ᵢ₊₁…lₙ) = (P̂(t | lₙ₋ᵢ₊₁…lₙ) + θ·P(t | lₙ₋ᵢ₊₂…lₙ)) / (1 + θ)
///
/// starting from the class's tag distribution for the empty suffix, with θ the standard
/// deviation of the unconditional tag probabilities. An unknown word gets the distribution of
/// its longest known suffix, and the HMM uses P(w | t) ∝ P(t | suffix) / P(t).
public struct SuffixModel: Sendable {
    public let tagCount: Int
    public let maximumLength: Int
    /// `"class|suffix"` → index into `logProbabilities [suffixes, tags]`.
    public private(set) var keys: [String]
    private var indices: [String: Int]
    public private(set) var logProbabilities: [Double]

    public init(tagCount: Int, maximumLength: Int, keys: [String], logProbabilities: [Double]) {
        self.tagCount = tagCount
        self.maximumLength = maximumLength
        self.keys = keys
        self.logProbabilities = logProbabilities
        indices = Dictionary(keys.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    }

    static func key(_ wordClass: WordShape.Class, _ suffix: Substring) -> String { "\(wordClass.rawValue)|" + suffix }

    /// Learns from `(word, tag, count)` for the rare words; `tagProbabilities` are P̂(t) over the corpus.
    public init(rareWords: [(word: String, tag: Int, count: Int)], tagProbabilities: [Double], maximumLength: Int) {
        let k = tagProbabilities.count
        let mean = tagProbabilities.reduce(0, +) / Double(max(k, 1))
        let variance = tagProbabilities.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(k - 1, 1))
        let theta = variance.squareRoot()
        var counts: [String: [Double]] = [:]
        var order: [String] = []
        for (word, tag, count) in rareWords {
            let wordClass = WordShape.wordClass(word)
            let characters = Array(word)
            for length in 0...min(maximumLength, characters.count) {
                let key = Self.key(wordClass, Substring(String(characters.suffix(length))))
                if counts[key] == nil {
                    counts[key] = Array(repeating: 0, count: k)
                    order.append(key)
                }
                counts[key]![tag] += Double(count)
            }
        }
        // Shorter suffixes first, so each one's parent is smoothed before it.
        order.sort { ($0.count, $0) < ($1.count, $1) }
        var smoothed: [String: [Double]] = [:]
        for key in order {
            let row = counts[key]!, total = row.reduce(0, +)
            let estimate = row.map { $0 / max(total, 1) }
            let separator = key.firstIndex(of: "|")!
            let suffix = key[key.index(after: separator)...]
            if suffix.isEmpty {
                smoothed[key] = estimate
            } else {
                let parent = String(key[...separator]) + String(suffix.dropFirst())
                let parentRow = smoothed[parent] ?? tagProbabilities
                smoothed[key] = (0..<k).map { (estimate[$0] + theta * parentRow[$0]) / (1 + theta) }
            }
        }
        var logProbabilities: [Double] = []
        logProbabilities.reserveCapacity(order.count * k)
        for key in order { logProbabilities += smoothed[key]!.map { $0 > 0 ? log($0) : -Double.infinity } }
        self.init(tagCount: k, maximumLength: maximumLength, keys: order, logProbabilities: logProbabilities)
    }

    /// log P(t | the longest known suffix of `word`), or nil when even its class is unknown.
    public func logProbabilities(for word: String) -> ArraySlice<Double>? {
        let wordClass = WordShape.wordClass(word)
        let characters = Array(word)
        for length in stride(from: min(maximumLength, characters.count), through: 0, by: -1) {
            if let index = indices[Self.key(wordClass, Substring(String(characters.suffix(length))))] {
                return logProbabilities[(index * tagCount)..<((index + 1) * tagCount)]
            }
        }
        return nil
    }
}
