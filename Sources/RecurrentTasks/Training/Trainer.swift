import Foundation
import RecurrentNN
import RecurrentTensor

/// The training loop every task shares: epochs or a step or time budget, a seeded generator
/// for shuffling, gradient clipping, learning-rate schedules, validation at epoch ends and
/// every few minutes, the best model by a named metric (``TrainingOptions/selection``), early
/// stopping, progress on stderr and a JSON-lines log; with ``TrainingOptions/output``, the best
/// model file and checkpoints from which a run resumes exactly as if never interrupted.
///
/// ```swift
/// var options = TrainingOptions()
/// options.output = try TrainingOutput(modelPath: "model.safetensors", settings: mySettings)
/// let trainer = try Trainer(optimizer: Adam(task.model.parameters), options: options)
/// try trainer.fit(task)          // later: Trainer(…, resumingFrom: TrainingCheckpoint.read(…))
/// ```
public final class Trainer {
    public let optimizer: any Optimizer
    public var options: TrainingOptions
    public private(set) var state: TrainingState
    /// Called after every validation, once the state reflects it (`improved`: it is the best
    /// so far). Write checkpoints here; a thrown error stops training and is rethrown.
    public var onValidation: ((_ trainer: Trainer, _ metrics: [String: Double]?, _ improved: Bool) throws -> Void)?

    private var bestParameters: [Tensor]?
    private let progress: ProgressReporter
    private var log: MetricsLog?
    private var windowLoss = 0.0, windowBatches = 0, windowItems = 0, windowSeconds = 0.0

    /// A trainer starting fresh, or resuming from a saved state (with the model and optimizer
    /// already restored by the caller).
    public init(optimizer: any Optimizer, options: TrainingOptions, resumingFrom saved: TrainingState? = nil) throws {
        self.optimizer = optimizer
        self.options = options
        progress = ProgressReporter(enabled: options.showsProgress)
        if let logPath = options.logPath { log = try MetricsLog(path: logPath) }
        if var saved {
            saved.finished = false
            state = saved
        } else {
            state = TrainingState()
            state.generator = RandomGenerator(seed: options.seed).state
            state.learningRate = optimizer.learningRate
            state.plateau = options.plateau
        }
    }

    /// A trainer continuing the run `checkpoint` holds, for `task` (built from the checkpoint's
    /// settings): loads the checkpoint's parameters into the task's model, the optimizer's state
    /// and the task's carried state, checking each against the model, with errors that name the
    /// checkpoint's file. `optimizer` must be freshly made on the task's model.
    public convenience init(optimizer: any Optimizer, options: TrainingOptions, resumingFrom checkpoint: TrainingCheckpoint,
                            task: some TrainingTask) throws {
        try checkpoint.file.load(into: task.model)
        do {
            try optimizer.loadState(checkpoint.optimizerState)
        } catch {
            throw ModelFileError(path: checkpoint.path, problem: "\(error)")
        }
        optimizer.stepCount = checkpoint.state.step
        do {
            try task.restoreCarriedState(checkpoint.carriedState)
        } catch {
            throw ModelFileError(path: checkpoint.path, problem: "\(error)")
        }
        try self.init(optimizer: optimizer, options: options, resumingFrom: checkpoint.state)
    }

