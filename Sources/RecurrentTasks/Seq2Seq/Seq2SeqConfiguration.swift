import RecurrentNN

/// The architecture of a ``Seq2SeqModel``: sizes, cell, attention; saved in model files.
public struct Seq2SeqConfiguration: Codable, Equatable, Sendable {
    public var cell: CellKind
    public var sourceVocabularySize: Int
    public var targetVocabularySize: Int
    public var embeddingSize: Int
    /// The decoder's state size, and each encoder direction's.
    public var hiddenSize: Int
    /// Recurrent layers of the encoder, and of the decoder.
    public var layers: Int
    /// A bidirectional encoder (its memory rows are `2 · hiddenSize` wide).
    public var bidirectional: Bool
    public var attention: AttentionKind
    /// Feed the previous step's attentional state h̃ into the decoder with the next token
    /// (Luong et al. 2015); needs attention.
    public var inputFeeding: Bool
    public var dropout: Float
    /// Share the target embedding with the output layer (needs embedding size = hidden size).
    public var tiedOutput: Bool

    public init(cell: CellKind = .gru, sourceVocabularySize: Int, targetVocabularySize: Int, embeddingSize: Int = 256, hiddenSize: Int = 512,
                layers: Int = 1, bidirectional: Bool = true, attention: AttentionKind = .additive, inputFeeding: Bool = false,
                dropout: Float = 0, tiedOutput: Bool = false) {
        self.cell = cell
        self.sourceVocabularySize = sourceVocabularySize
        self.targetVocabularySize = targetVocabularySize
        self.embeddingSize = embeddingSize
        self.hiddenSize = hiddenSize
        self.layers = layers
        self.bidirectional = bidirectional
        self.attention = attention
        self.inputFeeding = inputFeeding
        self.dropout = dropout
        self.tiedOutput = tiedOutput
    }

    public var directions: Int { bidirectional ? 2 : 1 }
    /// The width of an encoder state row, which attention reads.
    public var memorySize: Int { directions * hiddenSize }
    /// The width of the decoder's first-layer input.
    public var decoderInputSize: Int { embeddingSize + (inputFeeding ? hiddenSize : 0) }
    var gates: Int { cell == .lstm ? 4 : cell == .gru ? 3 : 1 }

    /// Every parameter's name and shape, without building the model (to check a file's tensors
    /// before allocating anything). Tied models list `decoder.output.weight` too, as they save it.
    public var parameterShapes: [(name: String, shape: [Int])] {
        let (embed, hidden) = (embeddingSize, hiddenSize)
        func recurrent(_ prefix: String, input: Int, directions: Int) -> [(String, [Int])] {
            (0..<layers).flatMap { layer in
                (0..<directions).flatMap { direction -> [(String, [Int])] in
                    let suffix = "_l\(layer)" + (direction == 1 ? "_reverse" : "")
                    let inputs = layer == 0 ? input : directions * hidden
                    return [("\(prefix).weight_ih\(suffix)", [gates * hidden, inputs]), ("\(prefix).weight_hh\(suffix)", [gates * hidden, hidden]),
                            ("\(prefix).bias_ih\(suffix)", [gates * hidden]), ("\(prefix).bias_hh\(suffix)", [gates * hidden])]
                }
            }
        }
        var result: [(String, [Int])] = [("encoder.embedding.weight", [sourceVocabularySize, embed])]
        result += recurrent("encoder.rnn", input: embed, directions: directions)
        result += [("bridge.weight", [hidden, memorySize]), ("bridge.bias", [hidden])]
        if cell == .lstm { result += [("bridge_cell.weight", [hidden, memorySize]), ("bridge_cell.bias", [hidden])] }
        result += [("decoder.embedding.weight", [targetVocabularySize, embed])]
        result += recurrent("decoder.rnn", input: decoderInputSize, directions: 1)
        switch attention {
        case .additive:
            result += [("decoder.attention.query_projection.weight", [hidden, hidden]),
                       ("decoder.attention.memory_projection.weight", [hidden, memorySize]),
                       ("decoder.attention.memory_projection.bias", [hidden]), ("decoder.attention.score.weight", [1, hidden])]
        case .general:
            result += [("decoder.attention.memory_projection.weight", [hidden, memorySize])]
        case .dot, .none:
            break
        }
        if attention != .none {
            result += [("decoder.attention_output.weight", [hidden, memorySize + hidden]), ("decoder.attention_output.bias", [hidden])]
        }
        return result + [("decoder.output.weight", [targetVocabularySize, hidden]), ("decoder.output.bias", [targetVocabularySize])]
    }

    /// The most parameters a model may have (as for language models: 2³⁰).
    public static let maximumParameters = LanguageModel.Configuration.maximumParameters

    /// Why this configuration cannot be built, or nil.
    public var problem: String? {
        let limits = LanguageModel.Configuration.self
        for (name, size) in [("source vocabulary", sourceVocabularySize), ("target vocabulary", targetVocabularySize)]
        where size < 5 || size > limits.maximumVocabulary {
            return "the \(name) size \(size) is outside 5...\(limits.maximumVocabulary) (4 special tokens and at least one word)"
        }
        if embeddingSize < 1 || embeddingSize > limits.maximumWidth { return "the embedding size \(embeddingSize) is outside 1...\(limits.maximumWidth)" }
        if hiddenSize < 1 || hiddenSize > limits.maximumWidth { return "the hidden size \(hiddenSize) is outside 1...\(limits.maximumWidth)" }
        if layers < 1 || layers > limits.maximumLayers { return "the layer count \(layers) is outside 1...\(limits.maximumLayers)" }
        if !(dropout >= 0 && dropout < 1) { return "dropout \(dropout) is not in [0, 1)" }
        if attention == .dot && memorySize != hiddenSize {
            return "dot attention needs encoder states as wide as the decoder's (\(memorySize) vs \(hiddenSize)): "
                + "use general or additive attention with a bidirectional encoder"
        }
        if inputFeeding && attention == .none { return "input feeding needs attention" }
        if tiedOutput && embeddingSize != hiddenSize { return "a tied output layer needs the embedding size to equal the hidden size" }
        let parameters = parameterShapes.reduce(0) { $0 + $1.shape.reduce(1, *) }
        if parameters > Self.maximumParameters {
            return "the model would have \(parameters) parameters, more than the \(Self.maximumParameters) (4 GiB) a model may have"
        }
        return nil
    }
}
