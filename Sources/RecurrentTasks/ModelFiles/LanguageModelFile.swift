import Foundation
import RecurrentData
import RecurrentNN
import RecurrentTensor

/// A language model with its vocabulary, as stored in a model file of kind `language-model`.
/// Its `config` metadata is `{"model": LanguageModel.Configuration, "vocabulary": Vocabulary}`;
/// its tensors are the model's parameters by PyTorch's `word_language_model` names
/// (`encoder.weight`, `rnn.weight_ih_l0`, …, `decoder.weight`, `decoder.bias`), plus, in a
/// checkpoint, the optimizer state under `optimizer.` and the carried recurrent state under
/// `carried.`, with the training state as JSON in the `training` metadata.
public struct LanguageModelBundle {
    public struct Configuration: Codable, Equatable {
        public var model: LanguageModel.Configuration
        public var vocabulary: Vocabulary

        public init(model: LanguageModel.Configuration, vocabulary: Vocabulary) {
            self.model = model
            self.vocabulary = vocabulary
        }
    }

    public static let kind = "language-model"

    public var model: LanguageModel
    public var vocabulary: Vocabulary
    /// The file it was read from, with any checkpoint tensors and metadata.
    public var file: ModelFile?

    public init(model: LanguageModel, vocabulary: Vocabulary) {
        self.model = model
        self.vocabulary = vocabulary
    }

    public var configuration: Configuration { Configuration(model: model.configuration, vocabulary: vocabulary) }

    /// The model as a model file (not yet written).
    public func modelFile() throws -> ModelFile {
        var file = try ModelFile(kind: Self.kind, configuration: configuration)
        file.add(parametersOf: model)
        return file
    }

    /// Writes the model atomically.
    public func write(to path: String) throws {
        try modelFile().write(to: path)
    }

    /// Reads a language model file, checking the configuration and every tensor.
    public static func read(from path: String) throws -> LanguageModelBundle {
        try LanguageModelBundle(file: ModelFile.read(from: path, expectedKind: kind))
    }

    /// The model a language-model file holds (a model file or a checkpoint), checking the
    /// configuration and every tensor.
    public init(file: ModelFile) throws {
        let path = file.path ?? "<model>"
        let configuration = try file.decodeConfiguration(Configuration.self)
        if let problem = configuration.model.problem { throw ModelFileError(path: path, problem: "invalid model configuration: \(problem)") }
        guard configuration.vocabulary.count == configuration.model.vocabularySize else {
            throw ModelFileError(path: path, problem: "the vocabulary has \(configuration.vocabulary.count) tokens but the model \(configuration.model.vocabularySize)")
        }
        // Check every tensor against the configuration before allocating the model, so a file
        // whose configuration claims a huge model fails cleanly instead of exhausting memory.
        for (name, shape) in configuration.model.parameterShapes {
            guard let tensor = file.tensors[name] else { throw ModelFileError(path: path, problem: "missing tensor \"\(name)\"") }
            guard tensor.shape == shape else {
                throw ModelFileError(path: path, problem: "tensor \"\(name)\" has shape \(tensor.shape), expected \(shape)")
            }
        }
        var generator = RandomGenerator(seed: 0)
        model = LanguageModel(configuration.model, generator: &generator)
        try file.load(into: model)
        vocabulary = configuration.vocabulary
        self.file = file
    }
}
