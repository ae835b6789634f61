import RecurrentData
import RecurrentNN
import RecurrentTensor

/// Training a neural tagger with the shared ``Trainer``: length-bucketed batches of sentences
/// (``SequenceBatcher``, reshuffled every epoch), word dropout drawn from a per-epoch seed (so a
/// resumed epoch replays the same replacements), and validation as tagging accuracy on the
/// development sentences (`accuracy`, `known_accuracy`, `unknown_accuracy`, `sentence_accuracy`).
public final class NeuralTaggerTask: TrainingTask {
    /// The tagger being trained, as the model file stores it (its network is the live one).
    public let bundle: TaggerBundle
    public let tagger: NeuralTagger
    public let training: EncodedCorpus
    public let validation: TaggedCorpus?
    public let batcher: SequenceBatcher
    /// α of word dropout, and each word row's count in the training data.
    let wordDropout: Double
    let wordCounts: [Int]
    private var epochBatches: [[Int]] = []
    private var epochSeed: UInt64 = 0

    public init(bundle: TaggerBundle, tagger: NeuralTagger, training corpus: TaggedCorpus, validation: TaggedCorpus?, batchSize: Int,
                wordDropout: Double) {
        self.bundle = bundle
        self.tagger = tagger
        let tagged = corpus.sentences.filter(\.isTagged)
        training = EncodedCorpus(tagged.map(\.words), tags: tagged.map(\.tags), vocabulary: tagger.vocabulary,
                                 tagSet: SymbolTable(bundle.tags))
        self.validation = validation
        batcher = SequenceBatcher(lengths: training.sentences.map(\.words.count), batchSize: batchSize)
        self.wordDropout = wordDropout
        var counts = [Int](repeating: 0, count: tagger.vocabulary.words.count)
        for sentence in training.sentences {
            for row in sentence.words { counts[row] += 1 }
        }
        wordCounts = counts
    }

    public var model: any Layer { tagger.network }
    public var batchesPerEpoch: Int { batcher.batchCount }
    /// Training tokens per epoch.
    public var tokenCount: Int { training.sentences.reduce(0) { $0 + $1.words.count } }

    public func beginEpoch(_ epoch: Int, generator: inout RandomGenerator) {
        epochBatches = batcher.shuffledBatches(using: &generator)
        epochSeed = generator.next()
    }

    public func trainingLoss(batch index: Int) -> (loss: Tensor, items: Int) {
        let indices = epochBatches[index]
        var rows: [[Int]]?
        if wordDropout > 0 {
            var generator = RandomGenerator(seed: epochSeed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
            rows = indices.map { sentence in
                training.sentences[sentence].words.map { row in
                    let keep = Double(wordCounts[row]) / (wordDropout + Double(wordCounts[row]))
                    return row == NeuralTaggerVocabulary.unknown || generator.nextUniformDouble() < keep ? row : NeuralTaggerVocabulary.unknown
                }
            }
        }
        let batch = NeuralTaggerBatch(training, indices: indices, wordRows: rows)
        return (tagger.network.loss(batch), batch.tokenCount)
    }

    public func validate() -> [String: Double]? {
        guard let validation, !validation.sentences.isEmpty, let evaluation = try? bundle.evaluate(validation) else { return nil }
        return ["accuracy": evaluation.accuracy, "known_accuracy": evaluation.knownAccuracy, "unknown_accuracy": evaluation.unknownAccuracy,
                "sentence_accuracy": evaluation.sentenceAccuracy]
    }

    public func modelFile() throws -> ModelFile { try bundle.modelFile() }
}
