import Foundation
import RecurrentData
import RecurrentTensor

/// A trained tagger (`hmm`, `crf` or `perceptron`) with what it needs to tag new text and to
/// tell known from unknown words, stored as a model file of kind `tagger`.
///
/// The numbers are tensors; indices (compressed-row offsets, tag numbers) are stored as F32,
/// exact for values below 2²⁴, and checked on loading to be whole, in range and ordered. The
/// strings are newline-separated lists in the metadata (no word or attribute contains a line
/// break: every reader splits lines first), read with one split rather than a JSON decoder:
///
/// | metadata | holds |
/// |---|---|
/// | `tagger.words` | the training words (HMM: its emission words, the training words first) |
/// | `tagger.attributes` | crf, perceptron: the attribute strings, in index order |
/// | `tagger.suffixes` | hmm: the suffix model's `class|suffix` keys |
///
/// | tensor | shape | model |
/// |---|---|---|
/// | `emission.offsets`, `emission.labels`, `emission.weights` | `[attributes + 1]`, `[features]`, `[features]` | crf, perceptron |
/// | `transitions`, `start`, `end` | `[tags, tags]`, `[tags]`, `[tags]` | crf, perceptron |
/// | `transitions` | `[tags + 1, tags + 1, tags + 1]` log-probabilities | hmm |
/// | `emission.offsets`, `emission.labels`, `emission.log_probabilities` | `[words + 1]`, `[entries]`, `[entries]` | hmm |
/// | `suffix.log_probabilities`, `tag_log_priors` | `[suffixes, tags]`, `[tags]` | hmm |
/// | `lexical.log_probabilities` | `[lexicalized words, tags + 1, tags]`: log P(w \| previous tag, tag) | hmm (words in `tagger.lexical_words`) |
public final class TaggerBundle {
    public static let kind = "tagger"

    public struct Configuration: Codable, Equatable, Sendable {
        /// `hmm`, `crf` or `perceptron`.
        public var model: String
        public var tags: [String]
        /// The first `knownWordCount` of `tagger.words` were in the training data.
        public var knownWordCount: Int
        public var templates: FeatureTemplates?
        public var greedy: Bool?
        public var hmm: HMMOptions?
        public var crf: CRFOptions?
        public var perceptron: PerceptronOptions?
        /// How the training data was read, so `tag` and `evaluate` can default to the same.
        public var format: String?
        public var tagColumn: String?

        public init(model: String, tags: [String], knownWordCount: Int) {
            self.model = model
            self.tags = tags
            self.knownWordCount = knownWordCount
        }
    }

    public enum Model {
        case features(FeatureTagger)
        case hmm(HMMTagger)
    }

    public var configuration: Configuration
    public let model: Model
    /// The words of the training data.
    public let knownWords: Set<String>
    /// The words stored in the file, `knownWords` first.
    let storedWords: [String]

    public init(configuration: Configuration, model: Model, words: [String]) {
        self.configuration = configuration
        self.model = model
        storedWords = words
        knownWords = Set(words.prefix(configuration.knownWordCount))
    }

    public var tags: [String] { configuration.tags }

    /// The tag indices of a sentence.
    public func tagIndices(_ words: [String]) -> [Int] {
        switch model {
        case .features(let tagger): tagger.tag(words)
        case .hmm(let tagger): tagger.tag(words)
        }
    }

    /// The tags of a sentence.
    public func tag(_ words: [String]) -> [String] { tagIndices(words).map { configuration.tags[$0] } }

    /// Tags every sentence of `corpus` and scores the result against its tags, which must all be
    /// tags of the model (otherwise an error names the file, line and column).
    public func evaluate(_ corpus: TaggedCorpus) throws -> TaggerEvaluation {
        let tagSet = SymbolTable(configuration.tags)
        try TaggerEvaluation.checkTags(of: corpus, against: tagSet)
        var evaluation = TaggerEvaluation(chunked: ChunkEvaluation.appliesTo(configuration.tags))
        for sentence in corpus.sentences {
            evaluation.add(gold: sentence.tags, predicted: tag(sentence.words), known: sentence.words.map(knownWords.contains))
        }
        return evaluation
    }

    // MARK: - Writing

    public func write(to path: String) throws {
        var file = try ModelFile(kind: Self.kind, configuration: configuration)
        file.extraMetadata["tagger.words"] = storedWords.joined(separator: "\n")
        switch model {
        case .features(let tagger):
            guard tagger.emissions.featureCount < 1 << 24, tagger.emissions.attributeCount < 1 << 24 else {
                throw ModelFileError(path: path, problem: "too many features (\(tagger.emissions.featureCount)) for a model file (at most 2^24)")
            }
            file.extraMetadata["tagger.attributes"] = tagger.extractor.table.strings.joined(separator: "\n")
            file.tensors["emission.offsets"] = Self.indexTensor(tagger.emissions.offsets)
            file.tensors["emission.labels"] = Self.indexTensor(tagger.emissions.labels)
            file.tensors["emission.weights"] = Tensor(shape: [tagger.emissions.featureCount], scalars: tagger.emissions.weights)
            let k = tagger.transitions.tagCount
            file.tensors["transitions"] = Tensor(shape: [k, k], scalars: tagger.transitions.transitions.map { Float($0) })
            file.tensors["start"] = Tensor(shape: [k], scalars: tagger.transitions.start.map { Float($0) })
            file.tensors["end"] = Tensor(shape: [k], scalars: tagger.transitions.end.map { Float($0) })
        case .hmm(let tagger):
            let k = tagger.tagCount, width = k + 1
            file.extraMetadata["tagger.suffixes"] = tagger.suffixes.keys.joined(separator: "\n")
            file.tensors["transitions"] = Tensor(shape: [width, width, width], scalars: tagger.logTransitions.map { Float($0) })
            file.tensors["emission.offsets"] = Self.indexTensor(tagger.emissionOffsets)
            file.tensors["emission.labels"] = Self.indexTensor(tagger.emissionLabels)
            file.tensors["emission.log_probabilities"] = Tensor(shape: [tagger.emissionLabels.count], scalars: tagger.emissionLogProbabilities.map { Float($0) })
            file.tensors["suffix.log_probabilities"] = Tensor(shape: [tagger.suffixes.keys.count, k], scalars: tagger.suffixes.logProbabilities.map { Float($0) })
            file.tensors["tag_log_priors"] = Tensor(shape: [k], scalars: tagger.logTagPriors.map { Float($0) })
            if !tagger.lexicalWords.isEmpty {
                file.extraMetadata["tagger.lexical_words"] = tagger.lexicalWords.sorted { $0.value < $1.value }.map(\.key).joined(separator: "\n")
                file.tensors["lexical.log_probabilities"] = Tensor(shape: [tagger.lexicalWords.count, width, k],
                                                                   scalars: tagger.lexicalLogProbabilities.map { Float($0) })
            }
        }
        try file.write(to: path)
    }

    static func indexTensor(_ values: [Int32]) -> Tensor {
        Tensor(shape: [values.count], scalars: values.map { Float($0) })
    }
}
