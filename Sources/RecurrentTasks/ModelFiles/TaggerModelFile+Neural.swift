import Foundation
import RecurrentData
import RecurrentNN
import RecurrentTensor

/// The neural taggers in a tagger file: the network's parameters by name (as a checkpoint
/// stores them, so `--resume` loads them with the trainer's own loader), the embeddings' rows as
/// newline-separated lists (`tagger.embedding_words`, `tagger.characters`), the architecture as
/// the configuration's `neural`.
extension TaggerBundle {
    func addNeural(_ tagger: NeuralTagger, to file: inout ModelFile) {
        file.add(parametersOf: tagger.network)
        file.extraMetadata["tagger.embedding_words"] = tagger.vocabulary.words.joined(separator: "\n")
        file.extraMetadata["tagger.characters"] = tagger.vocabulary.characters.joined(separator: "\n")
    }

    static func readNeural(_ configuration: Configuration, reader: TaggerFileReader, words: [String]) throws -> TaggerBundle {
        guard let neural = configuration.neural else { throw reader.failure("a \(configuration.model) tagger needs the \"neural\" configuration") }
        if let problem = neural.problem { throw reader.failure("invalid network configuration: \(problem)") }
        guard neural.tagCount == configuration.tags.count, neural.crf == (configuration.model == "bilstm-crf") else {
            throw reader.failure("the network (\(neural.tagCount) tags, crf \(neural.crf)) does not match the \(configuration.tags.count) tags of a \(configuration.model) tagger")
        }
        let embeddingWords = reader.lines("tagger.embedding_words"), characters = reader.lines("tagger.characters")
        guard embeddingWords.count == neural.wordCount, characters.count == neural.characterCount,
              Array(embeddingWords.prefix(2)) == NeuralTaggerVocabulary.reserved, Array(characters.prefix(2)) == NeuralTaggerVocabulary.reserved else {
            throw reader.failure("\"tagger.embedding_words\" and \"tagger.characters\" must list \(neural.wordCount) and \(neural.characterCount) rows, "
                                 + "each starting with \(NeuralTaggerVocabulary.reserved.joined(separator: ", "))")
        }
        // Every tensor against the configuration before allocating the network, so a file that
        // claims a huge model fails cleanly instead of exhausting memory.
        for (name, shape) in neural.parameterShapes { _ = try reader.tensor(name, shape: shape) }
        var generator = RandomGenerator(seed: 0)
        let network = NeuralTaggerNetwork(neural, generator: &generator)
        try reader.file.load(into: network)
        network.setTraining(false)
        let vocabulary = NeuralTaggerVocabulary(words: embeddingWords, characters: characters, lowercase: neural.lowercaseWords,
                                                normalizeDigits: neural.normalizeDigits)
        return TaggerBundle(configuration: configuration, model: .neural(NeuralTagger(network: network, vocabulary: vocabulary)), words: words)
    }
}
