import RecurrentData
import RecurrentNN
import RecurrentTensor

/// The recurrent cells a sequence model can be built with: PyTorch's three and the tutorial's
/// simplified LSTM.
public enum SequenceCell: String, Codable, Sendable, CaseIterable {
    case lstm, gru, rnn
    case simplifiedLSTM = "simplified-lstm"

    /// Gate blocks of the cell's weights.
    var gates: Int {
        switch self {
        case .lstm: return 4
        case .gru, .simplifiedLSTM: return 3
        case .rnn: return 1
        }
    }
}

/// A padded batch of sequences, of tokens or of real-valued frames.
public enum SequenceBatch {
    case tokens(PaddedTokenBatch)
    case frames(PaddedFrameBatch)

    public var lengths: [Int] {
        switch self {
        case .tokens(let batch): return batch.lengths
        case .frames(let batch): return batch.lengths
        }
    }
}

/// A network that reads a whole sequence and gives one answer (Keras' `Sequential([Embedding,
/// LSTM, Dense])`):
///
///     x_t = E[token_t]   or   the frame x_t itself        `embedding.weight` [vocabulary, embed]
///     (x_t W_pᵀ + b_p for the simplified LSTM, whose input must have the hidden size: `input_projection.*`)
///     h_t = RNN(dropout(x_t), h_{t−1})                    `rnn.weight_ih_l0`, …: stacked, optionally bidirectional
///     v = pool(h_0 … h_{n−1})                            last, mean, max or attention (``SequencePooling``)
///     y = dropout(v) W_oᵀ + b_o                          `head.weight` [outputs, features], `head.bias`
///
/// y holds logits (classification), standardized values (regression) or the next H standardized
/// values (forecasting). Dropout is on the embeddings, between recurrent layers and before the
/// head, in training only. Padding never changes an answer: in inference each sequence of a
/// padded batch gets the same bits as alone (the recurrent layers, pooling and head all compute
/// each row on its own).
public final class SequenceModel: Layer {
    public struct Configuration: Codable, Equatable, Sendable {
        public enum Input: String, Codable, Sendable {
            case tokens, frames
        }

        public var input: Input
        /// Tokens: the vocabulary and the embedding's width.
        public var vocabularySize: Int
        public var embeddingSize: Int
        /// Frames: values per time step.
        public var features: Int
        public var cell: SequenceCell
        public var layers: Int
        public var hiddenSize: Int
        public var bidirectional: Bool
        public var dropout: Float
        public var pooling: PoolingKind
        public var outputs: Int

        public init(input: Input, vocabularySize: Int = 0, embeddingSize: Int = 0, features: Int = 0, cell: SequenceCell = .lstm,
                    layers: Int = 1, hiddenSize: Int, bidirectional: Bool = false, dropout: Float = 0, pooling: PoolingKind = .last,
                    outputs: Int) {
            self.input = input
            self.vocabularySize = vocabularySize
            self.embeddingSize = embeddingSize
            self.features = features
            self.cell = cell
            self.layers = layers
            self.hiddenSize = hiddenSize
            self.bidirectional = bidirectional
            self.dropout = dropout
            self.pooling = pooling
            self.outputs = outputs
        }

        /// The width of the recurrent network's input.
        public var inputWidth: Int { input == .tokens ? embeddingSize : features }
        /// The width of the pooled vector: directions · hidden.
        public var pooledWidth: Int { (bidirectional ? 2 : 1) * hiddenSize }

        public static let maximumWidth = 65536, maximumLayers = 64, maximumVocabulary = 10_000_000
        /// The most parameters a model may have (2³⁰, 4 GiB of weights).
        public static let maximumParameters = 1 << 30

        /// The number of parameters, computed without building the model.
        public var parameterCount: Int {
            let directions = bidirectional ? 2 : 1, gates = cell.gates
            var count = input == .tokens ? vocabularySize * embeddingSize : 0
            var width = inputWidth
            if cell == .simplifiedLSTM {
                count += width * hiddenSize + hiddenSize
                width = hiddenSize
            }
            for layer in 0..<layers {
                let layerInput = layer == 0 ? width : directions * hiddenSize
                count += directions * gates * hiddenSize * (layerInput + hiddenSize + 2)
            }
            let pooled = pooledWidth
            if pooling == .attention { count += pooled * pooled + 2 * pooled }
            return count + pooled * outputs + outputs
        }

        /// Why this configuration cannot be built, or nil.
        public var problem: String? {
            if input == .tokens {
                if vocabularySize < 1 || vocabularySize > Self.maximumVocabulary {
                    return "the vocabulary size \(vocabularySize) is outside 1...\(Self.maximumVocabulary)"
                }
                if embeddingSize < 1 || embeddingSize > Self.maximumWidth { return "the embedding size \(embeddingSize) is outside 1...\(Self.maximumWidth)" }
            } else if features < 1 || features > Self.maximumWidth {
                return "the number of features \(features) is outside 1...\(Self.maximumWidth)"
            }
            if hiddenSize < 1 || hiddenSize > Self.maximumWidth { return "the hidden size \(hiddenSize) is outside 1...\(Self.maximumWidth)" }
            if layers < 1 || layers > Self.maximumLayers { return "the layer count \(layers) is outside 1...\(Self.maximumLayers)" }
            if outputs < 1 || outputs > Self.maximumWidth { return "the output count \(outputs) is outside 1...\(Self.maximumWidth)" }
            if !(dropout >= 0 && dropout < 1) { return "dropout \(dropout) is not in [0, 1)" }
            if cell == .simplifiedLSTM && bidirectional && layers > 1 {
                return "a bidirectional simplified LSTM has one layer (its cells need inputs of the hidden size)"
            }
            // Each term is below 2^16 · 2^24, so the sum cannot overflow before the check.
            if parameterCount > Self.maximumParameters {
                return "the model would have \(parameterCount) parameters, more than the \(Self.maximumParameters) (4 GiB) a model may have"
            }
            return nil
        }
    }

