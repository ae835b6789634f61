import RecurrentData
import RecurrentTensor

/// A trained ``NeuralTaggerNetwork`` with the vocabulary that turns words into its rows: what a
/// tagger file of model `bilstm` or `bilstm-crf` holds.
///
/// ```swift
/// let tagger = NeuralTagger(network: network, vocabulary: vocabulary)
/// tagger.tag([["The", "dog", "barks", "."]])   // [[DET, NOUN, VERB, PUNCT] as tag indices]
/// ```
public final class NeuralTagger {
    public let network: NeuralTaggerNetwork
    public let vocabulary: NeuralTaggerVocabulary
    /// Sentences tagged together (sorted by length, so a batch has little padding).
    public var batchSize = 64

    public init(network: NeuralTaggerNetwork, vocabulary: NeuralTaggerVocabulary) {
        precondition(vocabulary.words.count == network.configuration.wordCount
                     && vocabulary.characters.count == network.configuration.characterCount,
                     "NeuralTagger: the vocabulary does not match the network's embeddings")
        self.network = network
        self.vocabulary = vocabulary
    }

    /// The tag indices of each sentence (in evaluation mode: no dropout).
    public func tag(_ sentences: [[String]]) -> [[Int]] {
        tag(EncodedCorpus(sentences, vocabulary: vocabulary))
    }

    /// The tag indices of each sentence of an encoded corpus.
    public func tag(_ corpus: EncodedCorpus) -> [[Int]] {
        let wasTraining = network.isTraining
        network.setTraining(false)
        defer { network.setTraining(wasTraining) }
        var result = [[Int]](repeating: [], count: corpus.sentences.count)
        let batcher = SequenceBatcher(lengths: corpus.sentences.map(\.words.count), batchSize: batchSize)
        for indices in batcher.orderedBatches(sortedByLength: true) {
            let nonEmpty = indices.filter { !corpus.sentences[$0].words.isEmpty }
            guard !nonEmpty.isEmpty else { continue }
            let predicted = network.predict(NeuralTaggerBatch(corpus, indices: nonEmpty))
            for (index, tags) in zip(nonEmpty, predicted) { result[index] = tags }
        }
        return result
    }
}
