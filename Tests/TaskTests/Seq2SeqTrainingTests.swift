import Foundation
import RecurrentData
import RecurrentNN
import RecurrentTasks
import RecurrentTensor
import RecurrentTestSupport
import Testing

@Suite struct Seq2SeqTrainingTests {
    /// A tiny synthetic run: 4 batches of 16 pairs an epoch.
    static func settings(_ task: SyntheticTranslation = .reverse, epochs: Int) -> Seq2SeqTrainingSettings {
        var settings = Seq2SeqTrainingSettings()
        settings.synthetic = task
        settings.syntheticLengths = 2...4
        settings.syntheticExamples = 64
        settings.hiddenSize = 12
        settings.embeddingSize = 6
        settings.dropout = 0.1
        settings.batch = 16
        settings.epochs = epochs
        settings.bleuSentences = 16
        settings.optimizer = OptimizerSettings(kind: .adam, learningRate: 0.01)
        settings.seed = 3
        return settings
    }

    func values(_ path: String) throws -> [String: [Float]] {
        Dictionary(uniqueKeysWithValues: try SafeTensors(contentsOfFile: path).tensors.map { ($0.name, $0.tensor.scalars) })
    }

    @Test func syntheticTasksAnswerCorrectly() {
        var generator = RandomGenerator(seed: 1)
        for _ in 0..<20 {
            let (source, target) = SyntheticTranslation.add.example(lengths: 1...4, generator: &generator)
            let plus = source.firstIndex(of: "+")!
            let first = Int(source[..<plus].joined())!, second = Int(source[(plus + 1)...].joined())!
            #expect(Int(target.joined()) == first + second && target.first != "0" || target == ["0"])
            let (sorted, sortedTarget) = SyntheticTranslation.sort.example(lengths: 5...20, generator: &generator)
            #expect(sortedTarget == sorted.sorted() && (5...20).contains(sorted.count))
            let (reversed, reversedTarget) = SyntheticTranslation.reverse.example(lengths: 3...3, generator: &generator)
            #expect(reversedTarget == reversed.reversed() && reversed.count == 3)
        }
    }

    @Test func trainingLearnsAndResumesExactly() throws {
        let directory = try TemporaryDirectory()
        let straight = directory.path("straight.safetensors"), resumed = directory.path("resumed.safetensors")
        let run = try Seq2SeqTraining(settings: Self.settings(epochs: 3), training: nil, validation: nil, modelPath: straight, showsProgress: false)
        let before = Seq2SeqEvaluation(bundle: run.bundle).loss(run.task.validation!)
        let state = try run.run()
        #expect(state.epoch == 3 && state.bestMetric != nil)
        let after = Seq2SeqEvaluation(bundle: run.bundle).loss(run.task.validation!)
        #expect(after < before - 0.1, "validation loss \(before) → \(after)")

        _ = try Seq2SeqTraining(settings: Self.settings(epochs: 1), training: nil, validation: nil, modelPath: resumed, showsProgress: false).run()
        var more = Self.settings(epochs: 3)
        more.seed = 99  // ignored: a resumed run keeps its checkpoint's settings
        let continued = try Seq2SeqTraining(settings: more, training: nil, validation: nil, modelPath: resumed, resume: true, showsProgress: false)
        try continued.run()
        #expect(try values(TrainingOutput.checkpointPath(for: straight)).filter { !$0.key.hasPrefix("optimizer.") }
                == values(TrainingOutput.checkpointPath(for: resumed)).filter { !$0.key.hasPrefix("optimizer.") })
        let bundle = try Seq2SeqBundle.read(from: straight)
        #expect(bundle.model.configuration == run.bundle.model.configuration)
        #expect(bundle.sourceVocabulary.tokens == Vocabulary.sentenceSpecials + (0...9).map(String.init))
    }

    @Test func textRunsLeaveOutEmptyAndLongPairsAndBuildVocabularies() throws {
        let directory = try TemporaryDirectory()
        let training = try ParallelText(sourceLines: ["ein hund .", "", "zwei hunde .", "ein hund läuft ein hund läuft", "ein hund ."],
                                        targetLines: ["a dog .", "nothing", "two dogs .", "a dog runs a dog runs", "a dog ."])
        var settings = Seq2SeqTrainingSettings()
        settings.hiddenSize = 8
        settings.embeddingSize = 4
        settings.maximumLength = 5
        settings.minimumCount = 2
        settings.epochs = 1
        let run = try Seq2SeqTraining(settings: settings, training: training, validation: training,
                                      modelPath: directory.path("m.safetensors"), showsProgress: false)
        #expect(run.skippedPairs == 2)
        #expect(run.bundle.sourceVocabulary.tokens == Vocabulary.sentenceSpecials + [".", "ein", "hund"], "most frequent first")
        #expect(run.bundle.targetVocabulary.tokens == Vocabulary.sentenceSpecials + [".", "a", "dog"])
        #expect(run.bundle.encodeSource("zwei hund !") == [1, 6, 1])
        let state = try run.run()
        #expect(run.trainer.options.selection == ModelSelection(metric: "bleu", direction: .higher) && state.bestMetric != nil)
    }

    @Test func heatmapIsWellFormedEscapedSVG() throws {
        let heatmap = AttentionHeatmap(sourceTokens: ["<b>", "\"a&b\"", "</s>"], targetTokens: ["x'y", "</s>"],
                                       weights: [[0.7, 0.2, 0.1], [0, 0.05, 0.95]])
        let svg = heatmap.svg()
        let outline = try XMLOutline(svg)
        #expect(outline.rootName == "svg")
        #expect(outline.elementCounts["rect"] == 1 + 6, "the background and one cell per weight")
        #expect(Set(outline.texts).isSuperset(of: ["<b>", "\"a&b\"", "</s>", "x'y", ".70", ".95"]))
        #expect(svg.contains("fill=\"#FFFFFF\""), "weight 0 is white")
        #expect(AttentionHeatmap.color(1) == "#08306B" && AttentionHeatmap.color(0) == "#FFFFFF")
    }
}
