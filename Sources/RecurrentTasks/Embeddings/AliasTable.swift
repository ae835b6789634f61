import Foundation

/// Walker's alias method (Vose's construction): draws from a discrete distribution over `n`
/// outcomes in constant time with two arrays of `n` entries, instead of the original word2vec's
/// table of 10⁸ entries or gensim's binary search over cumulative counts.
///
/// A draw picks bucket `b` uniformly, then a uniform 32-bit number `r`: the outcome is `b` when
/// `r < thresholds[b]`, else `aliases[b]`. Outcome `i` therefore has probability
///
///     P(i) = (thresholds[i] / 2³² + Σ_{b : aliases[b] = i} (1 - thresholds[b] / 2³²)) / n
///
/// which ``probabilities`` computes, and which equals the given weights normalized to within
/// 2⁻³² per bucket.
public struct AliasTable: Equatable, Sendable {
    /// Per bucket: keep the bucket's own outcome when a uniform 32-bit number is below this.
    public let thresholds: [UInt32]
    /// Per bucket: the outcome taken otherwise.
    public let aliases: [Int32]

    /// A table for outcomes with the given non-negative `weights` (not all zero).
    public init(weights: [Double]) {
        let count = weights.count
        let total = weights.reduce(0, +)
        precondition(count > 0 && total > 0 && weights.allSatisfy { $0 >= 0 }, "AliasTable: weights must be non-negative and not all zero")
        // Scaled so the average bucket holds 1; buckets below 1 borrow from one above 1.
        var scaled = weights.map { $0 * Double(count) / total }
        var small: [Int] = [], large: [Int] = []
        for (index, value) in scaled.enumerated() {
            if value < 1 { small.append(index) } else { large.append(index) }
        }
        var thresholds = [UInt32](repeating: UInt32.max, count: count)
        var aliases = (0..<count).map { Int32($0) }
        while let lower = small.popLast(), let upper = large.last {
            thresholds[lower] = UInt32(min(scaled[lower] * 4_294_967_296, 4_294_967_295).rounded())
            aliases[lower] = Int32(upper)
            scaled[upper] -= 1 - scaled[lower]
            if scaled[upper] < 1 {
                large.removeLast()
                small.append(upper)
            }
        }
        // What is left holds 1 up to rounding: those buckets always keep their own outcome (their
        // alias is themselves, so even r = 2³² - 1 lands there).
        self.thresholds = thresholds
        self.aliases = aliases
    }

    /// The probability of each outcome that draws from this table have (see above).
    public var probabilities: [Double] {
        var result = [Double](repeating: 0, count: thresholds.count)
        for bucket in thresholds.indices {
            let keep = aliases[bucket] == Int32(bucket) ? 1 : Double(thresholds[bucket]) / 4_294_967_296
            result[bucket] += keep
            result[Int(aliases[bucket])] += 1 - keep
        }
        return result.map { $0 / Double(thresholds.count) }
    }

    /// The negative-sampling distribution of word2vec: P(w) ∝ count(w)^0.75 (Mikolov et al. 2013),
    /// which draws rare words more often than their frequency.
    public static func negativeSampling(counts: [Int], power: Double = 0.75) -> AliasTable {
        AliasTable(weights: counts.map { pow(Double($0), power) })
    }
}
