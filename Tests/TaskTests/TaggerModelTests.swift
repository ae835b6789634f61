import Foundation
import RecurrentData
import RecurrentTasks
import RecurrentTensor
import Testing

/// The CRF trainer's objective, the perceptron, and tagger model files.
@Suite struct TaggerModelTests {
    static let corpus = SyntheticTaggedCorpus.make(sentences: 60, seed: 3)

    @Test func sparseCRFGradientMatchesFiniteDifferences() throws {
        let small = TaggedCorpus(file: "t", sentences: Array(Self.corpus.sentences.prefix(4)))
        let tags = TaggerTraining.tagSet(of: small)
        let data = try FeatureTrainingSet(corpus: small, tags: tags, templates: FeatureTemplates())
        let trainer = CRFTrainer(data: data, tags: tags.symbols)
        var generator = RandomGenerator(seed: 5)
        var parameters = (0..<trainer.parameterCount).map { _ in generator.nextUniformDouble() - 0.5 }
        let l2 = 0.3
        func objective(_ point: [Double]) -> Double {
            var gradient = [Double](repeating: 0, count: point.count)
            return point.withUnsafeBufferPointer { p in gradient.withUnsafeMutableBufferPointer { trainer.objective(p, gradient: $0, l2: l2) } }
        }
        var gradient = [Double](repeating: 0, count: parameters.count)
        _ = parameters.withUnsafeBufferPointer { p in gradient.withUnsafeMutableBufferPointer { trainer.objective(p, gradient: $0, l2: l2) } }
        // Every 7th emission weight, and every transition, start and end weight.
        let checked = Array(stride(from: 0, to: trainer.features.featureCount, by: 7)) + Array(trainer.features.featureCount..<parameters.count)
        let step = 1e-5
        var worst = 0.0
        for index in checked {
            let saved = parameters[index]
            parameters[index] = saved + step
            let plus = objective(parameters)
            parameters[index] = saved - step
            let minus = objective(parameters)
            parameters[index] = saved
            worst = max(worst, abs((plus - minus) / (2 * step) - gradient[index]) / max(1, abs(gradient[index])))
        }
        #expect(worst < 1e-5, "worst relative gradient error \(worst)")
    }

    @Test func crfTrainingIsDeterministicForAThreadCount() throws {
        var options = TaggerTrainingOptions()
        options.model = .crf
        options.crf.maxIterations = 15
        // Kernels.threadCount is left alone: tests run in parallel in one process, and others
        // (checkpoint resumption) need it unchanged.
        let first = try TaggerTraining.train(Self.corpus, options: options), second = try TaggerTraining.train(Self.corpus, options: options)
        guard case .features(let a) = first.model, case .features(let b) = second.model else { Issue.record("not a feature tagger"); return }
        #expect(a.emissions.weights == b.emissions.weights)
        let held = SyntheticTaggedCorpus.make(sentences: 20, seed: 4)
        #expect(try first.evaluate(held).accuracy > 0.95)
    }

    @Test func crfWithSGDAndWithL1() throws {
        let held = SyntheticTaggedCorpus.make(sentences: 20, seed: 6)
        var options = TaggerTrainingOptions()
        options.model = .crf
        options.crf.algorithm = .sgd
        options.crf.maxIterations = 5
        var objectives: [Double] = []
        let sgd = try TaggerTraining.train(Self.corpus, options: options) { progress in
            objectives.append(progress.metrics["objective"] ?? .nan)
            return true
        }
        #expect(objectives.count == 5 && objectives.last! < objectives.first!, "\(objectives)")
        #expect(try sgd.evaluate(held).accuracy > 0.95)
        options.crf.algorithm = .lbfgs
        options.crf.maxIterations = 40
        options.crf.l1 = 1
        let sparse = try TaggerTraining.train(Self.corpus, options: options)
        guard case .features(let tagger) = sparse.model else { Issue.record("not a feature tagger"); return }
        let zeros = tagger.emissions.weights.filter { $0 == 0 }.count
        #expect(zeros > tagger.emissions.weights.count / 4, "OWL-QN leaves exact zeros: \(zeros) of \(tagger.emissions.weights.count)")
        #expect(try sparse.evaluate(held).accuracy > 0.95)
    }

