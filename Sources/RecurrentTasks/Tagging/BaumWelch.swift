import Foundation
import RecurrentData

/// Baum-Welch (expectation-maximization) for the second-order HMM on untagged sentences,
/// continuing from a tagger estimated on tagged ones.
///
/// It maximizes J(θ) = log p(U | θ) + λ·log p(L, tags | θ): the likelihood of the untagged
/// text U, plus the tagged corpus L weighted by λ (`labeledWeight`, 0 for plain Baum-Welch).
/// Each iteration computes, by forward-backward over pairs of tags (scaled: each forward
/// vector is renormalized, and log p(U) is the sum of the logs of the normalizers), the
/// expected trigram and (word, tag) counts of U, then sets
///
///     P(c | a, b) = (λ f_L(abc) + E_U[f(abc)]) / Σ_c′ (λ f_L(abc′) + E_U[f(abc′)])
///     P(w | t)    = (λ f_L(w, t) + E_U[f(w, t)]) / Σ_w′ (…)
///
/// EM never decreases J. The first expectation uses the supervised tagger as it is (its
/// unknown-word scores from the suffix model are not probabilities), so J is reported from the
/// first re-estimated model on, and every value reported is at least the one before. Words of U
/// join the emission table; the suffix model still guesses words seen in neither.
enum BaumWelch {
    /// The model after `options.emIterations` iterations, its emission words (L's first), and
    /// through `onIteration(iteration, J)` the objective of each re-estimated model.
    static func run(_ tagger: HMMTagger, labeled: HMMCounts, unlabeled: TaggedCorpus, options: HMMOptions,
                    onIteration: (Int, Double) -> Bool) -> (tagger: HMMTagger, words: [String]) {
        let k = tagger.tagCount, width = k + 1
        // The vocabulary: the labeled words, then the new words of U.
        var vocabulary = SymbolTable(labeled.wordOrder)
        let sentences = unlabeled.sentences.filter { !$0.words.isEmpty }.map { $0.words.map { vocabulary.add($0) } }
        let v = vocabulary.count
        let weight = options.labeledWeight
        // θ₀: the supervised tagger's transitions and emission scores.
        var transitions = tagger.logTransitions.map { exp($0) }
        var emissions = [Double](repeating: 0, count: v * k)
        for (index, word) in vocabulary.symbols.enumerated() {
            for (tag, score) in tagger.emissionCandidates(word) { emissions[index * k + tag] = exp(score) }
        }
        var labeledEmissions = [Double](repeating: 0, count: v * k)
        for (index, word) in labeled.wordOrder.enumerated() {
            for tag in 0..<k { labeledEmissions[index * k + tag] = labeled.emissions[word]![tag] }
        }
        func labeledLogLikelihood() -> Double {
            var total = 0.0
            for index in 0..<(width * width * width) where labeled.trigrams[index] > 0 { total += labeled.trigrams[index] * log(transitions[index]) }
            for index in 0..<(v * k) where labeledEmissions[index] > 0 { total += labeledEmissions[index] * log(emissions[index]) }
            return total
        }
        let iterations = max(options.emIterations, 1)
        var stopped = false
        for iteration in 0...iterations {
            var expectedTrigrams = [Double](repeating: 0, count: width * width * width)
            var expectedEmissions = [Double](repeating: 0, count: v * k)
            var logLikelihood = 0.0
            for sentence in sentences {
                logLikelihood += expectedCounts(sentence, tagCount: k, transitions: transitions, emissions: emissions,
                                                trigrams: &expectedTrigrams, emissionCounts: &expectedEmissions)
            }
            if iteration >= 1 {
                if !onIteration(iteration, logLikelihood + (weight > 0 ? weight * labeledLogLikelihood() : 0)) { stopped = true }
            }
            if iteration == iterations || stopped { break }
            // M-step.
            for ab in 0..<(width * width) {
                var total = 0.0
                for c in 0..<width { total += weight * labeled.trigrams[ab * width + c] + expectedTrigrams[ab * width + c] }
                guard total > 0 else { continue }
                for c in 0..<width { transitions[ab * width + c] = (weight * labeled.trigrams[ab * width + c] + expectedTrigrams[ab * width + c]) / total }
            }
            var tagTotals = [Double](repeating: 0, count: k)
            for index in 0..<(v * k) { tagTotals[index % k] += weight * labeledEmissions[index] + expectedEmissions[index] }
            for index in 0..<(v * k) {
                let total = tagTotals[index % k]
                emissions[index] = total > 0 ? (weight * labeledEmissions[index] + expectedEmissions[index]) / total : 0
            }
        }
        // The re-estimated tagger: sparse emission rows of the non-zero probabilities.
        var words: [String: Int32] = [:], offsets: [Int32] = [0], labels: [Int32] = [], logProbabilities: [Double] = []
        for (index, word) in vocabulary.symbols.enumerated() {
            words[word] = Int32(index)
            for tag in 0..<k where emissions[index * k + tag] > 0 {
                labels.append(Int32(tag))
                logProbabilities.append(log(emissions[index * k + tag]))
            }
            offsets.append(Int32(labels.count))
        }
        let result = HMMTagger(tags: tagger.tags, logTransitions: transitions.map { log($0) }, words: words, emissionOffsets: offsets,
                               emissionLabels: labels, emissionLogProbabilities: logProbabilities, suffixes: tagger.suffixes,
                               logTagPriors: tagger.logTagPriors)
        return (result, vocabulary.symbols)
    }

