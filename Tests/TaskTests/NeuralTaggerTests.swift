import Foundation
import RecurrentData
import RecurrentNN
import RecurrentTasks
import RecurrentTensor
import RecurrentTestSupport
import Testing

/// The BiLSTM and BiLSTM-CRF taggers: the character encoder, learning a small tagged language,
/// model files, and exact resumption.
@Suite struct NeuralTaggerTests {
    /// Small, fast settings for tests (debug builds are slow).
    static func settings(crf: Bool, epochs: Int) -> NeuralTaggerSettings {
        var settings = NeuralTaggerSettings()
        settings.crf = crf
        settings.wordDimension = 16
        settings.characterDimension = 8
        settings.characterHiddenSize = 8
        settings.hiddenSize = 16
        settings.layers = 1
        settings.dropout = 0.1
        settings.batch = 8
        settings.optimizer = OptimizerSettings(kind: .adam, learningRate: 0.01)
        settings.epochs = epochs
        settings.seed = 3
        return settings
    }

    @Test func vocabularyKeysWordsAndSpellsThem() {
        let corpus = TaggedCorpus(file: "<test>", sentences: [TaggedSentence(words: ["The", "dog", "saw", "the", "1984", "dog"], tags: Array(repeating: "X", count: 6))])
        let vocabulary = NeuralTaggerVocabulary.build(from: corpus, lowercase: true, normalizeDigits: true, extraWords: ["Cat", "2023"])
        // Most frequent first (ties in order of appearance), then the extra words' new keys.
        #expect(vocabulary.words == NeuralTaggerVocabulary.reserved + ["the", "dog", "saw", "0000", "cat"])
        #expect(vocabulary.wordRow("THE") == 2 && vocabulary.wordRow("1776") == 5 && vocabulary.wordRow("bird") == NeuralTaggerVocabulary.unknown)
        #expect(vocabulary.characterRows("Tz") == [2, NeuralTaggerVocabulary.unknown])
        #expect(vocabulary.characterRows("") == [NeuralTaggerVocabulary.unknown])
        let long = String(repeating: "o", count: 20) + String(repeating: "g", count: 20)
        let rows = vocabulary.characterRows(long)
        #expect(rows.count == NeuralTaggerVocabulary.maximumCharacters)
        #expect(rows.first == vocabulary.characterRows("o")[0] && rows.last == vocabulary.characterRows("g")[0] && rows.first != rows.last)
        let keepCase = NeuralTaggerVocabulary.build(from: corpus, lowercase: false, normalizeDigits: false)
        #expect(keepCase.words == NeuralTaggerVocabulary.reserved + ["dog", "The", "saw", "the", "1984"])
    }

    @Test func characterEncoderBatchesEqualOneWordAtATime() {
        var generator = RandomGenerator(seed: 1)
        let encoder = CharacterEncoder(characterCount: 12, dimension: 5, hiddenSize: 4, generator: &generator)
        encoder.groupSize = 3  // several groups, each padded to its own longest word
        let words = [[2, 3, 4], [5], [6, 7, 8, 9, 10, 11, 2], [3, 3], [2, 3, 4], [11, 10, 9, 8], [4]]
        let batched = encoder(words)
        #expect(batched.shape == [words.count, 8])
        for (index, word) in words.enumerated() {
            let single = encoder([word])
            #expect(zip(batched.scalars[(index * 8)..<(index * 8 + 8)], single.scalars).allSatisfy { abs($0 - $1) < 1e-5 }, "word \(index)")
        }
        // The vector joins the forward LSTM's last state and the backward LSTM's state at the first character.
        let reversed = encoder([[4, 3, 2]]).scalars
        let forward = encoder([[2, 3, 4]]).scalars
        #expect(forward != reversed)
    }

    @Test func characterEncoderGradientsMatchFiniteDifferences() {
        var generator = RandomGenerator(seed: 2)
        let encoder = CharacterEncoder(characterCount: 9, dimension: 3, hiddenSize: 3, generator: &generator)
        encoder.groupSize = 2
        let words = [[2, 3, 4, 5], [6], [7, 8], [2, 3, 4, 5]]
        let weights = Tensor.randomUniform([words.count, 6], in: -1..<1, using: &generator)
        expectFiniteDifferenceGradients(encoder.parameters, samples: 6) { (encoder(words) * weights).sum() }
    }

