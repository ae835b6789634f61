import Foundation
import RecurrentData
import RecurrentNN
import RecurrentTasks
import RecurrentTensor
import RecurrentTestSupport
import Testing

@Suite struct Seq2SeqModelTests {
    static func model(_ cell: CellKind = .gru, layers: Int = 1, bidirectional: Bool = true, attention: AttentionKind = .additive,
                      inputFeeding: Bool = false, hidden: Int = 6, embed: Int = 5, vocabulary: Int = 9, seed: UInt64 = 1) -> Seq2SeqModel {
        var generator = RandomGenerator(seed: seed)
        let configuration = Seq2SeqConfiguration(cell: cell, sourceVocabularySize: vocabulary + 1, targetVocabularySize: vocabulary,
                                                 embeddingSize: embed, hiddenSize: hidden, layers: layers, bidirectional: bidirectional,
                                                 attention: attention, inputFeeding: inputFeeding)
        let model = Seq2SeqModel(configuration, generator: &generator)
        model.setTraining(false)
        return model
    }

    static let sources = [[4, 5, 6, 7], [8, 4], [9, 9, 5]]
    static let targets = [[5, 6], [7, 8, 4, 4], [6]]

    static var configurations: [(String, Seq2SeqModel)] { [
        ("gru bidirectional additive", model()),
        ("lstm 2 layers general", model(.lstm, layers: 2, attention: .general)),
        ("gru no attention", model(attention: .none)),
        ("gru unidirectional dot", model(bidirectional: false, attention: .dot)),
        ("rnn bidirectional general", model(.rnn, attention: .general)),
    ] }

    @Test func wholeSequenceDecoderEqualsTheStepByStepOne() {
        for (name, model) in Self.configurations {
            let batch = Seq2SeqBatch(sources: Self.sources, targets: Self.targets)
            let whole = withoutGradient { model.logits(source: batch.source, targetInputs: batch.targetInputs) }
            let stepwise = withoutGradient {
                model.logits(source: batch.source, targetInputs: batch.targetInputs, sampling: (0, RandomGenerator(seed: 0)))
            }
            // Padded positions differ (the fused layer zeroes states past each length); compare real ones.
            let vocabulary = model.configuration.targetVocabularySize
            let rows = batch.mask.indices.filter { batch.mask[$0] == 1 }
            expectClose(whole.gatherRows(rows), stepwise.gatherRows(rows), relative: 1e-4, absolute: 1e-5, "\(name)")
            #expect(whole.shape == [3 * batch.targetInputs.time, vocabulary])
        }
    }

    @Test func aSentenceScoresTheSameAloneAsInAPaddedBatch() {
        for (name, model) in Self.configurations + [("gru input feeding", Self.model(inputFeeding: true))] {
            let together = model.logProbabilities(sources: Self.sources, targets: Self.targets)
            for index in Self.sources.indices {
                let alone = model.logProbabilities(sources: [Self.sources[index]], targets: [Self.targets[index]])[0]
                #expect(Swift.abs(alone - together[index]) < 1e-4, "\(name): sentence \(index): \(alone) vs \(together[index])")
            }
        }
    }

    @Test func modelGradientsMatchFiniteDifferences() {
        for model in [Self.model(inputFeeding: true, hidden: 3, embed: 3, vocabulary: 6),
                      Self.model(.lstm, attention: .general, hidden: 3, embed: 2, vocabulary: 6)] {
            let batch = Seq2SeqBatch(sources: [[4, 5, 3], [5]], targets: [[4], [5, 4]])
            let checked = model.parameters.filter {
                ["bridge.weight", "bridge_cell.bias", "encoder.rnn.weight_hh_l0_reverse", "decoder.rnn.weight_ih_l0",
                 "decoder.attention_output.weight", "decoder.attention.memory_projection.weight", "decoder.attention.score.weight",
                 "decoder.embedding.weight"].contains($0.name)
            }
            #expect(checked.count >= 5)
            expectParameterGradientsMatch(checked, "\(model.configuration.cell) \(model.configuration.attention)") {
                let logits = model.logits(source: batch.source, targetInputs: batch.targetInputs)
                return Loss.softmaxCrossEntropy(logits: logits, targets: batch.targets, mask: batch.mask)
            }
        }
    }

