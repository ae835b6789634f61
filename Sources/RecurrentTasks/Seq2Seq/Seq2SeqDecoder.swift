import RecurrentData
import RecurrentNN
import RecurrentTensor

/// The decoder of a ``Seq2SeqModel`` (the "global attention" decoder of Luong et al. 2015, as
/// OpenNMT builds its RNN decoders). At step t, from the previous target token y_{t-1}:
///
///     x_t = dropout(E[y_{t-1}])            (with input feeding: [x_t; h̃_{t-1}])
///     s_t = RNN(x_t, s_{t-1})              stacked GRU/LSTM; s_0 from the bridge
///     α_t = softmax(score(s_t, m_1…m_S))   attention over the encoder's memory, masked
///     c_t = Σ_s α_ts m_s
///     h̃_t = tanh(W_c [c_t; s_t] + b_c)     (without attention: h̃_t = s_t)
///     p(y_t | y_<t, x) = softmax(W_o dropout(h̃_t) + b_o)
///
/// Without input feeding nothing flows from one step's attention to the next step's RNN, so
/// under teacher forcing ``forward(_:memory:state:)`` runs the RNN over the whole target at once
/// (the fused kernels) and attends for all steps in one go; ``step(_:state:memory:)`` is the
/// same computation one step at a time (decoding, input feeding, scheduled sampling).
///
/// Parameters: `embedding.weight` `[targetVocabulary, embed]`, `rnn.*`, `attention.*` (see
/// ``Attention``), `attention_output.weight` W_c `[hidden, memory + hidden]` and `.bias`,
/// `output.weight` W_o `[targetVocabulary, hidden]` (the embedding when tied) and `.bias`.
public final class Seq2SeqDecoder: Layer {
    public let configuration: Seq2SeqConfiguration
    public let embedding: Embedding
    public let rnn: any RecurrentNetwork
    public let attention: Attention?
    public let attentionOutput: Linear?
    public let output: Linear
    public let dropout: Dropout?
    public var isTraining = true

    /// What the decoder carries from one step to the next, for `rows` sequences.
    public struct State {
        /// The recurrent states, flattened as ``RecurrentNetwork`` orders them, each `[rows, hidden]`.
        public var recurrent: [Tensor]
        /// h̃ of the previous step `[rows, hidden]` (input feeding only; zeros before the first step).
        public var attentional: Tensor?

        /// The states of rows `rows`, in that order (beam search reorders and repeats hypotheses).
        public func selecting(rows: [Int]) -> State {
            State(recurrent: recurrent.map { $0.gatherRows(rows) }, attentional: attentional?.gatherRows(rows))
        }
    }

    init(_ configuration: Seq2SeqConfiguration, generator: inout RandomGenerator) {
        self.configuration = configuration
        let hidden = configuration.hiddenSize
        embedding = Embedding(vocabularySize: configuration.targetVocabularySize, dimension: configuration.embeddingSize,
                              paddingIndex: Seq2SeqModel.padding, generator: &generator)
        rnn = configuration.cell.makeNetwork(inputSize: configuration.decoderInputSize, hiddenSize: hidden, layers: configuration.layers,
                                             batchFirst: false, dropout: configuration.dropout, generator: &generator)
        if configuration.attention != .none {
            attention = Attention(kind: configuration.attention, querySize: hidden, memorySize: configuration.memorySize, generator: &generator)
            attentionOutput = Linear(inputSize: configuration.memorySize + hidden, outputSize: hidden, generator: &generator)
        } else {
            (attention, attentionOutput) = (nil, nil)
        }
        output = Linear(inputSize: hidden, outputSize: configuration.targetVocabularySize, generator: &generator)
        if configuration.tiedOutput { output.tie(weight: embedding.weight) }
        dropout = configuration.dropout > 0 ? Dropout(probability: configuration.dropout, seed: generator.next()) : nil
    }

    public var children: [(name: String, layer: any Layer)] {
        var result: [(String, any Layer)] = [("embedding", embedding), ("rnn", rnn)]
        if let attention, let attentionOutput { result += [("attention", attention), ("attention_output", attentionOutput)] }
        result.append(("output", output))
        if let dropout { result.append(("dropout", dropout)) }
        return result
    }

    /// Teacher forcing over whole target inputs `[time, batch]` (`<s> y_1 … y_n`, padded), without
    /// input feeding: the logits `[batch · time, targetVocabulary]` in batch-major rows (row
    /// b · time + t predicts the token after input t of sentence b) and the attention weights
    /// `[batch, time, memoryTime]`.
    public func forward(_ inputs: PaddedTokenBatch, memory: Attention.Memory?, state: State) -> (logits: Tensor, weights: Tensor?) {
        precondition(!configuration.inputFeeding, "Seq2SeqDecoder.forward: input feeding runs step by step")
        let states: Tensor
        if let dropout, dropout.isTraining {
            states = rnn.run(dropout(embedding(inputs.tokens, shape: [inputs.time, inputs.batch])), states: state.recurrent,
                             lengths: inputs.lengths).output
        } else {
            states = rnn.run(embedding.tokens(inputs.tokens, time: inputs.time, batch: inputs.batch), states: state.recurrent,
                             lengths: inputs.lengths).output
        }
        let (attentional, weights) = readout(states.transposed(0, 1), memory: memory)
        return (logits(attentional).reshaped([inputs.batch * inputs.time, configuration.targetVocabularySize]), weights)
    }

    /// One step for `tokens.count` rows: the logits `[rows, targetVocabulary]`, the next state,
    /// and the attention weights `[rows, memoryTime]`.
    public func step(_ tokens: [Int], state: State, memory: Attention.Memory?) -> (logits: Tensor, state: State, weights: Tensor?) {
        var input = embedding(tokens)
        if let dropout { input = dropout(input) }
        if configuration.inputFeeding {
            input = Tensor.concatenate([input, state.attentional ?? Tensor.zeros([tokens.count, configuration.hiddenSize])], alongAxis: 1)
        }
        let (states, recurrent) = rnn.run(input.unsqueezed(at: 0), states: state.recurrent, lengths: nil)
        let (attentional, weights) = readout(states.transposed(0, 1), memory: memory)  // [rows, 1, hidden]
        let rows = tokens.count
        let next = State(recurrent: recurrent, attentional: configuration.inputFeeding ? attentional.reshaped([rows, configuration.hiddenSize]) : nil)
        return (logits(attentional).reshaped([rows, configuration.targetVocabularySize]), next,
                weights?.reshaped([rows, weights!.shape[2]]))
    }

    /// h̃ `[batch, time, hidden]` and the attention weights of decoder states `[batch, time, hidden]`.
    func readout(_ states: Tensor, memory: Attention.Memory?) -> (attentional: Tensor, weights: Tensor?) {
        guard let attention, let attentionOutput, let memory else { return (states, nil) }
        let (context, weights) = attention(states, memory: memory)
        return (attentionOutput(Tensor.concatenate([context, states], alongAxis: 2)).tanh(), weights)
    }

    func logits(_ attentional: Tensor) -> Tensor {
        output(dropout.map { $0(attentional) } ?? attentional)
    }
}