    @Test func perceptronLearnsASeparableProblem() throws {
        // Each word has one tag, except "runs"/"walks" whose tag the previous word decides.
        for greedy in [false, true] {
            var options = TaggerTrainingOptions()
            options.model = .perceptron
            options.perceptron.epochs = 5
            options.perceptron.greedy = greedy
            let bundle = try TaggerTraining.train(Self.corpus, options: options)
            let training = try bundle.evaluate(Self.corpus)
            #expect(training.accuracy == 1, "greedy \(greedy): \(training.accuracy)")
            let held = try bundle.evaluate(SyntheticTaggedCorpus.make(sentences: 30, seed: 9))
            #expect(held.accuracy > 0.95 && held.unknownAccuracy > 0.8, "greedy \(greedy): \(held.json)")
            #expect(bundle.tag(["The", "dog", "runs", "a", "cat", "."]) == ["DET", "NOUN", "VERB", "DET", "NOUN", "PUNCT"])
            #expect(bundle.tag(["The", "runs", "sees", "a", "cat", "."]) == ["DET", "NOUN", "VERB", "DET", "NOUN", "PUNCT"])
        }
    }

    @Test func modelFilesRoundTrip() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tagger-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let held = SyntheticTaggedCorpus.make(sentences: 20, seed: 11)
        for model in [TaggerTrainingOptions.ModelKind.hmm, .crf, .perceptron] {
            var options = TaggerTrainingOptions()
            options.model = model
            options.crf.maxIterations = 10
            options.perceptron.epochs = 2
            let bundle = try TaggerTraining.train(Self.corpus, options: options)
            let path = directory.appendingPathComponent("\(model.rawValue).safetensors").path
            try bundle.write(to: path)
            let loaded = try TaggerBundle.read(from: path)
            #expect(loaded.tags == bundle.tags && loaded.knownWords == bundle.knownWords)
            for sentence in held.sentences { #expect(loaded.tag(sentence.words) == bundle.tag(sentence.words), "\(model)") }
        }
    }

    @Test func hostileTaggerFilesAreErrors() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tagger-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var options = TaggerTrainingOptions()
        options.model = .perceptron
        options.perceptron.epochs = 1
        let path = directory.appendingPathComponent("p.safetensors").path
        try TaggerTraining.train(Self.corpus, options: options).write(to: path)
        let file = try SafeTensors(contentsOfFile: path)
        func damaged(_ change: (inout SafeTensors) -> Void) throws -> String {
            var copy = file
            change(&copy)
            let target = directory.appendingPathComponent("bad.safetensors").path
            try copy.write(toFile: target)
            return target
        }
        let labels = try #require(file["emission.labels"])
        let cases: [(inout SafeTensors) -> Void] = [
            { $0["emission.labels"] = Tensor(shape: labels.shape, scalars: labels.scalars.map { _ in 99 }) },
            { $0["emission.labels"] = Tensor(shape: labels.shape, scalars: labels.scalars.map { _ in 0.5 }) },
            { $0["emission.offsets"] = nil },
            { $0["transitions"] = Tensor(shape: [2, 2], scalars: [0, 0, 0, 0]) },
            { $0["start"] = Tensor(shape: [$0["start"]!.shape[0]], scalars: Array(repeating: .nan, count: $0["start"]!.shape[0])) },
            { $0.metadata["tagger.attributes"] = "bias\nbias" },
            { $0.metadata["config"] = "{\"model\": \"crf\"}" },
            { $0.metadata["config"] = $0.metadata["config"]!.replacingOccurrences(of: "\"window\":2", with: "\"window\":-3") },
        ]
        for change in cases {
            #expect(throws: ModelFileError.self) { try TaggerBundle.read(from: try damaged(change)) }
        }
    }
}
