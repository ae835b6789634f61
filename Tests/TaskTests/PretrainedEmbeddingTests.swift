import Foundation
import RecurrentData
import RecurrentNN
import RecurrentTasks
import RecurrentTensor
import Testing

/// Pretrained vectors in a task's embedding: rows found copied, the rest left as initialized,
/// frozen embeddings left alone by training.
@Suite struct PretrainedEmbeddingTests {
    static let vectors = WordVectors(words: ["the", "cat", "dog"], dimension: 2, values: [1, 2, 3, 4, 5, 6])!

    @Test func foundRowsAreCopiedAndTheRestKeepTheirInitialization() throws {
        var generator = RandomGenerator(seed: 1)
        let embedding = Embedding(vocabularySize: 4, dimension: 2, generator: &generator)
        let initial = embedding.weight.value.scalars
        let (found, byLowercase) = try embedding.loadPretrained(Self.vectors, words: ["The", "cat", "<eos>", "dog"], lowercaseFallback: false)
        #expect(found == 2 && byLowercase == 0)
        #expect(embedding.weight.value.scalars == Array(initial[0..<2]) + [3, 4] + Array(initial[4..<6]) + [5, 6])
        let (withFallback, lowered) = try embedding.loadPretrained(Self.vectors, words: ["The", "cat", "<eos>", "dog"], lowercaseFallback: true)
        #expect(withFallback == 3 && lowered == 1)
        #expect(Array(embedding.weight.value.scalars[0..<2]) == [1, 2])
        let wide = Embedding(vocabularySize: 4, dimension: 3, generator: &generator)
        #expect(throws: PretrainedEmbeddingError(file: "v.txt", fileDimension: 2, embeddingDimension: 3)) {
            try wide.loadPretrained(Self.vectors, words: ["a", "b", "c", "d"], file: "v.txt")
        }
    }

    @Test(arguments: [true, false])
    func languageModelTrainsWithFrozenOrFineTunedVectors(freeze: Bool) throws {
        let folder = try TemporaryFolder()
        let vectorFile = folder.path("vectors.txt")
        try WordVectorsWriter.write(Self.vectors, to: vectorFile, format: .word2vec)
        var settings = LanguageModelTrainingSettings()
        settings.level = .word
        settings.layers = 1
        settings.hiddenSize = 8
        settings.embeddingSize = 2
        settings.window = 5
        settings.batch = 2
        settings.epochs = 1
        settings.optimizer = OptimizerSettings(kind: .adam, learningRate: 0.01)
        settings.pretrainedEmbeddings = PretrainedEmbeddingSettings(path: vectorFile, freeze: freeze, vocabularyOnly: !freeze)
        let text = String(repeating: "the cat sat\nthe dog ran\n", count: 10)
        let training = try LanguageModelTraining(settings: settings, trainingText: text, validationText: nil,
                                                 modelPath: folder.path("lm.safetensors"), resume: false, showsProgress: false)
        let report = try #require(training.pretrainedEmbeddingReport)
        #expect(report.found == 3 && report.words == 6, "the, cat and dog of the, cat, sat, <eos>, dog, ran")
        #expect(report.summary == "3 of 6 words found in \(vectorFile); the rest initialized as usual")
        let encoder = training.bundle.model.encoder
        let words = training.bundle.vocabulary.tokens
        let row = { (word: String) in Array(encoder.weight.value.scalars[(words.firstIndex(of: word)! * 2)...].prefix(2)) }
        #expect(row("cat") == [3, 4])
        let before = encoder.weight.value.scalars, decoderBefore = training.bundle.model.decoder.weight.value.scalars
        try training.run()
        #expect((encoder.weight.value.scalars == before) == freeze, freeze ? "a frozen embedding does not move" : "a fine-tuned one does")
        #expect(training.bundle.model.decoder.weight.value.scalars != decoderBefore, "the rest of the model trains")
    }
}
