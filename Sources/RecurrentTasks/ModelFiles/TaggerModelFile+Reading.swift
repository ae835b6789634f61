import Foundation
import RecurrentData
import RecurrentTensor

extension TaggerBundle {
    /// Reads a tagger model file, checking every size, index and number before use, so a
    /// damaged or hostile file is an error naming the file and the problem, never a crash.
    public static func read(from path: String) throws -> TaggerBundle {
        let file = try ModelFile.read(from: path, expectedKind: kind)
        let configuration = try file.decodeConfiguration(Configuration.self)
        let reader = TaggerFileReader(file: file, path: path)
        let k = configuration.tags.count
        guard k >= 1, Set(configuration.tags).count == k, configuration.tags.allSatisfy({ !$0.isEmpty }) else {
            throw reader.failure("the \"tags\" must be distinct, non-empty, and at least one")
        }
        let words = reader.lines("tagger.words")
        guard configuration.knownWordCount >= 0, configuration.knownWordCount <= words.count else {
            throw reader.failure("\"knownWordCount\" \(configuration.knownWordCount) exceeds the \(words.count) stored words")
        }
        switch configuration.model {
        case "crf", "perceptron":
            let attributes = reader.lines("tagger.attributes")
            guard let table = AttributeTable(frozen: attributes) else { throw reader.failure("\"tagger.attributes\" lists an attribute twice") }
            let offsets = try reader.offsets("emission.offsets", rows: attributes.count)
            let features = Int(offsets.last ?? 0)
            let labels = try reader.indices("emission.labels", count: features, below: k)
            let weights = try reader.floats("emission.weights", shape: [features])
            let transitions = try reader.floats("transitions", shape: [k, k]), start = try reader.floats("start", shape: [k]), end = try reader.floats("end", shape: [k])
            let templates = configuration.templates ?? FeatureTemplates()
            guard (0...50).contains(templates.affixLength), (0...10).contains(templates.window) else {
                throw reader.failure("feature templates out of range (affixLength \(templates.affixLength), window \(templates.window))")
            }
            let extractor = AttributeExtractor(templates: templates, table: table)
            let tagger = FeatureTagger(tags: configuration.tags, extractor: extractor,
                                       emissions: SparseEmissionWeights(tagCount: k, offsets: offsets, labels: labels, weights: weights),
                                       transitions: TransitionScores(tagCount: k, transitions: transitions.map(Double.init), start: start.map(Double.init),
                                                                     end: end.map(Double.init)),
                                       greedy: configuration.greedy ?? false)
            return TaggerBundle(configuration: configuration, model: .features(tagger), words: words)
        case "hmm":
            let width = k + 1
            let transitions = try reader.floats("transitions", shape: [width, width, width], allowMinusInfinity: true)
            let offsets = try reader.offsets("emission.offsets", rows: words.count)
            let entries = Int(offsets.last ?? 0)
            let labels = try reader.indices("emission.labels", count: entries, below: k)
            let emissions = try reader.floats("emission.log_probabilities", shape: [entries], allowMinusInfinity: true)
            let suffixKeys = reader.lines("tagger.suffixes")
            let suffixes = try reader.floats("suffix.log_probabilities", shape: [suffixKeys.count, k], allowMinusInfinity: true)
            let priors = try reader.floats("tag_log_priors", shape: [k], allowMinusInfinity: true)
            var wordIndex: [String: Int32] = [:]
            for (index, word) in words.enumerated() where wordIndex.updateValue(Int32(index), forKey: word) != nil {
                throw reader.failure("\"tagger.words\" lists \(word.debugDescription) twice")
            }
            let lexicalList = reader.lines("tagger.lexical_words")
            var lexicalWords: [String: Int32] = [:]
            for (index, word) in lexicalList.enumerated() where lexicalWords.updateValue(Int32(index), forKey: word) != nil {
                throw reader.failure("\"tagger.lexical_words\" lists \(word.debugDescription) twice")
            }
            let lexical = lexicalList.isEmpty ? [] : try reader.floats("lexical.log_probabilities", shape: [lexicalList.count, width, k], allowMinusInfinity: true)
            let options = configuration.hmm ?? HMMOptions()
            let tagger = HMMTagger(tags: configuration.tags, logTransitions: transitions.map(Double.init), words: wordIndex,
                                   emissionOffsets: offsets, emissionLabels: labels, emissionLogProbabilities: emissions.map(Double.init),
                                   suffixes: SuffixModel(tagCount: k, maximumLength: max(0, min(options.suffixLength, 100)), keys: suffixKeys,
                                                         logProbabilities: suffixes.map(Double.init)),
                                   logTagPriors: priors.map(Double.init), lexicalWords: lexicalWords, lexicalLogProbabilities: lexical.map(Double.init))
            return TaggerBundle(configuration: configuration, model: .hmm(tagger), words: words)
        default:
            throw reader.failure("unknown tagger model \(configuration.model.debugDescription); expected hmm, crf or perceptron")
        }
    }
}

/// Checked access to a tagger file's tensors and string lists.
struct TaggerFileReader {
    let file: ModelFile
    let path: String

    func failure(_ problem: String) -> ModelFileError { ModelFileError(path: path, problem: problem) }

    /// A newline-separated metadata list (empty when absent or empty).
    func lines(_ key: String) -> [String] {
        guard let text = file.extraMetadata[key], !text.isEmpty else { return [] }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    func tensor(_ name: String, shape: [Int]) throws -> Tensor {
        guard let tensor = file.tensors[name] else { throw failure("missing tensor \"\(name)\"") }
        guard tensor.shape == shape else { throw failure("tensor \"\(name)\" has shape \(tensor.shape), expected \(shape)") }
        return tensor
    }

    /// Floats, finite (or -inf for log-probabilities when allowed).
    func floats(_ name: String, shape: [Int], allowMinusInfinity: Bool = false) throws -> [Float] {
        let values = try tensor(name, shape: shape).scalars
        guard values.allSatisfy({ $0.isFinite || (allowMinusInfinity && $0 == -.infinity) }) else {
            throw failure("tensor \"\(name)\" holds NaN or infinite values")
        }
        return values
    }

    /// Whole numbers in 0..<bound.
    func indices(_ name: String, count: Int, below bound: Int) throws -> [Int32] {
        let values = try tensor(name, shape: [count]).scalars
        var result = [Int32](repeating: 0, count: count)
        for (index, value) in values.enumerated() {
            guard value >= 0, value < Float(bound), value.rounded() == value else {
                throw failure("tensor \"\(name)\" element \(index) is \(value), expected a whole number in 0..<\(bound)")
            }
            result[index] = Int32(value)
        }
        return result
    }

    /// Compressed-row offsets for `rows` rows: `[rows + 1]` whole numbers from 0, never decreasing.
    func offsets(_ name: String, rows: Int) throws -> [Int32] {
        let values = try indices(name, count: rows + 1, below: 1 << 24)
        guard values.first == 0 else { throw failure("tensor \"\(name)\" must start at 0") }
        for index in 1..<values.count where values[index] < values[index - 1] {
            throw failure("tensor \"\(name)\" decreases at element \(index)")
        }
        return values
    }
}