    /// Trains `task` until a limit is reached; returns the final state. The model ends with the
    /// best validation's parameters when ``TrainingOptions/restoreBest`` and validation exist;
    /// with ``TrainingOptions/output`` the best model is in its model file and the last
    /// parameters in its checkpoint.
    @discardableResult
    public func fit(_ task: some TrainingTask) throws -> TrainingState {
        guard !state.finished else { return state }
        let model = task.model
        let parameters = optimizer.parameters
        let dropouts = Trainer.dropoutLayers(in: model)
        var generator = RandomGenerator(seed: options.seed)
        optimizer.learningRate = state.learningRate
        model.setTraining(true)

        guard state.epoch >= 0, state.batch >= 0, state.batch <= task.batchesPerEpoch, state.step >= 0, state.items >= 0,
              state.trainingSeconds.isFinite, state.trainingSeconds >= 0 else {
            throw TrainerError.invalidState("position \(state.epoch):\(state.batch) of \(task.batchesPerEpoch) batches per epoch")
        }
        var resumingMidEpoch = state.batch > 0
        if resumingMidEpoch {
            guard state.epochGenerator.count == 4, state.generator.count == 4 else { throw TrainerError.invalidState("generator") }
            generator.state = state.epochGenerator
            task.beginEpoch(state.epoch, generator: &generator)  // replays the epoch's shuffle
            generator.state = state.generator
        }
        if !state.dropoutGenerators.isEmpty {
            guard state.dropoutGenerators.count == dropouts.count, state.dropoutGenerators.allSatisfy({ $0.count == 4 }) else {
                throw TrainerError.invalidState("dropout generators")
            }
            for (dropout, saved) in zip(dropouts, state.dropoutGenerators) { dropout.generator.state = saved }
        }

        var stopReason: String?
        training: while stopReason == nil {
            if let epochs = options.epochs, state.epoch >= epochs { stopReason = "epochs"; break }
            if !resumingMidEpoch {
                generator.state = state.generator.count == 4 ? state.generator : generator.state
                state.epochGenerator = generator.state
                task.beginEpoch(state.epoch, generator: &generator)
                state.generator = generator.state
                state.batch = 0
                setEpochLearningRate()
            }
            resumingMidEpoch = false
            let batches = task.batchesPerEpoch
            while state.batch < batches {
                let start = Trainer.now()
                optimizer.zeroGradients()
                let (loss, items) = task.trainingLoss(batch: state.batch)
                loss.backward()
                if let maxNorm = options.gradientClipNorm { _ = clipGradientNorm(parameters, maxNorm: maxNorm) }
                optimizer.step()
                let lossValue = Double(loss.scalar)
                let seconds = Trainer.now() - start
                state.batch += 1
                state.step += 1
                state.items += items
                state.trainingSeconds += seconds
                windowLoss += lossValue
                windowBatches += 1
                windowItems += items
                windowSeconds += seconds
                try showProgress(batches: batches)
                if let limit = options.maximumSteps, state.step >= limit { stopReason = "steps"; break }
                if let limit = options.timeLimit, state.trainingSeconds >= limit { stopReason = "time"; break }
                if let interval = options.validationInterval, state.trainingSeconds - state.lastValidationSeconds >= interval,
                   state.batch < batches {
                    try validate(task, dropouts: dropouts)
                    if earlyStop() { stopReason = "early stopping"; break training }
                }
            }
            if state.batch >= batches {
                state.epoch += 1
                state.batch = 0
                try validate(task, dropouts: dropouts)
                if earlyStop() { stopReason = "early stopping" }
            } else if stopReason != nil, state.lastValidationSeconds != state.trainingSeconds {
                try validate(task, dropouts: dropouts)
            }
        }
        try logTrainingWindow()
        state.finished = true
        state.stopReason = stopReason
        model.setTraining(false)
        if let output = options.output {
            try writeCheckpoint(task, to: output)
            if state.bestMetric == nil { try task.modelFile().write(to: output.modelPath) }
        }
        if options.restoreBest, state.bestMetric != nil {
            if let best = bestParameters {
                for (named, value) in zip(parameters, best) { named.parameter.assign(value) }
            } else if let output = options.output {  // the best came before a resume: it is on disk
                try ModelFile.read(from: output.modelPath, expectedKind: task.modelFile().kind).load(into: model)
            }
        }
        let selected = options.selection.metric
        let summary = "stopped (\(stopReason ?? "done")) after \(state.epoch) epoch\(state.epoch == 1 ? "" : "s"), \(state.step) steps, "
            + ProgressReporter.duration(state.trainingSeconds)
            + (state.bestMetric.map { String(format: "; best validation %@ %.4f", selected, $0) } ?? "")
        progress.line(summary)
        try log?.write(["event": "end", "step": state.step, "epoch": state.epoch, "reason": stopReason ?? "done",
                        "best_valid_" + selected: state.bestMetric ?? NSNull(), "train_seconds": state.trainingSeconds])
        return state
    }

    /// Writes a checkpoint of the run as it stands (the model's current parameters).
    public func writeCheckpoint(_ task: some TrainingTask, to output: TrainingOutput) throws {
        try TrainingCheckpoint.write(model: task.modelFile(), settings: output.settings, state: state, data: output.data,
                                     optimizer: optimizer, carried: task.carriedState(), to: output.checkpointPath)
    }

    /// The learning rate for the epoch starting now.
    private func setEpochLearningRate() {
        if let schedule = options.schedule {
            optimizer.learningRate = schedule.learningRate(at: state.epoch)
        } else if let (decay, start) = options.epochDecay, state.epoch + 1 >= start, state.epoch > 0 {
            // Zaremba et al.: the rate is multiplied by `decay` for each epoch from `start` on.
            optimizer.learningRate *= decay
        }
        state.learningRate = optimizer.learningRate
    }

