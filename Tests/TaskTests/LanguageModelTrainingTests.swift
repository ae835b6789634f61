import Foundation
import RecurrentData
import RecurrentNN
import RecurrentTasks
import RecurrentTensor
import RecurrentTestSupport
import Testing

@Suite struct LanguageModelTrainingTests {
    static func settings(epochs: Int) -> LanguageModelTrainingSettings {
        var settings = LanguageModelTrainingSettings()
        settings.level = .char
        settings.layers = 2
        settings.hiddenSize = 16
        settings.embeddingSize = 8
        settings.dropout = 0.1
        settings.window = 16
        settings.batch = 4
        settings.optimizer = OptimizerSettings(kind: .adam, learningRate: 0.01)
        settings.epochs = epochs
        settings.seed = 3
        return settings
    }

    static let training = DemoCorpus.text(characters: 2500, seed: 5), validation = DemoCorpus.text(characters: 400, seed: 6)

    func tensors(_ path: String) throws -> [String: [Float]] {
        Dictionary(uniqueKeysWithValues: try SafeTensors(contentsOfFile: path).tensors.map { ($0.name, $0.tensor.scalars) })
    }

    /// On every instruction set this CPU supports: a batch of four streams reads W_hh through the
    /// small-m kernels, and validation (a batch of one, without gradients) lays it out for dot
    /// products; the resumed run validates at other points than the straight one.
    @Test func resumingContinuesExactlyAsIfNeverInterrupted() throws {
        try forEachInstructionSet { isa in try expectResumeIsExact(isa: isa) }
    }

