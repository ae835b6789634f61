import RecurrentData
import RecurrentNN
import RecurrentTensor

/// The encoder of a ``Seq2SeqModel``: source tokens → embedding → dropout → a stacked,
/// optionally bidirectional recurrent network, masked past each sentence's length.
///
/// Parameters: `embedding.weight` `[sourceVocabulary, embed]`, `rnn.weight_ih_l0`, … (PyTorch's names).
public final class Seq2SeqEncoder: Layer {
    public let embedding: Embedding
    public let rnn: any RecurrentNetwork
    public let dropout: Dropout?
    public var isTraining = true

    init(_ configuration: Seq2SeqConfiguration, generator: inout RandomGenerator) {
        embedding = Embedding(vocabularySize: configuration.sourceVocabularySize, dimension: configuration.embeddingSize,
                              paddingIndex: Seq2SeqModel.padding, generator: &generator)
        rnn = configuration.cell.makeNetwork(inputSize: configuration.embeddingSize, hiddenSize: configuration.hiddenSize,
                                             layers: configuration.layers, bidirectional: configuration.bidirectional, batchFirst: false,
                                             dropout: configuration.dropout, generator: &generator)
        dropout = configuration.dropout > 0 ? Dropout(probability: configuration.dropout, seed: generator.next()) : nil
    }

    public var children: [(name: String, layer: any Layer)] {
        [("embedding", embedding), ("rnn", rnn)] + (dropout.map { [("dropout", $0 as any Layer)] } ?? [])
    }

    /// The memory `[batch, time, directions · hidden]` (zero past each length) and the final
    /// states (flattened as ``RecurrentNetwork`` orders them) of a padded source batch.
    public func callAsFunction(_ source: PaddedTokenBatch) -> (memory: Tensor, states: [Tensor]) {
        let (output, states): (Tensor, [Tensor])
        if let dropout, dropout.isTraining {
            (output, states) = rnn.run(dropout(embedding(source.tokens, shape: [source.time, source.batch])), states: nil,
                                       lengths: source.lengths)
        } else {
            (output, states) = rnn.run(embedding.tokens(source.tokens, time: source.time, batch: source.batch), states: nil,
                                       lengths: source.lengths)
        }
        return (output.transposed(0, 1), states)
    }
}
