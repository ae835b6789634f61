import Foundation
import RecurrentData
import RecurrentNN
import RecurrentTasks
import RecurrentTensor
import RecurrentTestSupport
import Testing

/// The shared Trainer with a task that is not a language model: checkpoints and exact resume come
/// from conforming to `TrainingTask`, the best model is chosen by a named metric in its direction.
@Suite struct TrainerTests {
    /// y = x · wᵀ + b on noisy data; validation reports the loss and `score` = −loss (higher is
    /// better), and `noisy_score`, which goes up and down from epoch to epoch.
    final class RegressionTask: TrainingTask {
        let layer: Linear
        let inputs: Tensor, targets: Tensor
        var order: [Int] = []
        var validations = 0
        let batch = 4

        init(seed: UInt64) {
            var generator = RandomGenerator(seed: seed)
            layer = Linear(inputSize: 3, outputSize: 1, generator: &generator)
            var data = RandomGenerator(seed: 99)
            inputs = Tensor.randomNormal([24, 3], using: &data)
            let truth = Tensor(shape: [1, 3], scalars: [0.5, -1, 2])
            targets = (inputs.matmul(truth.transposed(0, 1)) + Tensor.randomNormal([24, 1], standardDeviation: 0.1, using: &data)).detached
        }

        var model: any Layer { layer }
        var batchesPerEpoch: Int { 24 / batch }
        func beginEpoch(_ epoch: Int, generator: inout RandomGenerator) {
            order = Array(0..<24)
            generator.shuffle(&order)
        }
        func trainingLoss(batch index: Int) -> (loss: Tensor, items: Int) {
            let rows = Array(order[(index * batch)..<((index + 1) * batch)])
            return (Loss.meanSquaredError(layer(inputs.gatherRows(rows)), targets.gatherRows(rows)), batch)
        }
        func validate() -> [String: Double]? {
            validations += 1
            let loss = Double(Loss.meanSquaredError(layer(inputs), targets).scalar)
            return ["loss": loss, "score": -loss, "noisy_score": validations % 2 == 0 ? 1 : Double(validations)]
        }
        func modelFile() throws -> ModelFile {
            var file = try ModelFile(kind: "test-regression", configuration: ["inputs": 3])
            file.add(parametersOf: layer)
            return file
        }
    }

    struct Settings: Codable, Equatable {
        var seed: UInt64
    }

    static func options(epochs: Int, output: TrainingOutput?, selection: ModelSelection = .loss) -> TrainingOptions {
        var options = TrainingOptions()
        options.epochs = epochs
        options.seed = 7
        options.showsProgress = false
        options.output = output
        options.selection = selection
        return options
    }

    func values(_ path: String) throws -> [String: [Float]] {
        Dictionary(uniqueKeysWithValues: try SafeTensors(contentsOfFile: path).tensors.map { ($0.name, $0.tensor.scalars) })
    }

    @Test func anyTaskResumesExactlyFromTheTrainersCheckpoint() throws {
        let directory = try TemporaryDirectory()
        let straightPath = directory.path("straight.safetensors"), resumedPath = directory.path("resumed.safetensors")
        let straight = RegressionTask(seed: 1)
        try Trainer(optimizer: Adam(straight.layer.parameters, learningRate: 0.05),
                    options: Self.options(epochs: 4, output: TrainingOutput(modelPath: straightPath, settings: Settings(seed: 1)))).fit(straight)

        let first = RegressionTask(seed: 1)
        try Trainer(optimizer: Adam(first.layer.parameters, learningRate: 0.05),
                    options: Self.options(epochs: 2, output: TrainingOutput(modelPath: resumedPath, settings: Settings(seed: 1)))).fit(first)
        let checkpoint = try TrainingCheckpoint.read(from: TrainingOutput.checkpointPath(for: resumedPath), expectedKind: "test-regression")
        #expect(try checkpoint.settings(as: Settings.self) == Settings(seed: 1))
        #expect(checkpoint.state.epoch == 2)
        let second = RegressionTask(seed: 12345)  // other initial weights: the checkpoint's must replace them
        let trainer = try Trainer(optimizer: Adam(second.layer.parameters, learningRate: 0.05),
                                  options: Self.options(epochs: 4, output: TrainingOutput(modelPath: resumedPath, settings: Settings(seed: 1))),
                                  resumingFrom: checkpoint, task: second)
        try trainer.fit(second)

        #expect(try values(TrainingOutput.checkpointPath(for: straightPath)) == values(TrainingOutput.checkpointPath(for: resumedPath)))
        #expect(try values(straightPath) == values(resumedPath))
        // The model ends with the best parameters, which are the model file's.
        #expect(second.layer.weight.value.scalars == (try values(resumedPath))["weight"])
    }