    private func validate(_ task: some TrainingTask, dropouts: [Dropout]) throws {
        try logTrainingWindow()
        let model = task.model
        model.setTraining(false)
        let start = Trainer.now()
        let metrics = withoutGradient { task.validate() }
        let validationSeconds = Trainer.now() - start
        model.setTraining(true)
        state.lastValidationSeconds = state.trainingSeconds
        state.lastValidation = metrics
        var improved = false
        if let metrics {
            guard let value = metrics[options.selection.metric] else {
                throw TrainerError.missingMetric(options.selection.metric, available: metrics.keys.sorted())
            }
            if options.selection.isImprovement(value, over: state.bestMetric) {
                improved = true
                state.bestMetric = value
                state.bestStep = state.step
                state.validationsWithoutImprovement = 0
                if options.restoreBest { bestParameters = optimizer.parameters.map { $0.parameter.value.detached } }
            } else {
                state.validationsWithoutImprovement += 1
            }
            if var plateau = state.plateau {
                optimizer.learningRate = plateau.observe(metric: value)
                state.plateau = plateau
                state.learningRate = optimizer.learningRate
            }
        }
        state.dropoutGenerators = Trainer.dropoutLayers(in: model).map(\.generator.state)
        var record: [String: Any] = ["event": "validation", "step": state.step, "epoch": state.epoch, "batch": state.batch,
                                     "train_seconds": state.trainingSeconds, "valid_seconds": validationSeconds,
                                     "learning_rate": Double(optimizer.learningRate), "improved": improved]
        for (key, value) in metrics ?? [:] { record["valid_" + key] = value }
        try log?.write(record)
        if let metrics {
            let shown = metrics.sorted { $0.key < $1.key }.map { String(format: "%@ %.4f", $0.key, $0.value) }.joined(separator: ", ")
            let position = state.batch == 0 ? "after epoch \(state.epoch)" : "in epoch \(state.epoch + 1)"
            progress.line("validation at step \(state.step) (\(position)): \(shown)\(improved ? " (best)" : "")")
        }
        if let output = options.output {
            if improved { try task.modelFile().write(to: output.modelPath) }
            try writeCheckpoint(task, to: output)
        }
        try onValidation?(self, metrics, improved)
    }

    private func earlyStop() -> Bool {
        guard let patience = options.earlyStoppingPatience else { return false }
        return state.validationsWithoutImprovement >= patience
    }

    private func showProgress(batches: Int) throws {
        let now = Trainer.now()
        guard windowBatches > 0 else { return }
        let meanLoss = windowLoss / Double(windowBatches)
        let rate = windowSeconds > 0 ? Double(windowItems) / windowSeconds : 0
        var remaining = Double.infinity
        if let limit = options.timeLimit { remaining = limit - state.trainingSeconds }
        if let epochs = options.epochs, rate > 0, windowItems > 0 {
            let itemsPerBatch = Double(windowItems) / Double(windowBatches)
            let batchesLeft = Double((epochs - state.epoch) * batches - state.batch)
            remaining = min(remaining, batchesLeft * itemsPerBatch / rate)
        }
        if let limit = options.maximumSteps, windowBatches > 0, windowSeconds > 0 {
            remaining = min(remaining, Double(limit - state.step) * windowSeconds / Double(windowBatches))
        }
        let text = "epoch \(state.epoch + 1) step \(state.step) loss " + String(format: "%.4f", meanLoss)
            + " \(Trainer.formatCount(rate)) \(options.itemName)/s ETA \(ProgressReporter.duration(remaining))"
        let fraction: Double? = options.epochs.map { epochs in
            (Double(state.epoch) + Double(state.batch) / Double(max(batches, 1))) / Double(max(epochs, 1))
        } ?? options.timeLimit.map { state.trainingSeconds / $0 }
        progress.update(text, fraction: fraction, now: now)
        if now - lastReport >= reportInterval { try logTrainingWindow() }
    }

    /// Writes the mean training loss since the last record (every `reportInterval` seconds, and
    /// before every validation and at the end, so every run's log has training points to plot
    /// beside its validations) and starts a new window.
    private func logTrainingWindow() throws {
        guard windowBatches > 0 else { return }
        let rate = windowSeconds > 0 ? Double(windowItems) / windowSeconds : 0
        try log?.write(["event": "train", "step": state.step, "epoch": state.epoch, "loss": windowLoss / Double(windowBatches),
                        "items_per_second": rate, "learning_rate": Double(optimizer.learningRate), "train_seconds": state.trainingSeconds])
        lastReport = Trainer.now()
        windowLoss = 0
        windowBatches = 0
        windowItems = 0
        windowSeconds = 0
    }

    private var lastReport = Trainer.now()
    private let reportInterval = 10.0

    static func formatCount(_ value: Double) -> String {
        value >= 1e6 ? String(format: "%.2fM", value / 1e6) : value >= 1e4 ? String(format: "%.1fk", value / 1e3) : String(format: "%.0f", value)
    }

    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }

    /// The dropout layers of a model, in tree order.
    static func dropoutLayers(in layer: any Layer) -> [Dropout] {
        var result: [Dropout] = []
        if let dropout = layer as? Dropout { result.append(dropout) }
        for (_, child) in layer.children { result += dropoutLayers(in: child) }
        return result
    }
}

/// A saved training state that cannot be resumed, or a task whose validation lacks the
/// selected metric.
public enum TrainerError: Error, CustomStringConvertible {
    case invalidState(String)
    case missingMetric(String, available: [String])
    case cannotSave(String)

    public var description: String {
        switch self {
        case .invalidState(let what): return "the saved training state is invalid (\(what))"
        case .missingMetric(let metric, let available):
            return "validation gives no metric \"\(metric)\" to select the best model by (it gives \(available.joined(separator: ", ")))"
        case .cannotSave(let why): return "cannot save the model: \(why)"
        }
    }
}
