/// Frequent-word subsampling (Mikolov et al. 2013), with the formula of the original word2vec
/// tool (and gensim): a word of count c in a text of T words is kept with probability
///
///     p(c) = min(1, (√(c / (s·T)) + 1) · s·T / c)
///
/// where s is the sample threshold (1e-3 by default); s = 0 keeps every word. Words of frequency
/// c/T up to about 2.6 s are always kept; at frequency 100 s, p = (10 + 1) / 100 = 0.11.
public enum Subsampling {
    /// The probability of keeping a word seen `count` times among `totalWords`.
    public static func keepProbability(count: Int, totalWords: Int, sample: Double) -> Double {
        guard sample > 0, count > 0 else { return 1 }
        let threshold = sample * Double(totalWords)
        return min(1, ((Double(count) / threshold).squareRoot() + 1) * threshold / Double(count))
    }

    /// Per word, its keep probability times 2³² as the training kernel reads it (`UInt32.max`:
    /// always kept).
    public static func keepThresholds(counts: [Int], sample: Double) -> [UInt32] {
        let total = counts.reduce(0, +)
        return counts.map { count in
            let probability = keepProbability(count: count, totalWords: total, sample: sample)
            return probability >= 1 ? UInt32.max : UInt32((probability * 4_294_967_296).rounded(.down))
        }
    }
}
