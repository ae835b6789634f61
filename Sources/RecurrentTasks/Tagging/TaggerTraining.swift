import Foundation
import RecurrentData
import RecurrentTensor

/// Everything that chooses and configures a classical tagger, as the CLI's flags give it.
public struct TaggerTrainingOptions: Sendable {
    public enum ModelKind: String, CaseIterable, Sendable { case hmm, crf, perceptron, bilstm, bilstmCRF = "bilstm-crf" }
    public var model = ModelKind.crf
    public var templates = FeatureTemplates()
    public var hmm = HMMOptions()
    public var crf = CRFOptions()
    public var perceptron = PerceptronOptions()
    public var seed: UInt64 = 0
    /// CRF, perceptron: attributes seen fewer times in training are dropped.
    public var minimumAttributeCount = 1
    /// Untagged sentences for Baum-Welch (hmm only).
    public var unlabeled: TaggedCorpus?

    public init() {}
}

/// One progress report during training: an iteration or epoch, with what it reached.
public struct TaggerTrainingProgress {
    public var step: Int
    public var totalSteps: Int
    /// `iteration` (L-BFGS), `epoch` (perceptron, SGD) or `em` (Baum-Welch).
    public var unit: String
    public var metrics: [String: Double]
    /// The model as it stands (nil for Baum-Welch), to score a development set.
    public var snapshot: (() -> TaggerBundle)?
}

/// Trains the classical taggers (`hmm`, `crf`, `perceptron`) from a tagged corpus.
public enum TaggerTraining {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The tag set of a corpus: its tags sorted, so the same data always numbers them alike.
    public static func tagSet(of corpus: TaggedCorpus) -> SymbolTable {
        SymbolTable(Set(corpus.sentences.flatMap(\.tags)).sorted())
    }

    /// The distinct words of a corpus in order of first appearance.
    static func words(of corpus: TaggedCorpus) -> [String] {
        var seen = Set<String>(), order: [String] = []
        for sentence in corpus.sentences {
            for word in sentence.words where seen.insert(word).inserted { order.append(word) }
        }
        return order
    }

    public static func train(_ corpus: TaggedCorpus, options: TaggerTrainingOptions,
                             progress: (TaggerTrainingProgress) -> Bool = { _ in true }) throws -> TaggerBundle {
        guard corpus.sentences.contains(where: \.isTagged) else {
            throw Failure(description: "\(corpus.file): no tagged sentence to train on")
        }
        let tags = tagSet(of: corpus)
        var generator = RandomGenerator(seed: options.seed)
        switch options.model {
        case .bilstm, .bilstmCRF:
            throw Failure(description: "--model \(options.model.rawValue) is not yet available; use hmm, crf or perceptron")
        case .hmm:
            let counts = try HMMTrainer.count(corpus, tags: tags, lexicalizedWords: options.hmm.lexicalizedWords)
            let knownWords = counts.wordOrder
            var tagger = HMMTrainer.estimate(counts, tags: tags.symbols, options: options.hmm)
            var words = knownWords
            if let unlabeled = options.unlabeled, !unlabeled.sentences.isEmpty {
                let result = BaumWelch.run(tagger, labeled: counts, unlabeled: unlabeled, options: options.hmm) { iteration, logLikelihood in
                    progress(TaggerTrainingProgress(step: iteration, totalSteps: options.hmm.emIterations, unit: "em",
                                                    metrics: ["log_likelihood": logLikelihood], snapshot: nil))
                }
                tagger = result.tagger
                words = result.words
            }
            var configuration = TaggerBundle.Configuration(model: "hmm", tags: tags.symbols, knownWordCount: knownWords.count)
            configuration.hmm = options.hmm
            return TaggerBundle(configuration: configuration, model: .hmm(tagger), words: words)
        case .crf, .perceptron:
            let data = try FeatureTrainingSet(corpus: corpus, tags: tags, templates: options.templates, minimumCount: options.minimumAttributeCount)
            let words = words(of: corpus)
            var configuration = TaggerBundle.Configuration(model: options.model.rawValue, tags: tags.symbols, knownWordCount: words.count)
            configuration.templates = options.templates
            func bundle(_ tagger: FeatureTagger) -> TaggerBundle {
                TaggerBundle(configuration: configuration, model: .features(tagger), words: words)
            }
            if options.model == .crf {
                configuration.crf = options.crf
                let trainer = CRFTrainer(data: data, tags: tags.symbols)
                let unit = options.crf.algorithm == .lbfgs ? "iteration" : "epoch"
                let result = trainer.train(options.crf, generator: &generator) { step, metrics, parameters in
                    progress(TaggerTrainingProgress(step: step, totalSteps: options.crf.maxIterations, unit: unit, metrics: metrics,
                                                    snapshot: { bundle(trainer.tagger(parameters)) }))
                }
                return bundle(trainer.tagger(result.parameters))
            }
            configuration.perceptron = options.perceptron
            configuration.greedy = options.perceptron.greedy
            let trainer = PerceptronTrainer(data: data, tags: tags.symbols)
            let tagger = trainer.train(options.perceptron, generator: &generator) { epoch, mistakes, snapshot in
                progress(TaggerTrainingProgress(step: epoch, totalSteps: options.perceptron.epochs, unit: "epoch",
                                                metrics: ["sentence_errors": Double(mistakes)], snapshot: { bundle(snapshot()) }))
            }
            return bundle(tagger)
        }
    }
}