    @Test func bothModelsLearnASmallTaggedLanguage() throws {
        let train = SyntheticTaggedCorpus.make(sentences: 160, seed: 1)
        let dev = SyntheticTaggedCorpus.make(sentences: 40, seed: 2)
        for crf in [false, true] {
            let run = try NeuralTaggerTraining(settings: Self.settings(crf: crf, epochs: 6), training: train, validation: dev, modelPath: nil,
                                               showsProgress: false)
            let state = try run.run()
            let evaluation = try run.bundle.evaluate(dev)
            #expect(evaluation.accuracy > 0.93, "crf \(crf): dev accuracy \(evaluation.accuracy)")
            #expect(state.bestMetric == evaluation.accuracy, "the model ends with its best validation")
            #expect(run.bundle.configuration.model == (crf ? "bilstm-crf" : "bilstm"))
        }
    }

    @Test func modelFilesRoundTripAndDamagedOnesAreErrors() throws {
        let directory = try TemporaryDirectory()
        let train = SyntheticTaggedCorpus.make(sentences: 30, seed: 4)
        let run = try NeuralTaggerTraining(settings: Self.settings(crf: true, epochs: 1), training: train, validation: nil, modelPath: nil,
                                           showsProgress: false)
        try run.run()
        let path = directory.path("tagger.safetensors")
        try run.bundle.write(to: path)
        let read = try TaggerBundle.read(from: path)
        let sentences = SyntheticTaggedCorpus.make(sentences: 10, seed: 5).sentences.map(\.words) + [["Unseen", "wordz"], []]
        #expect(read.tag(sentences) == run.bundle.tag(sentences))
        #expect(read.tag(sentences[0]) == run.bundle.tag(sentences[0]))
        #expect(read.configuration == run.bundle.configuration)

        func damaged(_ change: (inout SafeTensors) -> Void) throws -> String {
            var file = try SafeTensors(contentsOfFile: path)
            change(&file)
            let broken = directory.path("broken.safetensors")
            try file.write(toFile: broken)
            do {
                _ = try TaggerBundle.read(from: broken)
                return ""
            } catch {
                return "\(error)"
            }
        }
        #expect(try damaged { $0["crf.transitions"] = nil }.contains("missing tensor \"crf.transitions\""))
        #expect(try damaged { $0["output.bias"] = Tensor.zeros([3]) }.contains("\"output.bias\" has shape [3]"))
        #expect(try damaged { $0["rnn.weight_hh_l0"] = Tensor(repeating: .nan, shape: [64, 16]) }.contains("NaN"))
        #expect(try damaged { $0.metadata["tagger.characters"] = "<pad>\n<unk>" }.contains("tagger.characters"))
        #expect(try damaged { file in
            file.metadata["config"] = file.metadata["config"]!.replacingOccurrences(of: "\"hiddenSize\":16", with: "\"hiddenSize\":-1")
        }.contains("hidden size -1"))
    }

    @Test func aResumedRunEndsExactlyAsAnUninterruptedOne() throws {
        let directory = try TemporaryDirectory()
        let train = SyntheticTaggedCorpus.make(sentences: 40, seed: 6), dev = SyntheticTaggedCorpus.make(sentences: 10, seed: 7)
        let straight = directory.path("straight.safetensors"), interrupted = directory.path("interrupted.safetensors")
        try NeuralTaggerTraining(settings: Self.settings(crf: true, epochs: 3), training: train, validation: dev, modelPath: straight,
                                 showsProgress: false).run()
        try NeuralTaggerTraining(settings: Self.settings(crf: true, epochs: 1), training: train, validation: dev, modelPath: interrupted,
                                 showsProgress: false).run()
        var more = NeuralTaggerSettings()
        more.epochs = 3
        try NeuralTaggerTraining(settings: more, training: train, validation: dev, modelPath: interrupted, resume: true, showsProgress: false).run()
        let one = try SafeTensors(contentsOfFile: TrainingOutput.checkpointPath(for: straight))
        let other = try SafeTensors(contentsOfFile: TrainingOutput.checkpointPath(for: interrupted))
        for name in ["word_embedding.weight", "characters.rnn.weight_ih_l0", "rnn.weight_hh_l0_reverse", "crf.transitions", "output.bias"] {
            let expected = try #require(one[name], "\(name)")
            #expect(expected.scalars == other[name]?.scalars, "\(name)")
        }
        // Resuming on other data is refused.
        let otherCorpus = SyntheticTaggedCorpus.make(sentences: 41, seed: 6)
        #expect(throws: ModelFileError.self) {
            try NeuralTaggerTraining(settings: more, training: otherCorpus, validation: dev, modelPath: interrupted, resume: true, showsProgress: false)
        }
    }
}
