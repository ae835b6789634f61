import RecurrentData

/// Everything that turns a file into a sequence model's examples and its outputs back into
/// answers: the file's layout, the words' vocabulary or the frames' channel statistics, and the
/// classes or the targets' statistics. Fitted on the training file, stored in the model file.
public struct SequenceEncoding: Codable, Equatable, Sendable {
    public var layout: SequenceDataLayout
    public var words: WordEncoding?
    public var frames: FrameEncoding?
    public var targets: SequenceTargets

    public init(layout: SequenceDataLayout, words: WordEncoding?, frames: FrameEncoding?, targets: SequenceTargets) {
        self.layout = layout
        self.words = words
        self.frames = frames
        self.targets = targets
    }

    /// Fits the encoding on training records: the vocabulary (words seen `minimumCount` times,
    /// at most `maximumVocabulary`) or the channel statistics (with those of the first differences
    /// when `frameDifferences`), and the classes or target statistics.
    public static func fit(_ records: SequenceRecords, layout: SequenceDataLayout, classification: Bool, minimumCount: Int = 1,
                           maximumVocabulary: Int? = nil, lowercase: Bool = false, frameDifferences: Bool = false) throws -> SequenceEncoding {
        let targets = classification ? try SequenceTargets.classes(of: records) : try SequenceTargets.values(of: records)
        switch records.inputs {
        case .texts(let sentences):
            let words = try WordEncoding.build(from: sentences, minimumCount: minimumCount, maximumSize: maximumVocabulary, lowercase: lowercase)
            return SequenceEncoding(layout: layout, words: words, frames: nil, targets: targets)
        case .series(let series, let dimensions):
            return SequenceEncoding(layout: layout, words: nil, frames: FrameEncoding.fit(series, channels: dimensions, differences: frameDifferences),
                                    targets: targets)
        }
    }

    /// The model's input as its configuration needs it.
    public var input: SequenceModel.Configuration.Input { words != nil ? .tokens : .frames }

    /// Why this encoding cannot be used (a model file's), or nil.
    public var problem: String? {
        if (words == nil) == (frames == nil) { return "the encoding must have either words or frames" }
        return frames?.problem ?? targets.problem
    }

    /// The examples of `records`, with their targets when `withTargets` (an unknown class label,
    /// a target that is not a number, an empty sentence or a series of other channels is an error
    /// naming the file and line).
    public func examples(_ records: SequenceRecords, withTargets: Bool = true) throws -> SequenceExamples {
        let inputs: SequenceExamples.Inputs
        switch records.inputs {
        case .texts(let sentences):
            guard let words else {
                throw SequenceFileError(file: records.fileName, problem: "holds sentences, but the model reads time series (.ts files)")
            }
            inputs = .tokens(try sentences.enumerated().map { index, sentence in
                let tokens = words.encode(sentence)
                guard !tokens.isEmpty else { throw records.failure(index, "the text is empty; expected at least one word") }
                return tokens
            })
        case .series(let series, let dimensions):
            guard let frames else {
                throw SequenceFileError(file: records.fileName, problem: "holds time series, but the model reads sentences")
            }
            guard dimensions == frames.channels else {
                throw SequenceFileError(file: records.fileName, problem: "the series have \(dimensions) dimensions, but the model was trained on \(frames.channels)")
            }
            inputs = .frames(try series.enumerated().map { index, values in
                guard !values.isEmpty else { throw records.failure(index, "the series is empty") }
                return frames.encode(values)
            }, features: frames.features)
        }
        guard withTargets else { return SequenceExamples(inputs: inputs, targets: .none) }
        switch targets {
        case .classes(let labels):
            let index = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
            return SequenceExamples(inputs: inputs, targets: .classes(try records.targets.enumerated().map { position, label in
                guard let label else { throw records.failure(position, "the example has no label") }
                guard let value = index[label] else {
                    throw records.failure(position, atTarget: true, "the label \"\(label)\" is not one of the model's classes (\(labels.joined(separator: ", ")))")
                }
                return value
            }))
        case .values(let outputs, _, _):
            return SequenceExamples(inputs: inputs, targets: .values(try SequenceTargets.numbers(in: records, outputs: outputs)))
        }
    }
}
