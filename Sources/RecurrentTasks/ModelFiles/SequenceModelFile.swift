import Foundation
import RecurrentData
import RecurrentNN
import RecurrentTensor

/// A whole-sequence classifier or regressor with what it needs to read new files and answer in
/// the data's terms, as stored in a model file of kind `sequence`. Its `config` metadata is
/// `{"model": SequenceModel.Configuration, "encoding": SequenceEncoding}` (the file layout, the
/// vocabulary or the channel statistics, the classes or the target statistics); its tensors are
/// the model's parameters (`embedding.weight`, `rnn.weight_ih_l0`, …, `pooling.*`, `head.weight`,
/// `head.bias`).
public struct SequenceModelBundle {
    public struct Configuration: Codable, Equatable {
        public var model: SequenceModel.Configuration
        public var encoding: SequenceEncoding
    }

    public static let kind = "sequence"

    public var model: SequenceModel
    public var encoding: SequenceEncoding

    public init(model: SequenceModel, encoding: SequenceEncoding) {
        self.model = model
        self.encoding = encoding
    }

    /// The model as a model file (not yet written).
    public func modelFile() throws -> ModelFile {
        var file = try ModelFile(kind: Self.kind, configuration: Configuration(model: model.configuration, encoding: encoding))
        file.add(parametersOf: model)
        return file
    }

    public static func read(from path: String) throws -> SequenceModelBundle {
        try SequenceModelBundle(file: ModelFile.read(from: path, expectedKind: kind))
    }

    /// The model a `sequence` file (or checkpoint) holds, its configuration checked before any
    /// allocation and every tensor checked against it.
    public init(file: ModelFile) throws {
        let path = file.path ?? "<model>"
        let configuration = try file.decodeConfiguration(Configuration.self)
        if let problem = configuration.model.problem ?? configuration.encoding.problem {
            throw ModelFileError(path: path, problem: "invalid configuration: \(problem)")
        }
        let model = configuration.model, encoding = configuration.encoding
        guard model.input == encoding.input, model.outputs == encoding.targets.outputs,
              model.input == .frames ? model.features == encoding.frames?.features : model.vocabularySize == encoding.words?.vocabulary.count else {
            throw ModelFileError(path: path, problem: "invalid configuration: the model's inputs or outputs do not match its encoding")
        }
        var generator = RandomGenerator(seed: 0)
        self.model = SequenceModel(model, generator: &generator)
        try file.load(into: self.model)
        self.encoding = encoding
    }

    /// The examples of a file in the model's layout (or `layout` when given), with their targets
    /// when `labeled`.
    public func examples(from path: String, layout: SequenceDataLayout? = nil, labeled: Bool) throws -> SequenceExamples {
        let records = try SequenceRecords.read(path, layout: layout ?? encoding.layout, labeled: labeled)
        return try encoding.examples(records, withTargets: labeled)
    }

    /// The model's answer for each example.
    public func predictions(for examples: SequenceExamples) -> SequencePredictions {
        SequencePredictions(outputs: model.outputs(for: examples), targets: encoding.targets)
    }

    /// Metrics on labelled examples (see ``SequencePredictions/metrics(against:targets:)``).
    public func evaluate(_ examples: SequenceExamples) -> [String: Any] {
        predictions(for: examples).metrics(against: examples, targets: encoding.targets)
    }
}
