import Foundation
import RecurrentData
import RecurrentNN
import RecurrentTensor

/// A sequence-to-sequence model with its vocabularies and tokenizer, as stored in a model file of
/// kind `seq2seq`. Its `config` metadata is `{"model": Seq2SeqConfiguration, "source_vocabulary":
/// Vocabulary, "target_vocabulary": Vocabulary, "tokenizer": TranslationTokenizer}`; its tensors
/// are the model's parameters (`encoder.embedding.weight`, `encoder.rnn.weight_ih_l0`, …,
/// `decoder.output.bias`; see ``Seq2SeqConfiguration/parameterShapes``), plus, in a checkpoint,
/// the optimizer state and the training state.
public struct Seq2SeqBundle {
    public struct Configuration: Codable, Equatable {
        public var model: Seq2SeqConfiguration
        public var sourceVocabulary: Vocabulary
        public var targetVocabulary: Vocabulary
        public var tokenizer: TranslationTokenizer

        enum CodingKeys: String, CodingKey {
            case model, tokenizer
            case sourceVocabulary = "source_vocabulary", targetVocabulary = "target_vocabulary"
        }
    }

    public static let kind = "seq2seq"

    public var model: Seq2SeqModel
    public var sourceVocabulary: Vocabulary
    public var targetVocabulary: Vocabulary
    public var tokenizer: TranslationTokenizer

    public init(model: Seq2SeqModel, sourceVocabulary: Vocabulary, targetVocabulary: Vocabulary, tokenizer: TranslationTokenizer) {
        self.model = model
        self.sourceVocabulary = sourceVocabulary
        self.targetVocabulary = targetVocabulary
        self.tokenizer = tokenizer
    }

    public var configuration: Configuration {
        Configuration(model: model.configuration, sourceVocabulary: sourceVocabulary, targetVocabulary: targetVocabulary, tokenizer: tokenizer)
    }

    /// The model as a model file (not yet written).
    public func modelFile() throws -> ModelFile {
        var file = try ModelFile(kind: Self.kind, configuration: configuration)
        file.add(parametersOf: model)
        return file
    }

    /// Reads a seq2seq model file, checking the configuration and every tensor.
    public static func read(from path: String) throws -> Seq2SeqBundle {
        try Seq2SeqBundle(file: ModelFile.read(from: path, expectedKind: kind))
    }

    /// The model a seq2seq file (a model file or a checkpoint) holds.
    public init(file: ModelFile) throws {
        let path = file.path ?? "<model>"
        let configuration = try file.decodeConfiguration(Configuration.self)
        if let problem = configuration.model.problem { throw ModelFileError(path: path, problem: "invalid model configuration: \(problem)") }
        for (name, vocabulary, size) in [("source", configuration.sourceVocabulary, configuration.model.sourceVocabularySize),
                                         ("target", configuration.targetVocabulary, configuration.model.targetVocabularySize)] {
            guard vocabulary.count == size else {
                throw ModelFileError(path: path, problem: "the \(name) vocabulary has \(vocabulary.count) tokens but the model \(size)")
            }
            guard Array(vocabulary.tokens.prefix(4)) == Vocabulary.sentenceSpecials else {
                throw ModelFileError(path: path, problem: "the \(name) vocabulary does not start with \(Vocabulary.sentenceSpecials.joined(separator: " "))")
            }
        }
        for (name, shape) in configuration.model.parameterShapes {
            guard let tensor = file.tensors[name] else { throw ModelFileError(path: path, problem: "missing tensor \"\(name)\"") }
            guard tensor.shape == shape else {
                throw ModelFileError(path: path, problem: "tensor \"\(name)\" has shape \(tensor.shape), expected \(shape)")
            }
        }
        var generator = RandomGenerator(seed: 0)
        model = Seq2SeqModel(configuration.model, generator: &generator)
        try file.load(into: model)
        model.setTraining(false)
        sourceVocabulary = configuration.sourceVocabulary
        targetVocabulary = configuration.targetVocabulary
        tokenizer = configuration.tokenizer
    }

    /// A source line as token indices (unknown words as `<unk>`).
    public func encodeSource(_ line: String) -> [Int] { sourceVocabulary.indices(of: tokenizer.tokens(line)) }

    /// A target line as token indices.
    public func encodeTarget(_ line: String) -> [Int] { targetVocabulary.indices(of: tokenizer.tokens(line)) }

    /// The text of target token indices, detokenized.
    public func decodeTarget(_ tokens: [Int]) -> String {
        TranslationTokenizer.detokenize(tokens.map { $0 >= 0 && $0 < targetVocabulary.count ? targetVocabulary.tokens[$0] : Vocabulary.unknown })
    }
}
