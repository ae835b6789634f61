import RecurrentData
import RecurrentNN
import RecurrentTensor

/// An encoder–decoder for sequence-to-sequence tasks (Sutskever et al. 2014; with attention,
/// Bahdanau et al. 2015 and Luong et al. 2015): the ``Seq2SeqEncoder`` reads the source, a
/// bridge maps its final states to the decoder's initial states, and the ``Seq2SeqDecoder``
/// emits target tokens until `</s>`, attending over the encoder's states.
///
/// The bridge, for each decoder layer l, from encoder layer l's final states (both directions
/// concatenated): s_0 = tanh(W_b [h_fwd; h_bwd] + b_b), and for an LSTM's cell state
/// c_0 = W_c [c_fwd; c_bwd] + b_c (`bridge.*`, `bridge_cell.*`).
///
/// Token indices 0…3 are `<pad>`, `<unk>`, `<s>`, `</s>` in both vocabularies. Batches are
/// ``PaddedTokenBatch``es: sources end with `</s>`; decoder inputs are `<s> y_1 … y_n` and their
/// targets `y_1 … y_n </s>`.
public final class Seq2SeqModel: Layer {
    public static let padding = 0, unknown = 1, start = 2, end = 3

    public let configuration: Seq2SeqConfiguration
    public let encoder: Seq2SeqEncoder
    public let bridge: Linear
    public let bridgeCell: Linear?
    public let decoder: Seq2SeqDecoder
    public var isTraining = true

    public init(_ configuration: Seq2SeqConfiguration, generator: inout RandomGenerator) {
        precondition(configuration.problem == nil, "Seq2SeqModel: \(configuration.problem ?? "")")
        self.configuration = configuration
        encoder = Seq2SeqEncoder(configuration, generator: &generator)
        bridge = Linear(inputSize: configuration.memorySize, outputSize: configuration.hiddenSize, generator: &generator)
        bridgeCell = configuration.cell == .lstm
            ? Linear(inputSize: configuration.memorySize, outputSize: configuration.hiddenSize, generator: &generator) : nil
        decoder = Seq2SeqDecoder(configuration, generator: &generator)
    }

    public var children: [(name: String, layer: any Layer)] {
        [("encoder", encoder), ("bridge", bridge)] + (bridgeCell.map { [("bridge_cell", $0 as any Layer)] } ?? []) + [("decoder", decoder)]
    }

    /// An encoded source batch: what the decoder starts from and attends to.
    public struct Encoded {
        /// The attention's prepared memory (nil without attention).
        public var memory: Attention.Memory?
        /// The decoder's initial state.
        public var state: Seq2SeqDecoder.State
        public var sourceLengths: [Int]

        /// The same for rows `rows` of the batch, in that order (beam search repeats sentences).
        public func selecting(rows: [Int]) -> Encoded {
            Encoded(memory: memory?.selecting(rows: rows), state: state.selecting(rows: rows), sourceLengths: rows.map { sourceLengths[$0] })
        }
    }

    /// Encodes a padded source batch (every sentence at least one token, its `</s>`).
    public func encode(_ source: PaddedTokenBatch) -> Encoded {
        let (memory, finalStates) = encoder(source)
        let layers = configuration.layers, directions = configuration.directions, cells = layers * directions
        // Encoder layer l's directions side by side: [layers, batch, directions · hidden], bridged.
        func bridged(_ states: ArraySlice<Tensor>, through linear: Linear, squashed: Bool) -> [Tensor] {
            let states = Array(states)
            let perLayer = (0..<layers).map { layer in
                Tensor.concatenate(Array(states[(layer * directions)..<((layer + 1) * directions)]), alongAxis: 1)
            }
            let mapped = linear(Tensor.stack(perLayer))
            let result = squashed ? mapped.tanh() : mapped
            return (0..<layers).map { result[$0] }
        }
        var recurrent = bridged(finalStates[0..<cells], through: bridge, squashed: true)
        if let bridgeCell { recurrent += bridged(finalStates[cells..<(2 * cells)], through: bridgeCell, squashed: false) }
        let prepared = decoder.attention.map { $0.prepare(memory: memory, lengths: source.lengths) }
        let attentional = configuration.inputFeeding ? Tensor.zeros([source.batch, configuration.hiddenSize]) : nil
        return Encoded(memory: prepared, state: Seq2SeqDecoder.State(recurrent: recurrent, attentional: attentional),
                       sourceLengths: source.lengths)
    }

    /// The logits `[batch · time, targetVocabulary]` (batch-major rows) of decoder inputs
    /// `[time, batch]` under teacher forcing: one pass over the whole target without input
    /// feeding, step by step with it. With `sampling` (scheduled sampling, Bengio et al. 2015),
    /// each input after the first is, with probability `sampling.probability`, the model's own
    /// most likely token at the previous step instead of the reference's.
    public func logits(source: PaddedTokenBatch, targetInputs: PaddedTokenBatch,
                       sampling: (probability: Float, generator: RandomGenerator)? = nil) -> Tensor {
        precondition(source.batch == targetInputs.batch, "Seq2SeqModel: \(source.batch) sources for \(targetInputs.batch) targets")
        let encoded = encode(source)
        if !configuration.inputFeeding && sampling == nil {
            return decoder.forward(targetInputs, memory: encoded.memory, state: encoded.state).logits
        }
        let (batch, time) = (targetInputs.batch, targetInputs.time)
        var state = encoded.state
        var generator = sampling?.generator
        var stepLogits: [Tensor] = []
        var previous: [Int] = []
        for t in 0..<time {
            var tokens = Array(targetInputs.tokens[(t * batch)..<((t + 1) * batch)])
            if t > 0, let probability = sampling?.probability, probability > 0 {
                for row in 0..<batch where generator!.nextUniform() < probability { tokens[row] = previous[row] }
            }
            let (logits, next, _) = decoder.step(tokens, state: state, memory: encoded.memory)
            if sampling != nil { previous = logits.detached.argmax(alongAxis: 1) }
            stepLogits.append(logits)
            state = next
        }
        let vocabulary = configuration.targetVocabularySize
        return Tensor.stack(stepLogits, alongAxis: 1).reshaped([batch * time, vocabulary])
    }
}
