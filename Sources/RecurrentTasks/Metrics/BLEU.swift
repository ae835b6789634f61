import Foundation

/// Corpus BLEU (Papineni et al. 2002) exactly as sacreBLEU 2 computes it by default: each
/// segment right-stripped (and lower-cased for ``Options/lowercase``), tokenized with
/// ``Tokenizer13a``, n-grams of orders 1…4 counted, each hypothesis n-gram's count clipped to its
/// largest count in any reference, and over the whole corpus
///
///     p_n = 100 · matches_n / total_n       (exponential smoothing where matches_n = 0:
///                                             the k-th such order gets 100 / (2^k · total_n))
///     BP  = 1 if c ≥ r else exp(1 - r / c)  (c: hypothesis tokens; r: for each segment the
///                                             reference length closest to it, the shorter on ties)
///     BLEU = BP · exp(Σ_n log p_n / 4)       (log 0 taken as -9999999999)
///
/// and BLEU = 0 when no n-gram matches at all. The statistics are sums over segments, so they
/// can be accumulated batch by batch.
public struct BLEU: Equatable, Sendable {
    public static let maximumOrder = 4

    /// The sufficient statistics of BLEU: counts summed over segments.
    public struct Statistics: Equatable, Sendable {
        /// Matched (clipped) n-grams of orders 1…4.
        public var matches = [Int](repeating: 0, count: BLEU.maximumOrder)
        /// Hypothesis n-grams of orders 1…4.
        public var totals = [Int](repeating: 0, count: BLEU.maximumOrder)
        public var hypothesisLength = 0
        public var referenceLength = 0

        public init() {}

        public static func += (lhs: inout Statistics, rhs: Statistics) {
            for n in 0..<BLEU.maximumOrder {
                lhs.matches[n] += rhs.matches[n]
                lhs.totals[n] += rhs.totals[n]
            }
            lhs.hypothesisLength += rhs.hypothesisLength
            lhs.referenceLength += rhs.referenceLength
        }
    }

    /// The score, 0…100.
    public let score: Double
    /// The n-gram precisions p_1…p_4 in percent (all 0 when nothing matched).
    public let precisions: [Double]
    public let brevityPenalty: Double
    public let statistics: Statistics

    /// Hypothesis length / reference length (0 for an empty reference).
    public var ratio: Double {
        statistics.referenceLength == 0 ? 0 : Double(statistics.hypothesisLength) / Double(statistics.referenceLength)
    }

    /// The score of corpus statistics (sacreBLEU's `compute_bleu` with `smooth_method='exp'`).
    public init(_ statistics: Statistics) {
        self.statistics = statistics
        let (c, r) = (statistics.hypothesisLength, statistics.referenceLength)
        brevityPenalty = c < r ? (c > 0 ? Foundation.exp(1 - Double(r) / Double(c)) : 0) : 1
        var precisions = [Double](repeating: 0, count: Self.maximumOrder)
        guard statistics.matches.contains(where: { $0 != 0 }) else {
            self.precisions = precisions
            score = 0
            return
        }
        var smoothing = 1.0
        for n in 0..<Self.maximumOrder {
            let (matched, total) = (statistics.matches[n], statistics.totals[n])
            if total == 0 { break }
            if matched == 0 {
                smoothing *= 2
                precisions[n] = 100 / (smoothing * Double(total))
            } else {
                precisions[n] = 100 * Double(matched) / Double(total)
            }
        }
        self.precisions = precisions
        let logSum = precisions.reduce(0.0) { $0 + ($1 == 0 ? -9999999999 : Foundation.log($1)) }
        score = brevityPenalty * Foundation.exp(logSum / Double(Self.maximumOrder))
    }

    /// How segments are prepared before counting.
    public struct Options: Equatable, Sendable {
        /// Lower-case hypotheses and references first (sacreBLEU's `-lc`).
        public var lowercase = false
        public init(lowercase: Bool = false) { self.lowercase = lowercase }
    }