    /// Forward-backward over tag pairs for one sentence (word indices): adds the expected
    /// trigram and emission counts, returns log p(sentence).
    static func expectedCounts(_ sentence: [Int], tagCount k: Int, transitions: [Double], emissions: [Double],
                               trigrams: inout [Double], emissionCounts: inout [Double]) -> Double {
        let n = sentence.count, width = k + 1, states = width * width
        var alpha = [Double](repeating: 0, count: n * states), beta = [Double](repeating: 0, count: n * states)
        var scales = [Double](repeating: 1, count: n)
        func e(_ position: Int, _ c: Int) -> Double { emissions[sentence[position] * k + c] }
        // Forward: α̂ᵢ(b, c), renormalized to sum 1.
        var logLikelihood = 0.0
        for position in 0..<n {
            var sum = 0.0
            for c in 0..<k {
                let emission = e(position, c)
                guard emission > 0 else { continue }
                if position == 0 {
                    let value = transitions[(k * width + k) * width + c] * emission
                    alpha[k * width + c] = value
                    sum += value
                } else {
                    // α̂ᵢ₋₁ is zero outside the pairs a sentence can have, so a runs over every history.
                    for b in 0..<k {
                        var total = 0.0
                        for a in 0..<width {
                            total += alpha[(position - 1) * states + a * width + b] * transitions[(a * width + b) * width + c]
                        }
                        let value = total * emission
                        alpha[position * states + b * width + c] = value
                        sum += value
                    }
                }
            }
            guard sum > 0 else { return -Double.infinity }
            scales[position] = sum
            for index in 0..<states { alpha[position * states + index] /= sum }
            logLikelihood += log(sum)
        }
        var endSum = 0.0
        for bc in 0..<states { endSum += alpha[(n - 1) * states + bc] * transitions[bc * width + k] }
        guard endSum > 0 else { return -Double.infinity }
        logLikelihood += log(endSum)
        // Backward, scaled to match.
        for bc in 0..<states { beta[(n - 1) * states + bc] = transitions[bc * width + k] / endSum }
        for position in stride(from: n - 2, through: 0, by: -1) {
            for a in 0..<width {
                for b in 0..<k {
                    var total = 0.0
                    for c in 0..<k {
                        total += transitions[(a * width + b) * width + c] * e(position + 1, c) * beta[(position + 1) * states + b * width + c]
                    }
                    beta[position * states + a * width + b] = total / scales[position + 1]
                }
            }
        }
        // Expected counts.
        for c in 0..<k {
            let first = alpha[k * width + c] * beta[k * width + c]
            trigrams[(k * width + k) * width + c] += first
        }
        for position in 0..<n {
            for b in 0..<width {
                for c in 0..<k {
                    let gamma = alpha[position * states + b * width + c] * beta[position * states + b * width + c]
                    emissionCounts[sentence[position] * k + c] += gamma
                }
            }
            if position >= 1 {
                for a in 0..<width {
                    for b in 0..<k {
                        let forward = alpha[(position - 1) * states + a * width + b]
                        guard forward > 0 else { continue }
                        for c in 0..<k {
                            trigrams[(a * width + b) * width + c] += forward * transitions[(a * width + b) * width + c] * e(position, c)
                                * beta[position * states + b * width + c] / scales[position]
                        }
                    }
                }
            }
        }
        for bc in 0..<states { trigrams[bc * width + k] += alpha[(n - 1) * states + bc] * transitions[bc * width + k] / endSum }
        return logLikelihood
    }
}
