import Foundation
import RecurrentData

/// How the HMM tagger is estimated.
public struct HMMOptions: Codable, Equatable, Sendable {
    public enum Smoothing: String, Codable, CaseIterable, Sendable {
        /// TnT's deleted interpolation of unigram, bigram (and trigram) estimates.
        case interpolation
        /// Add-k (Lidstone) on the highest-order counts.
        case addk
    }
    /// 2 (bigram) or 3 (trigram).
    public var order = 3
    public var smoothing = Smoothing.interpolation
    public var addK = 0.1
    /// Longest suffix the unknown-word model looks at.
    public var suffixLength = 10
    /// Words seen at most this often train the unknown-word model.
    public var rareWordThreshold = 10
    /// β: rare training words also get the tags their suffix suggests, with this weight
    /// beside their counts (0: only the tags they were seen with, as TnT).
    public var rareWordSmoothing = 0.0
    /// The most frequent training words whose emission also depends on the previous tag,
    /// P(w | tᵢ₋₁, tᵢ), as in lexicalized HMMs (Lee, Kim and Seo 2000): `that`, `to`, `have`,
    /// whose tag the tag before them tells (0: none, as TnT).
    public var lexicalizedWords = 300
    /// μ in P(w | b, c) = (f(w, b, c) + μ·P(w | c)) / (f(b, c) + μ).
    public var lexicalSmoothing = 100.0
    /// Baum-Welch iterations on `--unlabeled` text.
    public var emIterations = 10
    /// The weight of the labeled counts beside the unlabeled text's expected counts in Baum-Welch.
    public var labeledWeight = 1.0

    public init() {}
}

/// The counts of a tagged corpus an HMM is estimated from. Tag index K is `<s>` in a history and
/// `</s>` as an outcome; each sentence t₁…tₙ contributes the outcomes t₁…tₙ, `</s>` with histories
/// (`<s>`, `<s>`), (`<s>`, t₁), …, (tₙ₋₁, tₙ).
public struct HMMCounts: Sendable {
    public let tagCount: Int
    /// `[K+1]`, `[K+1, K+1]`, `[K+1, K+1, K+1]` (history tags first, outcome last).
    public var unigrams: [Double], bigrams: [Double], trigrams: [Double]
    /// word → counts per tag `[K]`.
    public var emissions: [String: [Double]]
    /// Words in order of first appearance (for reproducible tables).
    public var wordOrder: [String]
    /// Lexicalized words → counts of (previous tag b, tag c) `[K+1, K]` (b = K: `<s>`), in `lexicalOrder`.
    public var lexical: [String: [Double]] = [:]
    public var lexicalOrder: [String] = []

    public init(tagCount: Int) {
        self.tagCount = tagCount
        let width = tagCount + 1
        unigrams = Array(repeating: 0, count: width)
        bigrams = Array(repeating: 0, count: width * width)
        trigrams = Array(repeating: 0, count: width * width * width)
        emissions = [:]
        wordOrder = []
    }

    /// Adds a tagged sentence (tag indices) with a weight.
    public mutating func add(words: [String], tags: [Int], weight: Double = 1) {
        let k = tagCount, width = k + 1
        var (a, b) = (k, k)
        for (word, c) in zip(words, tags) + [("", k)] {
            unigrams[c] += weight
            bigrams[b * width + c] += weight
            trigrams[(a * width + b) * width + c] += weight
            if c < k {
                if emissions[word] == nil {
                    emissions[word] = Array(repeating: 0, count: k)
                    wordOrder.append(word)
                }
                emissions[word]![c] += weight
            }
            (a, b) = (b, c)
        }
    }
}