    @Test func greedyIsBeamSearchWithABeamOfOne() {
        for (name, model) in Self.configurations + [("gru input feeding", Self.model(inputFeeding: true))] {
            let options = DecodingOptions(beamSize: 1, lengthPenalty: 0.6, maximumLengthRatio: 1.5, maximumLengthOffset: 2)
            let greedy = model.greedy(Self.sources, options: options)
            let beam = model.beamSearch(Self.sources, options: options).map { $0[0] }
            #expect(greedy.map(\.tokens) == beam.map(\.tokens), "\(name)")
            for (g, b) in zip(greedy, beam) {
                #expect(Swift.abs(g.logProbability - b.logProbability) < 1e-9 && Swift.abs(g.score - b.score) < 1e-9, "\(name)")
            }
        }
    }

    @Test func beamSearchFindsTheBestSequenceWhenItCanSeeThemAll() {
        // 6 target tokens, at most 3 before </s>: 1 + 5 + 25 + 125 sequences. A beam of 200 keeps
        // every prefix, so it stops only when the most likely extension of a step is finished, and
        // without length normalization that is the most likely sequence of all.
        let model = Self.model(bidirectional: false, hidden: 8, embed: 4, vocabulary: 6, seed: 7)
        // Trained briefly to copy sequences of 4s and 5s, so the most likely output is not just </s>.
        model.setTraining(true)
        let optimizer = Adam(model.parameters, learningRate: 0.05)
        var generator = RandomGenerator(seed: 8)
        for _ in 0..<60 {
            let sources = (0..<8).map { _ in (0..<(1 + generator.nextInt(below: 3))).map { _ in 4 + generator.nextInt(below: 2) } }
            let batch = Seq2SeqBatch(sources: sources, targets: sources)
            optimizer.zeroGradients()
            Loss.softmaxCrossEntropy(logits: model.logits(source: batch.source, targetInputs: batch.targetInputs), targets: batch.targets,
                                     mask: batch.mask).backward()
            optimizer.step()
        }
        model.setTraining(false)
        var all: [[Int]] = [[]]
        var frontier: [[Int]] = [[]]
        for _ in 0..<3 {
            frontier = frontier.flatMap { prefix in (0..<6).filter { $0 != Seq2SeqModel.end }.map { prefix + [$0] } }
            all += frontier
        }
        #expect(all.count == 156)
        var distinctBests = Set<[Int]>()
        for source in [[4, 5], [5], [4, 4, 4, 5]] {
            let logProbabilities = model.logProbabilities(sources: Array(repeating: source, count: all.count), targets: all)
            #expect(logProbabilities.reduce(0.0) { $0 + Foundation.exp($1) } < 1, "these are some of the model's sequences")
            let best = logProbabilities.indices.max { logProbabilities[$0] < logProbabilities[$1] }!
            distinctBests.insert(all[best])
            let options = DecodingOptions(beamSize: 200, lengthPenalty: 0, maximumLengthRatio: 0, maximumLengthOffset: 3, nBest: 2)
            let found = model.beamSearch([source], options: options)[0]
            #expect(found.count == 2 && found[0].score >= found[1].score)
            #expect(found[0].tokens == all[best], "source \(source)")
            #expect(Swift.abs(found[0].logProbability - logProbabilities[best]) < 1e-4, "the search's score is the model's")
            // A small beam finds nothing better than the best.
            let small = model.beamSearch([source], options: DecodingOptions(beamSize: 2, lengthPenalty: 0, maximumLengthRatio: 0, maximumLengthOffset: 3))
            #expect(small[0][0].logProbability <= logProbabilities[best] + 1e-6)
        }
        #expect(distinctBests.contains { $0.count >= 2 }, "the searches are not trivial")
    }

    @Test func configurationProblemsAreFoundBeforeBuilding() {
        var configuration = Seq2SeqConfiguration(sourceVocabularySize: 10, targetVocabularySize: 10, attention: .dot)
        #expect(configuration.problem?.contains("dot attention") == true)
        configuration.attention = .none
        configuration.inputFeeding = true
        #expect(configuration.problem == "input feeding needs attention")
        configuration = Seq2SeqConfiguration(sourceVocabularySize: 10, targetVocabularySize: 10, embeddingSize: 8, hiddenSize: 16, tiedOutput: true)
        #expect(configuration.problem?.contains("tied") == true)
        for (name, model) in Self.configurations {
            let shapes = Dictionary(uniqueKeysWithValues: model.configuration.parameterShapes.map { ($0.name, $0.shape) })
            let actual = Dictionary(uniqueKeysWithValues: model.parameters.map { ($0.name, $0.parameter.shape) })
            #expect(shapes == actual, "\(name)")
        }
    }
}
