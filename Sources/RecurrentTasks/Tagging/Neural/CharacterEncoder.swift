import RecurrentData
import RecurrentNN
import RecurrentTensor

/// A word's vector from its characters (Ling et al. 2015, Lample et al. 2016): a bidirectional
/// LSTM reads the word's character embeddings, and the word is the last forward state joined
/// with the last backward state,
///
///     c₁…c_n = C[char₁], …, C[char_n]                     `embedding.weight` [characters, dimension]
///     h→ = LSTM→(c₁…c_n),  h← = LSTM←(c_n…c₁)              `rnn.weight_ih_l0`, …, `rnn.*_reverse`
///     vector(word) = [h→_n ; h←_1]                          [2 · hiddenSize]
///
/// so a word never seen in training still gets a vector from its prefix, suffix, capitals,
/// digits and hyphens. Words are batched: sorted by length and cut into groups of at most
/// ``groupSize``, each group one masked run of the fused LSTM, so short words do not pay for
/// the longest word's steps.
public final class CharacterEncoder: Layer {
    public let embedding: Embedding
    public let rnn: LSTM
    public var isTraining = true
    /// Words per run of the LSTM.
    public var groupSize = 128

    public init(characterCount: Int, dimension: Int, hiddenSize: Int, generator: inout RandomGenerator) {
        embedding = Embedding(vocabularySize: characterCount, dimension: dimension, paddingIndex: NeuralTaggerVocabulary.padding,
                              initializer: .uniform(limit: (3 / Float(dimension)).squareRoot()), generator: &generator)
        rnn = LSTM(inputSize: dimension, hiddenSize: hiddenSize, layers: 1, bidirectional: true, batchFirst: false,
                   generator: &generator)
    }

    public var children: [(name: String, layer: any Layer)] { [("embedding", embedding), ("rnn", rnn)] }

    /// `2 · hiddenSize`.
    public var outputSize: Int { 2 * rnn.hiddenSize }

    /// The vectors of `words` (each a non-empty list of character rows): `[words.count, outputSize]`.
    public func callAsFunction(_ words: [[Int]]) -> Tensor {
        precondition(words.allSatisfy { !$0.isEmpty }, "CharacterEncoder: every word needs at least one character")
        guard !words.isEmpty else { return Tensor.zeros([0, outputSize]) }
        let order = words.indices.sorted { (words[$0].count, $0) < (words[$1].count, $1) }
        var pieces: [Tensor] = []
        for start in stride(from: 0, to: order.count, by: groupSize) {
            let group = order[start..<min(start + groupSize, order.count)].map { words[$0] }
            let batch = PaddedTokenBatch(group, padding: NeuralTaggerVocabulary.padding)
            let (_, states) = rnn(embedding.tokens(batch.tokens, time: batch.time, batch: batch.batch),
                                  lengths: batch.lengths.allSatisfy { $0 == batch.time } ? nil : batch.lengths)
            pieces.append(Tensor.concatenate([states[0].h, states[1].h], alongAxis: 1))
        }
        // Back to the callers' order: row order[i] of the result is row i of the sorted pieces.
        var position = [Int](repeating: 0, count: words.count)
        for (sorted, original) in order.enumerated() { position[original] = sorted }
        return Tensor.concatenate(pieces, alongAxis: 0).gatherRows(position)
    }
}
