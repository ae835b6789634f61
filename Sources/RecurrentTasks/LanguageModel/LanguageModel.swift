import RecurrentNN
import RecurrentTensor

/// A recurrent language model, the shape of PyTorch's `word_language_model` example:
///
///     x_t = E[token_t]                      embedding, `encoder.weight` [vocabulary, embed]
///     h_t = RNN(dropout(x_t), h_{t-1})      `rnn.weight_ih_l0`, ... (RNN, GRU or LSTM, stacked)
///     p(token_{t+1}) = softmax(dropout(h_t) Wᵀ + b)   `decoder.weight` [vocabulary, hidden], `decoder.bias`
///
/// With tied weights the decoder reuses the embedding matrix (embed must equal hidden).
/// Sequences are time-major: tokens `[time, batch]`.
public final class LanguageModel: Layer {
    public struct Configuration: Codable, Equatable, Sendable {
        public var cell: CellKind
        public var vocabularySize: Int
        public var embeddingSize: Int
        public var hiddenSize: Int
        public var layers: Int
        public var dropout: Float
        public var tiedWeights: Bool

        public init(cell: CellKind = .lstm, vocabularySize: Int, embeddingSize: Int, hiddenSize: Int, layers: Int,
                    dropout: Float = 0, tiedWeights: Bool = false) {
            self.cell = cell
            self.vocabularySize = vocabularySize
            self.embeddingSize = embeddingSize
            self.hiddenSize = hiddenSize
            self.layers = layers
            self.dropout = dropout
            self.tiedWeights = tiedWeights
        }

        /// Every parameter's name and shape, without building the model (to check a file's
        /// tensors before allocating anything).
        public var parameterShapes: [(name: String, shape: [Int])] {
            let gates = cell == .lstm ? 4 : cell == .gru ? 3 : 1
            var result: [(String, [Int])] = [("encoder.weight", [vocabularySize, embeddingSize])]
            for layer in 0..<layers {
                result += [("rnn.weight_ih_l\(layer)", [gates * hiddenSize, layer == 0 ? embeddingSize : hiddenSize]),
                           ("rnn.weight_hh_l\(layer)", [gates * hiddenSize, hiddenSize]),
                           ("rnn.bias_ih_l\(layer)", [gates * hiddenSize]), ("rnn.bias_hh_l\(layer)", [gates * hiddenSize])]
            }
            return result + [("decoder.weight", [vocabularySize, hiddenSize]), ("decoder.bias", [vocabularySize])]
        }

        /// The largest sizes a model may have.
        public static let maximumVocabulary = 10_000_000, maximumWidth = 65536, maximumLayers = 64
        /// The most parameters a model may have: 2³⁰ (4 GiB of Float32 weights, and three times that
        /// more for Adam's state and the gradients during training).
        public static let maximumParameters = 1 << 30

        /// Why this configuration cannot be built, or nil.
        public var problem: String? {
            if vocabularySize < 1 || vocabularySize > Self.maximumVocabulary {
                return "the vocabulary size \(vocabularySize) is outside 1...\(Self.maximumVocabulary)"
            }
            if embeddingSize < 1 || embeddingSize > Self.maximumWidth { return "the embedding size \(embeddingSize) is outside 1...\(Self.maximumWidth)" }
            if hiddenSize < 1 || hiddenSize > Self.maximumWidth { return "the hidden size \(hiddenSize) is outside 1...\(Self.maximumWidth)" }
            if layers < 1 || layers > Self.maximumLayers { return "the layer count \(layers) is outside 1...\(Self.maximumLayers)" }
            if !(dropout >= 0 && dropout < 1) { return "dropout \(dropout) is not in [0, 1)" }
            if tiedWeights && embeddingSize != hiddenSize { return "tied weights need the embedding size to equal the hidden size" }
            let parameters = parameterShapes.reduce(0) { $0 + $1.shape.reduce(1, *) }
            if parameters > Self.maximumParameters {
                return "the model would have \(parameters) parameters, more than the \(Self.maximumParameters) (4 GiB) a model may have"
            }
            return nil
        }
    }

    public let configuration: Configuration
    public let encoder: Embedding
    public let rnn: any RecurrentNetwork
    public let decoder: Linear
    public let dropout: Dropout?
    public var isTraining = true

    /// Builds a model with fresh parameters; `initRange` (as the PyTorch example and Zaremba
    /// et al. use) sets every weight uniform in ±initRange instead of the defaults.
    public init(_ configuration: Configuration, initRange: Float? = nil, generator: inout RandomGenerator) {
        precondition(configuration.problem == nil, "LanguageModel: \(configuration.problem ?? "")")
        self.configuration = configuration
        let uniform: Initializer? = initRange.map { .uniform(limit: $0) }
        encoder = Embedding(vocabularySize: configuration.vocabularySize, dimension: configuration.embeddingSize,
                            initializer: uniform ?? .normal(standardDeviation: 1), generator: &generator)
        let options = RecurrentCellOptions(inputInitializer: uniform, recurrentInitializer: uniform)
        rnn = configuration.cell.makeNetwork(inputSize: configuration.embeddingSize, hiddenSize: configuration.hiddenSize,
                                             layers: configuration.layers, batchFirst: false, dropout: configuration.dropout,
                                             options: options, generator: &generator)
        if let initRange {
            for named in rnn.parameters where named.name.hasPrefix("bias") {
                named.parameter.assign(Tensor.randomUniform(named.parameter.shape, limit: initRange, using: &generator))
            }
        }
        decoder = Linear(inputSize: configuration.hiddenSize, outputSize: configuration.vocabularySize,
                         weightInitializer: uniform, biasInitializer: initRange.map { _ in .constant(0) }, generator: &generator)
        if configuration.tiedWeights { decoder.tie(weight: encoder.weight) }
        dropout = configuration.dropout > 0 ? Dropout(probability: configuration.dropout, seed: generator.next()) : nil
    }

    public var children: [(name: String, layer: any Layer)] {
        [("encoder", encoder), ("rnn", rnn), ("decoder", decoder)] + (dropout.map { [("dropout", $0 as any Layer)] } ?? [])
    }

    /// Zero recurrent states for `batchSize` streams.
    public func zeroStates(batchSize: Int) -> [Tensor] { rnn.zeroStateTensors(batchSize: batchSize) }

    /// Logits `[time · batch, vocabulary]` (row t·batch + b predicts the token after
    /// `tokens[t][b]`) and the final states, from tokens `[time, batch]` given row-major.
    public func callAsFunction(_ tokens: [Int], time: Int, batch: Int, states: [Tensor]?) -> (logits: Tensor, states: [Tensor]) {
        var (output, final): (Tensor, [Tensor])
        if let dropout, dropout.isTraining {
            (output, final) = rnn.run(dropout(encoder(tokens, shape: [time, batch])), states: states, lengths: nil)
        } else {  // no dropout on the vectors: the first layer can project the embedding table instead
            (output, final) = rnn.run(encoder.tokens(tokens, time: time, batch: batch), states: states, lengths: nil)
        }
        if let dropout { output = dropout(output) }
        return (decoder(output.reshaped([time * batch, configuration.hiddenSize])), final)
    }
}