    /// Corpus BLEU of `hypotheses` against one or more reference streams (each as long as the
    /// hypotheses; a nil reference is missing for that segment, as sacreBLEU allows).
    public static func corpus(hypotheses: [String], references: [[String?]], options: Options = Options()) -> BLEU {
        precondition(references.allSatisfy { $0.count == hypotheses.count }, "BLEU: every reference stream needs one line per hypothesis")
        var total = Statistics()
        for (index, hypothesis) in hypotheses.enumerated() {
            total += segmentStatistics(hypothesis: hypothesis, references: references.compactMap { $0[index] }, options: options)
        }
        return BLEU(total)
    }

    /// Corpus BLEU against a single reference per segment.
    public static func corpus(hypotheses: [String], references: [String], options: Options = Options()) -> BLEU {
        corpus(hypotheses: hypotheses, references: [references.map { Optional($0) }], options: options)
    }

    /// The tokens a segment is counted on.
    public static func preprocess(_ segment: String, options: Options) -> [String] {
        Tokenizer13a.tokens(PythonText.rstrip(options.lowercase ? PythonText.lower(segment) : segment))
    }

    /// One segment's statistics.
    public static func segmentStatistics(hypothesis: String, references: [String], options: Options = Options()) -> Statistics {
        segmentStatistics(hypothesisTokens: preprocess(hypothesis, options: options),
                          referenceTokens: references.map { preprocess($0, options: options) })
    }

    /// One segment's statistics from tokens.
    public static func segmentStatistics(hypothesisTokens hypothesis: [String], referenceTokens references: [[String]]) -> Statistics {
        var statistics = Statistics()
        var referenceCounts: [ArraySlice<String>: Int] = [:]
        for reference in references {
            for (ngram, count) in ngramCounts(reference) { referenceCounts[ngram] = Swift.max(referenceCounts[ngram] ?? 0, count) }
        }
        for (ngram, count) in ngramCounts(hypothesis) {
            statistics.totals[ngram.count - 1] += count
            statistics.matches[ngram.count - 1] += Swift.min(count, referenceCounts[ngram] ?? 0)
        }
        statistics.hypothesisLength = hypothesis.count
        // The closest reference length, the shorter on ties.
        var closest: Int?
        for length in references.map(\.count) {
            if let best = closest {
                let (difference, bestDifference) = (Swift.abs(hypothesis.count - length), Swift.abs(hypothesis.count - best))
                if difference < bestDifference || (difference == bestDifference && length < best) { closest = length }
            } else {
                closest = length
            }
        }
        statistics.referenceLength = closest ?? 0
        return statistics
    }

    static func ngramCounts(_ tokens: [String]) -> [ArraySlice<String>: Int] {
        var counts: [ArraySlice<String>: Int] = [:]
        for n in 1...maximumOrder where tokens.count >= n {
            for start in 0...(tokens.count - n) { counts[tokens[start..<(start + n)], default: 0] += 1 }
        }
        return counts
    }

    /// sacreBLEU's summary line: `BLEU = 35.12 65.3/41.2/28.5/20.0 (BP = 0.978 ratio = 0.978 hyp_len = 11 ref_len = 12)`.
    public var summary: String {
        String(format: "BLEU = %.2f %@ (BP = %.3f ratio = %.3f hyp_len = %d ref_len = %d)", score,
               precisions.map { String(format: "%.1f", $0) }.joined(separator: "/"), brevityPenalty, ratio,
               statistics.hypothesisLength, statistics.referenceLength)
    }

    /// The score, precisions, brevity penalty, ratio, lengths and counts as JSON-ready values.
    public var jsonObject: [String: Any] {
        ["score": score, "precisions": precisions, "brevity_penalty": brevityPenalty, "ratio": ratio,
         "hypothesis_length": statistics.hypothesisLength, "reference_length": statistics.referenceLength,
         "matches": statistics.matches, "totals": statistics.totals]
    }
}