    @Test func theBestModelIsChosenByTheNamedMetricInItsDirection() throws {
        let directory = try TemporaryDirectory()
        for (selection, expectedBest) in [(ModelSelection(metric: "noisy_score", direction: .higher), 5.0),
                                          (ModelSelection(metric: "noisy_score", direction: .lower), 1.0)] {
            let task = RegressionTask(seed: 2)
            let path = directory.path("\(selection.metric)-\(selection.direction).safetensors")
            let state = try Trainer(optimizer: SGD(task.layer.parameters, learningRate: 0.01),
                                    options: Self.options(epochs: 6, output: TrainingOutput(modelPath: path, settings: Settings(seed: 2)),
                                                          selection: selection)).fit(task)
            // noisy_score per validation (epochs 1-6): 1, 1, 3, 1, 5, 1.
            #expect(state.bestMetric == expectedBest, "\(selection)")
            #expect(state.bestStep == (selection.direction == .higher ? 5 * 6 : 1 * 6), "\(selection)")  // ties do not improve
        }
        #expect(ModelSelection.byName("accuracy").direction == .higher)
        #expect(ModelSelection.byName("bleu").direction == .higher)
        #expect(ModelSelection.byName("perplexity").direction == .lower)
        #expect(ModelSelection.byName("rmse").direction == .lower)
    }

    @Test func earlyStoppingFollowsTheSelectedMetric() throws {
        let task = RegressionTask(seed: 3)
        var options = Self.options(epochs: 50, output: nil, selection: ModelSelection(metric: "noisy_score", direction: .lower))
        options.earlyStoppingPatience = 2
        let state = try Trainer(optimizer: SGD(task.layer.parameters, learningRate: 0.01), options: options).fit(task)
        #expect(state.stopReason == "early stopping")
        #expect(state.epoch == 3)  // 1 (best), 1 (not better), 3 (not better): stop
    }

    @Test func aMissingMetricIsAnErrorNamingWhatValidationGives() throws {
        let task = RegressionTask(seed: 4)
        let options = Self.options(epochs: 1, output: nil, selection: ModelSelection(metric: "bleu", direction: .higher))
        do {
            try Trainer(optimizer: SGD(task.layer.parameters, learningRate: 0.01), options: options).fit(task)
            Issue.record("a missing metric was accepted")
        } catch {
            #expect("\(error)".contains("\"bleu\"") && "\(error)".contains("loss, noisy_score, score"), "\(error)")
        }
    }

    @Test func aLogRecordWithANaNIsWrittenWithNull() throws {
        let directory = try TemporaryDirectory()
        let log = try MetricsLog(path: directory.path("log.jsonl"))
        try log.write(["event": "train", "loss": Double.nan, "step": 3])
        let text = try String(contentsOfFile: directory.path("log.jsonl"), encoding: .utf8)
        #expect(text == "{\"event\":\"train\",\"loss\":null,\"step\":3}\n")
        #expect(throws: MetricsLogError.self) { try log.write(["bad": Date()]) }
    }
}