    func expectResumeIsExact(isa: String) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("recurrent-resume-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let straight = directory.appendingPathComponent("straight.safetensors").path
        let interrupted = directory.appendingPathComponent("interrupted.safetensors").path

        let whole = try LanguageModelTraining(settings: Self.settings(epochs: 3), trainingText: Self.training, validationText: Self.validation,
                                              modelPath: straight, resume: false, showsProgress: false)
        let straightState = try whole.run()
        try LanguageModelTraining(settings: Self.settings(epochs: 1), trainingText: Self.training, validationText: Self.validation,
                                  modelPath: interrupted, resume: false, showsProgress: false).run()
        let resumed = try LanguageModelTraining(settings: Self.settings(epochs: 3), trainingText: Self.training,
                                                validationText: Self.validation, modelPath: interrupted, resume: true, showsProgress: false)
        let resumedState = try resumed.run()

        #expect(straightState.step == resumedState.step && straightState.epoch == 3)
        #expect(straightState.bestMetric == resumedState.bestMetric)
        // The last parameters, optimizer state and carried state, and the best model: bit for bit.
        let checkpointA = try tensors(LanguageModelTraining.checkpointPath(for: straight))
        let checkpointB = try tensors(LanguageModelTraining.checkpointPath(for: interrupted))
        #expect(checkpointA.keys.sorted() == checkpointB.keys.sorted())
        #expect(checkpointA.keys.contains { $0.hasPrefix("optimizer.") } && checkpointA.keys.contains { $0.hasPrefix("carried.") })
        for (name, values) in checkpointA { #expect(values == checkpointB[name], "\(isa): checkpoint tensor \(name)") }
        #expect(try tensors(straight) == tensors(interrupted), "\(isa): best models")
        // Training learned something: below the uniform distribution's log(vocabulary size).
        let uniform = log(Double(whole.bundle.vocabulary.count))
        #expect((straightState.bestMetric ?? 9) < uniform - 0.5)
    }

    /// Training twice from the same seed gives the same bits, and validating (here after every
    /// step, as a time-based schedule on a slow machine might) never changes the trained weights.
    @Test func trainingIsDeterministicAndIndependentOfValidation() throws {
        try forEachInstructionSet { isa in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("recurrent-determinism-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            var runs: [[String: [Float]]] = []
            for (index, validationInterval) in [nil, nil, 1e-9].enumerated() {
                var settings = Self.settings(epochs: 2)
                settings.validationInterval = validationInterval
                let path = directory.appendingPathComponent("run\(index).safetensors").path
                try LanguageModelTraining(settings: settings, trainingText: Self.training, validationText: Self.validation,
                                          modelPath: path, resume: false, showsProgress: false).run()
                runs.append(try tensors(LanguageModelTraining.checkpointPath(for: path)).filter { !$0.key.hasPrefix("carried.") })
            }
            #expect(runs[0] == runs[1], "\(isa): two runs from the same seed differ")
            #expect(runs[0] == runs[2], "\(isa): validating after every step changed the trained weights")
        }
    }

    @Test func checkpointRecordsOfEarlierVersionsAndGarbledOnes() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("recurrent-record-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let model = directory.appendingPathComponent("model.safetensors").path
        let checkpoint = LanguageModelTraining.checkpointPath(for: model)
        try LanguageModelTraining(settings: Self.settings(epochs: 1), trainingText: Self.training, validationText: Self.validation,
                                  modelPath: model, resume: false, showsProgress: false).run()
        func rewriteRecord(_ change: (inout [String: Any]) -> Void) throws {
            var file = try SafeTensors(contentsOfFile: checkpoint)
            let json = try #require(file.metadata["training"])
            var record = try #require(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            change(&record)
            file.metadata["training"] = String(decoding: try JSONSerialization.data(withJSONObject: record), as: UTF8.self)
            try file.write(toFile: checkpoint)
        }
        // A record as versions before the shared checkpoint wrote it (the token count at the top,
        // the best loss as bestValidationLoss) resumes, and its token count is still checked.
        try rewriteRecord { record in
            let tokens = (record["data"] as? [String: Any])?["tokens"]
            record["data"] = nil
            record["trainingTokens"] = tokens
            var state = record["state"] as? [String: Any] ?? [:]
            state["bestValidationLoss"] = state["bestMetric"]
            state["bestMetric"] = nil
            record["state"] = state
        }
        #expect(throws: ModelFileError.self) {
            try LanguageModelTraining(settings: Self.settings(epochs: 2), trainingText: Self.training + "more text",
                                      validationText: Self.validation, modelPath: model, resume: true, showsProgress: false)
        }
        let resumed = try LanguageModelTraining(settings: Self.settings(epochs: 2), trainingText: Self.training,
                                                validationText: Self.validation, modelPath: model, resume: true, showsProgress: false)
        #expect(resumed.trainer.state.bestMetric != nil)
        #expect(try resumed.run().epoch == 2)
        // Checkpoints written before the training text's size was recorded still resume.
        try rewriteRecord { $0["trainingTokens"] = nil }
        #expect(try LanguageModelTraining(settings: Self.settings(epochs: 3), trainingText: Self.training, validationText: Self.validation,
                                          modelPath: model, resume: true, showsProgress: false).run().epoch == 3)
        // A record without its settings: the message names what is missing.
        try rewriteRecord { $0["settings"] = nil }
        do {
            _ = try LanguageModelTraining(settings: Self.settings(epochs: 3), trainingText: Self.training, validationText: nil,
                                          modelPath: model, resume: true, showsProgress: false)
            Issue.record("a garbled checkpoint record was accepted")
        } catch {
            #expect("\(error)".contains("missing key \"settings\""), "\(error)")
        }
    }

    @Test func badSettingsAndTextsAreErrors() throws {
        var settings = Self.settings(epochs: 1)
        settings.batch = 5000
        #expect(throws: LanguageModelTrainingError.self) {
            try LanguageModelTraining(settings: settings, trainingText: "short text", validationText: nil, modelPath: "/tmp/unused", resume: false)
        }
        settings = Self.settings(epochs: 1)
        settings.tiedWeights = true
        #expect(throws: LanguageModelTrainingError.self) {
            try LanguageModelTraining(settings: settings, trainingText: Self.training, validationText: nil, modelPath: "/tmp/unused", resume: false)
        }
        // A validation text with a character the training text never had: no <unk> at the character level.
        #expect(throws: VocabularyError.self) {
            try LanguageModelTraining(settings: Self.settings(epochs: 1), trainingText: Self.training, validationText: "§",
                                      modelPath: "/tmp/unused", resume: false)
        }
        #expect(throws: (any Error).self) {
            try LanguageModelTraining(settings: Self.settings(epochs: 1), trainingText: Self.training, validationText: nil,
                                      modelPath: "/nonexistent-directory/model", resume: true)
        }
    }

    @Test func evaluationPredictsEveryTokenAfterTheFirst() throws {
        var generator = RandomGenerator(seed: 9)
        let model = LanguageModel(.init(cell: .gru, vocabularySize: 7, embeddingSize: 4, hiddenSize: 5, layers: 1), generator: &generator)
        let tokens = (0..<50).map { _ in generator.nextInt(below: 7) }
        let windowed = model.negativeLogLikelihood(of: tokens, window: 7)
        let whole = model.negativeLogLikelihood(of: tokens, window: 1000)
        #expect(windowed.predicted == 49)
        #expect(Swift.abs(windowed.total - whole.total) < 1e-4 * whole.total, "windows carry the state exactly")
        let perToken = model.tokenLogProbabilities(of: tokens)
        #expect(perToken.count == 49)
        #expect(Swift.abs(-perToken.reduce(0, +) - whole.total) < 1e-4 * whole.total)
    }
}