    public let configuration: Configuration
    public let embedding: Embedding?
    public let inputProjection: Linear?
    public let rnn: any RecurrentNetwork
    public let pooling: SequencePooling
    public let head: Linear
    public let dropout: Dropout?
    public var isTraining = true

    /// A model with fresh parameters (PyTorch's initializations; `recurrentOptions` may change
    /// the recurrent weights' and forget-gate bias's).
    public init(_ configuration: Configuration, recurrentOptions: RecurrentCellOptions = RecurrentCellOptions(),
                generator: inout RandomGenerator) {
        precondition(configuration.problem == nil, "SequenceModel: \(configuration.problem ?? "")")
        self.configuration = configuration
        let hidden = configuration.hiddenSize
        embedding = configuration.input == .tokens
            ? Embedding(vocabularySize: configuration.vocabularySize, dimension: configuration.embeddingSize, generator: &generator) : nil
        var width = configuration.inputWidth
        if configuration.cell == .simplifiedLSTM {
            let projection = Linear(inputSize: width, outputSize: hidden, generator: &generator)
            projection.rowIndependent = true
            inputProjection = projection
            width = hidden
        } else {
            inputProjection = nil
        }
        let layers = configuration.layers, bidirectional = configuration.bidirectional
        switch configuration.cell {
        case .lstm, .gru, .rnn:
            let kind: CellKind = configuration.cell == .lstm ? .lstm : configuration.cell == .gru ? .gru : .rnn
            rnn = kind.makeNetwork(inputSize: width, hiddenSize: hidden, layers: layers, bidirectional: bidirectional, batchFirst: true,
                                   dropout: configuration.dropout, options: recurrentOptions, generator: &generator)
        case .simplifiedLSTM:
            let cells = (0..<(layers * (bidirectional ? 2 : 1))).map { _ in
                SimplifiedLSTMCell(hiddenSize: hidden, options: recurrentOptions, generator: &generator)
            }
            rnn = RecurrentLayer(cells: cells, layers: layers, bidirectional: bidirectional, batchFirst: true,
                                 dropout: configuration.dropout, dropoutSeed: generator.next())
        }
        pooling = SequencePooling(configuration.pooling, features: configuration.pooledWidth, directions: bidirectional ? 2 : 1,
                                  generator: &generator)
        head = Linear(inputSize: configuration.pooledWidth, outputSize: configuration.outputs, generator: &generator)
        head.rowIndependent = true
        dropout = configuration.dropout > 0 ? Dropout(probability: configuration.dropout, seed: generator.next()) : nil
    }

    public var children: [(name: String, layer: any Layer)] {
        var result: [(name: String, layer: any Layer)] = []
        if let embedding { result.append(("embedding", embedding)) }
        if let inputProjection { result.append(("input_projection", inputProjection)) }
        result += [("rnn", rnn), ("pooling", pooling), ("head", head)]
        if let dropout { result.append(("dropout", dropout)) }
        return result
    }

    /// The recurrent outputs `[batch, time, directions · hidden]` of a batch.
    public func recurrentOutputs(_ batch: SequenceBatch) -> Tensor {
        let training = dropout?.isTraining == true
        var vectors: Tensor
        switch batch {
        case .tokens(let tokens):
            guard let embedding else { preconditionFailure("SequenceModel: tokens for a model of frames") }
            if !training && inputProjection == nil {
                // No dropout on the vectors: the first layer may project the embedding table instead.
                return rnn.run(embedding.tokens(tokens.tokens, time: tokens.time, batch: tokens.batch), states: nil, lengths: tokens.lengths).output
            }
            vectors = embedding(tokens.tokens, shape: [tokens.time, tokens.batch]).transposed(0, 1)
            if let dropout { vectors = dropout(vectors) }
        case .frames(let frames):
            precondition(embedding == nil, "SequenceModel: frames for a model of tokens")
            vectors = frames.values
        }
        if let inputProjection { vectors = inputProjection(vectors) }
        return rnn.run(vectors, states: nil, lengths: batch.lengths).output
    }

    /// Each sequence's pooled vector `[batch, directions · hidden]`: what the head reads, and
    /// what `recurrent embed` writes.
    public func encode(_ batch: SequenceBatch) -> Tensor {
        pooling(recurrentOutputs(batch), lengths: batch.lengths)
    }

    /// The head's outputs `[batch, outputs]`: logits, or standardized values.
    public func callAsFunction(_ batch: SequenceBatch) -> Tensor {
        let pooled = encode(batch)
        return head(dropout.map { $0(pooled) } ?? pooled)
    }
}