/// Estimates an ``HMMTagger`` from counts (Brants 2000, "TnT — a statistical part-of-speech tagger").
///
/// Transitions, by deleted interpolation:
///
///     P(c | a, b) = λ₁ P̂(c) + λ₂ P̂(c | b) + λ₃ P̂(c | a, b),   P̂ the relative frequencies
///
/// where each trigram (a, b, c) seen f > 0 times adds f to the λ whose estimate, computed with
/// that trigram left out ((f(abc) - 1) / (f(ab) - 1), (f(bc) - 1) / (f(b) - 1), (f(c) - 1) / (N - 1)),
/// is largest; then the λ are normalized to sum to 1 (and a history whose trigram or bigram
/// context never occurred has its distribution renormalized). With add-k instead:
/// P(c | a, b) = (f(abc) + k) / (f(ab) + k·(K + 1)). A bigram model drops a everywhere.
/// Emissions of known words are relative frequencies f(w, t) / f(t).
public enum HMMTrainer {
    public static func estimate(_ counts: HMMCounts, tags: [String], options: HMMOptions) -> HMMTagger {
        let k = counts.tagCount, width = k + 1
        let total = counts.unigrams.reduce(0, +)
        func ratio(_ part: Double, _ whole: Double) -> Double { whole > 0 ? part / whole : 0 }
        var bigramContext = [Double](repeating: 0, count: width), trigramContext = [Double](repeating: 0, count: width * width)
        for b in 0..<width { for c in 0..<width { bigramContext[b] += counts.bigrams[b * width + c] } }
        for ab in 0..<(width * width) { for c in 0..<width { trigramContext[ab] += counts.trigrams[ab * width + c] } }

        var transitions = [Double](repeating: 0, count: width * width * width)
        let trigram = options.order >= 3
        switch options.smoothing {
        case .addk:
            for a in 0..<width {
                for b in 0..<width {
                    for c in 0..<width {
                        let p = trigram
                            ? (counts.trigrams[(a * width + b) * width + c] + options.addK) / (trigramContext[a * width + b] + options.addK * Double(width))
                            : (counts.bigrams[b * width + c] + options.addK) / (bigramContext[b] + options.addK * Double(width))
                        transitions[(a * width + b) * width + c] = log(p)
                    }
                }
            }
        case .interpolation:
            var lambdas = [0.0, 0.0, 0.0]
            for a in 0..<width {
                for b in 0..<width {
                    for c in 0..<width {
                        let f3 = counts.trigrams[(a * width + b) * width + c], f2 = counts.bigrams[b * width + c]
                        let frequency = trigram ? f3 : f2
                        guard frequency > 0, trigram || a == 0 else { continue }
                        let estimates = [ratio(counts.unigrams[c] - 1, total - 1), ratio(f2 - 1, bigramContext[b] - 1),
                                         trigram ? ratio(f3 - 1, trigramContext[a * width + b] - 1) : -1]
                        // Ties go to the higher order.
                        var best = 0
                        for order in 1..<3 where estimates[order] >= estimates[best] { best = order }
                        lambdas[best] += frequency
                    }
                }
            }
            let sum = lambdas.reduce(0, +)
            lambdas = sum > 0 ? lambdas.map { $0 / sum } : (trigram ? [0.1, 0.3, 0.6] : [0.3, 0.7, 0])
            for a in 0..<width {
                for b in 0..<width {
                    for c in 0..<width {
                        let p = lambdas[0] * ratio(counts.unigrams[c], total) + lambdas[1] * ratio(counts.bigrams[b * width + c], bigramContext[b])
                            + lambdas[2] * ratio(counts.trigrams[(a * width + b) * width + c], trigramContext[a * width + b])
                        transitions[(a * width + b) * width + c] = log(p)
                    }
                }
            }
        }
        // A history whose longer contexts were never seen loses their λ: renormalize each
        // history's distribution so it sums to 1, as a proper HMM (and Baum-Welch) needs.
        for ab in 0..<(width * width) {
            let total = (0..<width).reduce(0.0) { $0 + exp(transitions[ab * width + $1]) }
            guard total > 0 else { continue }
            for c in 0..<width { transitions[ab * width + c] -= log(total) }
        }

        // Emissions of known words.
        var tagTotals = [Double](repeating: 0, count: k)
        for word in counts.wordOrder { for tag in 0..<k { tagTotals[tag] += counts.emissions[word]![tag] } }
        let tagTotal = tagTotals.reduce(0, +)
        let priors = tagTotals.map { ratio($0, tagTotal) }
        var rare: [(word: String, tag: Int, count: Int)] = []
        for word in counts.wordOrder {
            let row = counts.emissions[word]!
            if row.reduce(0, +) <= Double(options.rareWordThreshold) {
                for tag in 0..<k where row[tag] > 0 { rare.append((word, tag, Int(row[tag]))) }
            }
        }
        let suffixes = SuffixModel(rareWords: rare, tagProbabilities: priors, maximumLength: options.suffixLength)
        var words: [String: Int32] = [:], offsets: [Int32] = [0], labels: [Int32] = [], logProbabilities: [Double] = []
        for word in counts.wordOrder {
            let row = counts.emissions[word]!, total = row.reduce(0, +)
            words[word] = Int32(words.count)
            if options.rareWordSmoothing > 0, total <= Double(options.rareWordThreshold), let guess = suffixes.logProbabilities(for: word) {
                // P(t | w) = (f(w, t) + β·P(t | suffix)) / (f(w) + β), scored as P(t | w) / P(t), which
                // differs from P(w | t) only by the word's own constant P(w).
                let beta = options.rareWordSmoothing
                for tag in 0..<k {
                    let probability = (row[tag] + beta * exp(guess[guess.startIndex + tag])) / (total + beta)
                    guard probability > 0, priors[tag] > 0 else { continue }
                    labels.append(Int32(tag))
                    logProbabilities.append(log(probability) - log(priors[tag]))
                }
            } else {
                for tag in 0..<k where row[tag] > 0 {
                    labels.append(Int32(tag))
                    logProbabilities.append(log(row[tag] / tagTotals[tag]))
                }
            }
            offsets.append(Int32(labels.count))
        }
        // P(w | b, c) = (f(w, b, c) + μ·P(w | c)) / (f(b, c) + μ) for the lexicalized words.
        var lexicalWords: [String: Int32] = [:], lexical: [Double] = []
        for word in counts.lexicalOrder {
            guard let pairs = counts.lexical[word], let row = counts.emissions[word] else { continue }
            lexicalWords[word] = Int32(lexicalWords.count)
            for b in 0..<width {
                for c in 0..<k {
                    let p = (pairs[b * k + c] + options.lexicalSmoothing * ratio(row[c], tagTotals[c]))
                        / (counts.bigrams[b * width + c] + options.lexicalSmoothing)
                    lexical.append(p > 0 ? log(p) : -Double.infinity)
                }
            }
        }
        return HMMTagger(tags: tags, logTransitions: transitions, words: words, emissionOffsets: offsets, emissionLabels: labels,
                         emissionLogProbabilities: logProbabilities, suffixes: suffixes,
                         logTagPriors: priors.map { $0 > 0 ? log($0) : -Double.infinity },
                         lexicalWords: lexicalWords, lexicalLogProbabilities: lexical)
    }

