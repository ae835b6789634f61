import CRecurrentKernels
import Foundation
import RecurrentData
import RecurrentNN
import RecurrentTensor

/// One beam search over a batch of sentences (see ``DecodingOptions``): the live hypotheses of
/// every sentence are the rows of one decoder batch, so each step is one decoder step for all.
struct BeamSearchRun {
    /// A partial translation: its tokens so far, their log-probability, its row in the decoder
    /// batch, and (when recorded) the attention of each step.
    struct Partial {
        var tokens: [Int]
        var logProbability: Double
        var row: Int
        var attention: [[Float]]
    }

    let model: Seq2SeqModel
    let sources: [[Int]]
    let options: DecodingOptions

    func run() -> [[Hypothesis]] {
        let source = PaddedTokenBatch(sources.map { $0 + [Seq2SeqModel.end] }, padding: Seq2SeqModel.padding)
        let beamSize = options.beamSize, vocabulary = model.configuration.targetVocabularySize
        let maximumLengths = sources.map { options.maximumLength(sourceWords: $0.count) }
        var encoded = model.encode(source)
        var memorySentences = Array(sources.indices)  // the sentence of each row of encoded.memory
        var memory = encoded.memory
        var beams: [[Partial]] = sources.indices.map { [Partial(tokens: [], logProbability: 0, row: $0, attention: [])] }
        var finished = sources.map { _ in [Hypothesis]() }
        var step = 0
        while beams.contains(where: { !$0.isEmpty }) {
            // The decoder batch: every live hypothesis, sentence by sentence.
            let live = beams.indices.flatMap { sentence in beams[sentence].map { (sentence, $0) } }
            let (logits, state, weights) = model.decoder.step(live.map { $0.1.tokens.last ?? Seq2SeqModel.start }, state: encoded.state,
                                                              memory: memory)
            let logProbabilities = logits.logSoftmax()
            var nextBeams = beams.map { _ in [Partial]() }
            logProbabilities.withUnsafeBufferPointer { values in
                var offset = 0
                for sentence in beams.indices where !beams[sentence].isEmpty {
                    let hypotheses = beams[sentence]
                    defer { offset += hypotheses.count }
                    let forcedEnd = step >= maximumLengths[sentence]
                    // The 2·beam best extensions over all of the sentence's hypotheses, ties to the lower (row, token).
                    var candidates: [(score: Double, hypothesis: Int, token: Int)] = []
                    for (index, hypothesis) in hypotheses.enumerated() {
                        let row = values.baseAddress! + (offset + index) * vocabulary
                        if forcedEnd {
                            candidates.append((hypothesis.logProbability + Double(row[Seq2SeqModel.end]), index, Seq2SeqModel.end))
                        } else {
                            for (token, value) in topTokens(row, count: vocabulary, keep: 2 * beamSize) {
                                candidates.append((hypothesis.logProbability + Double(value), index, token))
                            }
                        }
                    }
                    candidates.sort { ($0.score, -$0.hypothesis, -$0.token) > ($1.score, -$1.hypothesis, -$1.token) }
                    for (rank, candidate) in candidates.prefix(2 * beamSize).enumerated() {
                        let parent = hypotheses[candidate.hypothesis]
                        var attention = parent.attention
                        if options.recordsAttention, let weights { attention.append(weights.row(parent.row, count: source.time)) }
                        if candidate.token == Seq2SeqModel.end {
                            guard rank < beamSize else { continue }
                            let length = Double(parent.tokens.count + 1)
                            finished[sentence].append(Hypothesis(tokens: parent.tokens, logProbability: candidate.score,
                                                                 score: candidate.score / Foundation.pow(length, options.lengthPenalty),
                                                                 attention: attention))
                        } else if nextBeams[sentence].count < beamSize {
                            // `row` holds the parent's row until the next batch is laid out.
                            nextBeams[sentence].append(Partial(tokens: parent.tokens + [candidate.token], logProbability: candidate.score,
                                                               row: parent.row, attention: attention))
                        }
                    }
                    // Done when the best extension of this step ends the sentence (every live one is then
                    // less likely, and extending lowers a log-probability), once n-best have finished.
                    let bestEnds = candidates.first?.token == Seq2SeqModel.end
                    if forcedEnd || (bestEnds && finished[sentence].count >= options.nBest) { nextBeams[sentence] = [] }
                }
            }
            // The next batch: the surviving hypotheses, sentence by sentence, each from its parent's row.
            var parents: [Int] = [], sentencesOfRows: [Int] = []
            for sentence in nextBeams.indices {
                for index in nextBeams[sentence].indices {
                    parents.append(nextBeams[sentence][index].row)
                    nextBeams[sentence][index].row = parents.count - 1
                    sentencesOfRows.append(sentence)
                }
            }
            beams = nextBeams
            guard !parents.isEmpty else { break }
            encoded.state = state.selecting(rows: parents)
            if sentencesOfRows != memorySentences, let full = encoded.memory {
                memory = full.selecting(rows: sentencesOfRows)
                memorySentences = sentencesOfRows
            }
            step += 1
        }
        return finished.map { hypotheses in
            Array(hypotheses.enumerated().sorted { ($0.element.score, -$0.offset) > ($1.element.score, -$1.offset) }
                .map(\.element).prefix(options.nBest))
        }
    }
}

/// The `keep` largest of `count` values with their indices, largest first (the lower index first
/// among equals): one pass with a small sorted buffer, as `keep` is a few and `count` thousands.
func topTokens(_ values: UnsafePointer<Float>, count: Int, keep: Int) -> [(token: Int, value: Float)] {
    var top: [(token: Int, value: Float)] = []
    top.reserveCapacity(keep + 1)
    for index in 0..<count {
        let value = values[index]
        if top.count == keep, let last = top.last, !(value > last.value) { continue }
        var position = top.count
        while position > 0 && value > top[position - 1].value { position -= 1 }
        top.insert((index, value), at: position)
        if top.count > keep { top.removeLast() }
    }
    return top
}
