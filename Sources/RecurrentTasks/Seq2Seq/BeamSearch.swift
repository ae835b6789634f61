import CRecurrentKernels
import RecurrentData
import RecurrentNN
import RecurrentTensor

/// A finished translation: target tokens (without `</s>`) and their scores.
public struct Hypothesis: Equatable, Sendable {
    public var tokens: [Int]
    /// log p(tokens, </s> | source), natural log.
    public var logProbability: Double
    /// The score beam search ranks by: logProbability / length^α, length counting `</s>`.
    public var score: Double
    /// For each output position (the tokens, then `</s>` when the hypothesis ended with it), the
    /// attention weights over the source positions; empty unless recorded.
    public var attention: [[Float]]
}

/// Decoding settings: beam size, length normalization, maximum length, hypotheses kept.
///
/// Beam search keeps the `beamSize` best partial translations of each sentence. At each step it
/// extends every one by every token, and among the 2·beamSize best extensions (by accumulated
/// log-probability) takes, in order, those ending with `</s>` that rank within the first
/// `beamSize` as finished, and the others as the next beam until it has `beamSize`. A sentence is
/// done when the best extension of a step ends with `</s>` and `nBest` translations have finished
/// (OpenNMT's rule: every live translation is then less likely than a finished one, and can only
/// lose probability), or at the maximum length, where every live one is ended with `</s>`.
/// Finished translations are ranked by log p / length^α (α = 0: no normalization, and the search
/// returns the most likely translation it saw; α = 1: the mean log-probability per token). A beam
/// of 1 is greedy search.
public struct DecodingOptions: Codable, Equatable, Sendable {
    public var beamSize = 5
    /// α of the length normalization.
    public var lengthPenalty = 1.0
    /// A translation has at most ceil(ratio · source words) + `maximumLengthOffset` tokens before `</s>`.
    public var maximumLengthRatio = 2.0
    public var maximumLengthOffset = 5
    /// How many finished translations to return per sentence (at most the beam size).
    public var nBest = 1
    /// Keep each translation's attention weights.
    public var recordsAttention = false

    public init(beamSize: Int = 5, lengthPenalty: Double = 1, maximumLengthRatio: Double = 2, maximumLengthOffset: Int = 5, nBest: Int = 1,
                recordsAttention: Bool = false) {
        self.beamSize = beamSize
        self.lengthPenalty = lengthPenalty
        self.maximumLengthRatio = maximumLengthRatio
        self.maximumLengthOffset = maximumLengthOffset
        self.nBest = nBest
        self.recordsAttention = recordsAttention
    }

    /// The most tokens before `</s>` for a source of `sourceWords` words (without its `</s>`).
    public func maximumLength(sourceWords: Int) -> Int {
        Swift.max(0, Int((maximumLengthRatio * Double(sourceWords)).rounded(.up)) + maximumLengthOffset)
    }

    public var problem: String? {
        if beamSize < 1 { return "the beam size must be at least 1" }
        if nBest < 1 || nBest > beamSize { return "the n-best count must be in 1...\(beamSize) (the beam size)" }
        if !(lengthPenalty >= 0 && lengthPenalty.isFinite) { return "the length penalty must be a number ≥ 0" }
        if !(maximumLengthRatio >= 0 && maximumLengthRatio.isFinite) || maximumLengthOffset < 0 {
            return "the maximum length ratio and offset must be ≥ 0"
        }
        return nil
    }
}

extension Seq2SeqModel {
    /// Translates source sentences (token indices without `</s>`, which is appended), all at
    /// once as one batch: for each sentence its `nBest` best translations, best first.
    public func beamSearch(_ sources: [[Int]], options: DecodingOptions) -> [[Hypothesis]] {
        precondition(options.problem == nil, "beamSearch: \(options.problem ?? "")")
        guard !sources.isEmpty else { return [] }
        let wasTraining = isTraining
        setTraining(false)
        defer { setTraining(wasTraining) }
        return withoutGradient { BeamSearchRun(model: self, sources: sources, options: options).run() }
    }

    /// Greedy decoding: at each step the most likely token, until `</s>` or the maximum length
    /// (then the translation is ended there); batched over the sentences.
    public func greedy(_ sources: [[Int]], options: DecodingOptions = DecodingOptions(beamSize: 1)) -> [Hypothesis] {
        guard !sources.isEmpty else { return [] }
        let wasTraining = isTraining
        setTraining(false)
        defer { setTraining(wasTraining) }
        return withoutGradient {
            let source = PaddedTokenBatch(sources.map { $0 + [Self.end] }, padding: Self.padding)
            var encoded = encode(source)
            var rows = Array(sources.indices)  // the sentence of each row
            var results = sources.map { _ in Hypothesis(tokens: [], logProbability: 0, score: 0, attention: []) }
            var tokens = [Int](repeating: Self.start, count: sources.count)
            var step = 0
            while !rows.isEmpty {
                let (logits, state, weights) = decoder.step(tokens, state: encoded.state, memory: encoded.memory)
                let logProbabilities = logits.logSoftmax()
                var keep: [Int] = []
                logProbabilities.withUnsafeBufferPointer { values in
                    let vocabulary = configuration.targetVocabularySize
                    for (row, sentence) in rows.enumerated() {
                        let last = step >= options.maximumLength(sourceWords: sources[sentence].count)
                        let best = last ? Self.end : argmax(values.baseAddress! + row * vocabulary, count: vocabulary)
                        results[sentence].logProbability += Double(values[row * vocabulary + best])
                        if options.recordsAttention, let weights { results[sentence].attention.append(weights.row(row, count: source.time)) }
                        if best == Self.end {
                            let length = Double(results[sentence].tokens.count + 1)
                            results[sentence].score = results[sentence].logProbability / Foundation.pow(length, options.lengthPenalty)
                        } else {
                            results[sentence].tokens.append(best)
                            keep.append(row)
                            tokens[keep.count - 1] = best
                        }
                    }
                }
                if keep.count < rows.count {
                    encoded = Encoded(memory: encoded.memory?.selecting(rows: keep), state: state.selecting(rows: keep),
                                      sourceLengths: keep.map { encoded.sourceLengths[$0] })
                    rows = keep.map { rows[$0] }
                } else {
                    encoded.state = state
                }
                tokens.removeLast(tokens.count - rows.count)
                step += 1
            }
            return results
        }
    }
}

/// The first index of the largest of `count` values.
func argmax(_ values: UnsafePointer<Float>, count: Int) -> Int {
    var best = 0
    for index in 1..<Swift.max(count, 1) where values[index] > values[best] { best = index }
    return best
}

extension Tensor {
    /// Row `row` of a `[rows, count]` matrix, as an array (no gradient).
    func row(_ row: Int, count: Int) -> [Float] {
        withUnsafeBufferPointer { Array($0[(row * count)..<((row + 1) * count)]) }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
