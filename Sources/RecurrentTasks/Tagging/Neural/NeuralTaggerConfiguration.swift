/// The architecture of a ``NeuralTaggerNetwork``: everything needed to rebuild it before loading its
/// weights (stored in a tagger file's configuration as `neural`).
public struct NeuralTaggerConfiguration: Codable, Equatable, Sendable {
    public var tagCount: Int
    /// Rows of the word embedding (the vocabulary's words, padding and unknown included).
    public var wordCount: Int
    public var wordDimension: Int
    /// Rows of the character embedding.
    public var characterCount: Int
    public var characterDimension: Int
    /// Hidden size of each direction of the character LSTM; 0: no character encoder.
    public var characterHiddenSize: Int
    /// Hidden size of each direction of the word-level BiLSTM.
    public var hiddenSize: Int
    public var layers: Int
    public var dropout: Float
    /// A CRF output layer (`bilstm-crf`) rather than a per-token softmax (`bilstm`).
    public var crf: Bool
    /// How words are keyed in the word embedding (``NeuralTaggerVocabulary/key(_:)``).
    public var lowercaseWords = true
    public var normalizeDigits = true

    public init(tagCount: Int, wordCount: Int, wordDimension: Int, characterCount: Int, characterDimension: Int, characterHiddenSize: Int,
                hiddenSize: Int, layers: Int, dropout: Float, crf: Bool) {
        self.tagCount = tagCount
        self.wordCount = wordCount
        self.wordDimension = wordDimension
        self.characterCount = characterCount
        self.characterDimension = characterDimension
        self.characterHiddenSize = characterHiddenSize
        self.hiddenSize = hiddenSize
        self.layers = layers
        self.dropout = dropout
        self.crf = crf
    }

    /// Features each token gives the word-level BiLSTM.
    public var inputSize: Int { wordDimension + 2 * characterHiddenSize }

    /// The largest sizes a model may have (as a language model's).
    public static let maximumRows = 10_000_000, maximumWidth = 65536, maximumLayers = 64, maximumParameters = 1 << 30

    /// Every parameter's name and shape, without building the model (to check a file's tensors
    /// before allocating anything).
    public var parameterShapes: [(name: String, shape: [Int])] {
        var result: [(String, [Int])] = [("word_embedding.weight", [wordCount, wordDimension])]
        func lstm(_ prefix: String, input: Int, hidden: Int, layers: Int) {
            for layer in 0..<layers {
                for suffix in ["", "_reverse"] {
                    result += [("\(prefix)weight_ih_l\(layer)\(suffix)", [4 * hidden, layer == 0 ? input : 2 * hidden]),
                               ("\(prefix)weight_hh_l\(layer)\(suffix)", [4 * hidden, hidden]),
                               ("\(prefix)bias_ih_l\(layer)\(suffix)", [4 * hidden]), ("\(prefix)bias_hh_l\(layer)\(suffix)", [4 * hidden])]
                }
            }
        }
        if characterHiddenSize > 0 {
            result.append(("characters.embedding.weight", [characterCount, characterDimension]))
            lstm("characters.rnn.", input: characterDimension, hidden: characterHiddenSize, layers: 1)
        }
        lstm("rnn.", input: inputSize, hidden: hiddenSize, layers: layers)
        result += [("output.weight", [tagCount, 2 * hiddenSize]), ("output.bias", [tagCount])]
        if crf { result += [("crf.transitions", [tagCount, tagCount]), ("crf.start", [tagCount]), ("crf.end", [tagCount])] }
        return result
    }

    /// Why this configuration cannot be built, or nil.
    public var problem: String? {
        if tagCount < 1 || tagCount > Self.maximumRows { return "the tag count \(tagCount) is outside 1...\(Self.maximumRows)" }
        if wordCount < 2 || wordCount > Self.maximumRows { return "the word count \(wordCount) is outside 2...\(Self.maximumRows)" }
        if characterCount < 2 || characterCount > Self.maximumRows { return "the character count \(characterCount) is outside 2...\(Self.maximumRows)" }
        for (name, value, minimum) in [("word embedding size", wordDimension, 1), ("character embedding size", characterDimension, 1),
                                       ("character hidden size", characterHiddenSize, 0), ("hidden size", hiddenSize, 1)]
            where value < minimum || value > Self.maximumWidth {
            return "the \(name) \(value) is outside \(minimum)...\(Self.maximumWidth)"
        }
        if layers < 1 || layers > Self.maximumLayers { return "the layer count \(layers) is outside 1...\(Self.maximumLayers)" }
        if !(dropout >= 0 && dropout < 1) { return "dropout \(dropout) is not in [0, 1)" }
        let parameters = parameterShapes.reduce(0) { $0 + $1.shape.reduce(1, *) }
        if parameters > Self.maximumParameters {
            return "the model would have \(parameters) parameters, more than the \(Self.maximumParameters) (4 GiB) a model may have"
        }
        return nil
    }
}
