import RecurrentData
import RecurrentNN
import RecurrentTensor

/// Sentence pairs as token indices (without `<s>` and `</s>`), and for BLEU the reference lines.
public struct Seq2SeqExamples: Sendable {
    public var sources: [[Int]]
    public var targets: [[Int]]
    /// The target lines as written (detokenized), which BLEU compares translations with.
    public var references: [String]

    public init(sources: [[Int]], targets: [[Int]], references: [String]) {
        precondition(sources.count == targets.count && targets.count == references.count, "Seq2SeqExamples: counts differ")
        self.sources = sources
        self.targets = targets
        self.references = references
    }

    public var count: Int { sources.count }
    public var targetTokens: Int { targets.reduce(0) { $0 + $1.count + 1 } }
}

/// Training a ``Seq2SeqModel`` with teacher forcing: each epoch the pairs are shuffled into
/// length-bucketed batches (``SequenceBatcher``); a batch's loss is the mean cross-entropy per
/// target token (`</s>` included), label-smoothed when asked. Validation gives the loss and
/// perplexity under teacher forcing, and the BLEU (``BLEU``, cased and lower-cased) and exact
/// match of greedy translations of the first `bleuSentences` validation pairs.
///
/// Synthetic tasks draw a fresh training set every epoch from the trainer's generator (so a
/// resumed run draws the same ones).
public final class Seq2SeqTask: TrainingTask {
    public let bundle: Seq2SeqBundle
    public private(set) var training: Seq2SeqExamples
    public let validation: Seq2SeqExamples?
    public let batchSize: Int
    public var labelSmoothing: Float = 0
    /// Scheduled sampling: the probability of feeding the model's own previous prediction.
    public var samplingProbability: Float = 0
    /// How many validation pairs are translated for BLEU (nil: all).
    public var bleuSentences: Int?
    /// For synthetic tasks: the task, its lengths and examples per epoch.
    public var synthetic: (task: SyntheticTranslation, lengths: ClosedRange<Int>, examples: Int)?
    public var seed: UInt64 = 0

    private var batches: [[Int]] = []
    private var epoch = 0

    public init(bundle: Seq2SeqBundle, training: Seq2SeqExamples, validation: Seq2SeqExamples?, batchSize: Int) {
        self.bundle = bundle
        self.training = training
        self.validation = validation
        self.batchSize = batchSize
    }

    public var model: any Layer { bundle.model }
    public var batchesPerEpoch: Int { ((synthetic?.examples ?? training.count) + batchSize - 1) / batchSize }

    public func modelFile() throws -> ModelFile { try bundle.modelFile() }

    public func beginEpoch(_ epoch: Int, generator: inout RandomGenerator) {
        self.epoch = epoch
        if let synthetic {
            let (sources, targets) = synthetic.task.lines(count: synthetic.examples, lengths: synthetic.lengths, generator: &generator)
            training = Seq2SeqExamples(sources: sources.map(bundle.encodeSource), targets: targets.map(bundle.encodeTarget), references: targets)
        }
        let lengths = zip(training.sources, training.targets).map { Swift.max($0.count, $1.count) }
        batches = SequenceBatcher(lengths: lengths, batchSize: batchSize).shuffledBatches(using: &generator)
    }

    public func trainingLoss(batch index: Int) -> (loss: Tensor, items: Int) {
        let indices = batches[index]
        let batch = Seq2SeqBatch(sources: indices.map { training.sources[$0] }, targets: indices.map { training.targets[$0] })
        // Scheduled sampling draws from a generator of its own for each batch, so a resumed run
        // draws the same tokens without carrying a generator's state.
        let sampling = samplingProbability > 0
            ? (samplingProbability, RandomGenerator(seed: seed &+ UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(index) &* 0xBF58_476D_1CE4_E5B9))
            : nil
        let logits = bundle.model.logits(source: batch.source, targetInputs: batch.targetInputs, sampling: sampling)
        return (Loss.smoothedCrossEntropy(logits: logits, targets: batch.targets, mask: batch.mask, smoothing: labelSmoothing), batch.targetTokens)
    }

    public func validate() -> [String: Double]? {
        guard let validation, validation.count > 0 else { return nil }
        return Seq2SeqEvaluation(bundle: bundle, batchSize: batchSize).metrics(validation, translating: bleuSentences)
    }
}

/// Metrics of a model on sentence pairs: loss and perplexity under teacher forcing, and BLEU and
/// exact match of its translations.
public struct Seq2SeqEvaluation {
    public let bundle: Seq2SeqBundle
    public let batchSize: Int

    public init(bundle: Seq2SeqBundle, batchSize: Int = 64) {
        self.bundle = bundle
        self.batchSize = batchSize
    }

    /// The mean negative log-likelihood per target token (`</s>` included) under teacher forcing.
    public func loss(_ examples: Seq2SeqExamples) -> Double {
        var total = 0.0
        for batch in SequenceBatcher(lengths: examples.sources.map(\.count), batchSize: batchSize).orderedBatches(sortedByLength: true) {
            total += bundle.model.logProbabilities(sources: batch.map { examples.sources[$0] }, targets: batch.map { examples.targets[$0] })
                .reduce(0, -)
        }
        return total / Double(Swift.max(examples.targetTokens, 1))
    }

    /// Translations of every source, in order, each the best of `options`'s search (greedy for a beam of 1).
    public func translate(_ sources: [[Int]], options: DecodingOptions) -> [Hypothesis] {
        var result = [Hypothesis?](repeating: nil, count: sources.count)
        let perBatch = options.beamSize == 1 ? batchSize : Swift.max(1, batchSize / options.beamSize * 2)
        for batch in SequenceBatcher(lengths: sources.map(\.count), batchSize: perBatch).orderedBatches(sortedByLength: true) {
            let inputs = batch.map { sources[$0] }
            let found = options.beamSize == 1 ? bundle.model.greedy(inputs, options: options) : bundle.model.beamSearch(inputs, options: options).map {
                $0.first ?? Hypothesis(tokens: [], logProbability: -.infinity, score: -.infinity, attention: [])
            }
            for (index, hypothesis) in zip(batch, found) { result[index] = hypothesis }
        }
        return result.map { $0! }
    }

    /// Loss, perplexity, and for the first `translating` pairs (nil: all) the BLEU (cased and
    /// lower-cased) and exact match of greedy translations.
    public func metrics(_ examples: Seq2SeqExamples, translating: Int? = nil, options: DecodingOptions = DecodingOptions(beamSize: 1))
        -> [String: Double] {
        let loss = self.loss(examples)
        let count = Swift.min(translating ?? examples.count, examples.count)
        let translations = translate(Array(examples.sources.prefix(count)), options: options)
        let hypotheses = translations.map { bundle.decodeTarget($0.tokens) }
        let references = Array(examples.references.prefix(count))
        let exact = zip(translations, examples.targets).filter { $0.tokens == $1 }.count
        return ["loss": loss, "perplexity": Foundation.exp(loss),
                "bleu": BLEU.corpus(hypotheses: hypotheses, references: references).score,
                "bleu_lowercase": BLEU.corpus(hypotheses: hypotheses, references: references, options: .init(lowercase: true)).score,
                "exact_match": Double(exact) / Double(Swift.max(count, 1))]
    }
}

import Foundation