    /// The counts of a tagged corpus whose tags are all in `tags`.
    public static func count(_ corpus: TaggedCorpus, tags: SymbolTable, lexicalizedWords: Int = 0) throws -> HMMCounts {
        var counts = HMMCounts(tagCount: tags.count)
        var indexed: [[Int]] = []
        for sentence in corpus.sentences {
            var indices: [Int] = []
            for (position, tag) in sentence.tags.enumerated() {
                guard let index = tags.index(of: tag) else { throw TaggerEvaluation.unknownTag(tag, in: sentence, at: position, file: corpus.file, tags: tags) }
                indices.append(index)
            }
            counts.add(words: sentence.words, tags: indices)
            indexed.append(indices)
        }
        guard lexicalizedWords > 0 else { return counts }
        // The most frequent words (ties: first appearance), then their (previous tag, tag) counts.
        let k = tags.count
        let totals = counts.wordOrder.map { counts.emissions[$0]!.reduce(0, +) }
        let ranked = counts.wordOrder.indices.sorted { totals[$0] != totals[$1] ? totals[$0] > totals[$1] : $0 < $1 }
        counts.lexicalOrder = ranked.prefix(lexicalizedWords).map { counts.wordOrder[$0] }
        for word in counts.lexicalOrder { counts.lexical[word] = Array(repeating: 0, count: (k + 1) * k) }
        for (sentence, indices) in zip(corpus.sentences, indexed) {
            for (position, word) in sentence.words.enumerated() where counts.lexical[word] != nil {
                let previous = position == 0 ? k : indices[position - 1]
                counts.lexical[word]![previous * k + indices[position]] += 1
            }
        }
        return counts
    }
}
