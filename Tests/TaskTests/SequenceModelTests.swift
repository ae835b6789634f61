import Foundation
import RecurrentData
import RecurrentNN
import RecurrentTasks
import RecurrentTensor
import RecurrentTestSupport
import Testing

/// The whole-sequence model: a padded batch gives each sequence the same bits as alone, and each
/// head learns a small task that needs the order of the steps.
@Suite struct SequenceModelTests {
    static func model(_ input: SequenceModel.Configuration.Input, cell: SequenceCell, pooling: PoolingKind, bidirectional: Bool,
                      layers: Int = 2, outputs: Int = 3, seed: UInt64 = 1) -> SequenceModel {
        var generator = RandomGenerator(seed: seed)
        let configuration = SequenceModel.Configuration(
            input: input, vocabularySize: 11, embeddingSize: 5, features: 3, cell: cell, layers: cell == .simplifiedLSTM && bidirectional ? 1 : layers,
            hiddenSize: 6, bidirectional: bidirectional, dropout: 0.3, pooling: pooling, outputs: outputs)
        return SequenceModel(configuration, generator: &generator)
    }

    @Test("a padded batch gives each sequence the same bits as alone", arguments: PoolingKind.allCases)
    func paddedBatchEqualsOneByOne(pooling: PoolingKind) {
        var generator = RandomGenerator(seed: 9)
        let lengths = [5, 1, 7, 3, 2, 6, 4]
        let tokens = lengths.map { (0..<$0).map { _ in generator.nextInt(below: 11) } }
        let frames = lengths.map { (0..<($0 * 3)).map { _ in generator.nextNormal() } }
        for cell in SequenceCell.allCases {
            for bidirectional in [false, true] {
                for input in [SequenceModel.Configuration.Input.tokens, .frames] {
                    let model = Self.model(input, cell: cell, pooling: pooling, bidirectional: bidirectional)
                    let examples = SequenceExamples(inputs: input == .tokens ? .tokens(tokens) : .frames(frames, features: 3), targets: .none)
                    for batchSize in [3, 7] {  // ≤ 4 and > 4 rows take different kernels unless rows are computed alone
                        let batched = model.outputs(for: examples, batchSize: batchSize)
                        let embedded = model.embeddings(for: examples, batchSize: batchSize)
                        for index in 0..<examples.count {
                            let alone = examples.subset([index])
                            #expect(batched[index] == model.outputs(for: alone)[0] && embedded[index] == model.embeddings(for: alone)[0],
                                    "\(cell) \(input) bidirectional \(bidirectional) batch \(batchSize) example \(index)")
                        }
                    }
                }
            }
        }
    }

    /// Trains `model` on `examples` with Adam for `epochs` and returns the trained task.
    static func train(_ model: SequenceModel, _ training: SequenceExamples, targets: SequenceTargets, epochs: Int) throws -> SequenceTask {
        let encoding = SequenceEncoding(layout: SequenceDataLayout(format: .text), words: nil, frames: nil, targets: targets)
        let task = SequenceTask(model: model, encoding: encoding, training: training, validation: nil, batchSize: 16)
        var options = TrainingOptions()
        options.epochs = epochs
        options.showsProgress = false
        options.seed = 3
        try Trainer(optimizer: Adam(model.parameters, learningRate: 0.01), options: options).fit(task)
        return task
    }

    /// Class 1 when token 1 comes directly before token 2 somewhere: a bag of words cannot tell,
    /// since every sequence holds both tokens.
    @Test func theClassifierLearnsAPatternThatNeedsOrder() throws {
        var generator = RandomGenerator(seed: 4)
        func example() -> ([Int], Int) {
            var tokens = (0..<(4 + generator.nextInt(below: 5))).map { _ in 3 + generator.nextInt(below: 4) }
            let label = generator.nextInt(below: 2)
            let first = generator.nextInt(below: tokens.count - 1)
            if label == 1 {
                (tokens[first], tokens[first + 1]) = (1, 2)
            } else {  // 1 and 2 anywhere but 1 directly before 2
                var one = generator.nextInt(below: tokens.count)
                while one == first || one + 1 == first { one = (one + 1) % tokens.count }
                (tokens[first], tokens[one]) = (2, 1)
            }
            return (tokens, label)
        }
        let data = (0..<400).map { _ in example() }
        let split = 300
        let examples = SequenceExamples(inputs: .tokens(data.map(\.0)), targets: .classes(data.map(\.1)))
        let training = examples.subset(Array(0..<split)), test = examples.subset(Array(split..<data.count))
        let model = Self.model(.tokens, cell: .lstm, pooling: .max, bidirectional: true, layers: 1, outputs: 2, seed: 5)
        _ = try Self.train(model, training, targets: .classes(["no", "yes"]), epochs: 12)
        let metrics = SequencePredictions(outputs: model.outputs(for: test), targets: .classes(["no", "yes"]))
            .metrics(against: test, targets: .classes(["no", "yes"]))
        #expect((metrics["accuracy"] as? Double ?? 0) >= 0.9, "\(metrics)")
    }

    /// The target is the first frame's value minus the last one's: a bag of frames cannot tell
    /// which is which.
    @Test func theRegressorLearnsTheFirstMinusTheLastFrame() throws {
        var generator = RandomGenerator(seed: 6)
        let series = (0..<300).map { _ in (0..<(3 + generator.nextInt(below: 6))).map { _ in generator.nextUniform() * 2 - 1 } }
        let targets = series.map { [$0.first! - $0.last!] }
        let examples = SequenceExamples(inputs: .frames(series, features: 1), targets: .values(targets))
        let training = examples.subset(Array(0..<240)), test = examples.subset(Array(240..<300))
        var generatorForModel = RandomGenerator(seed: 7)
        let model = SequenceModel(.init(input: .frames, features: 1, cell: .gru, hiddenSize: 12, bidirectional: true, pooling: .last, outputs: 1),
                                  generator: &generatorForModel)
        let statistics = SequenceTargets.values(outputs: 1, means: [0], deviations: [0.8])
        _ = try Self.train(model, training, targets: statistics, epochs: 25)
        let metrics = SequencePredictions(outputs: model.outputs(for: test), targets: statistics).metrics(against: test, targets: statistics)
        // The target's spread is about 0.8: an rmse well below it is learned, not guessed.
        #expect((metrics["rmse"] as? Double ?? 1) < 0.25 && (metrics["r2"] as? Double ?? 0) > 0.9, "\(metrics)")
    }
}
