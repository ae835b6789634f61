import Foundation
import RecurrentTensor

/// A model fitted without gradients: by counting (a hidden Markov model), by its mistakes (the
/// structured perceptron), by one solve (least squares) or by its own optimizer (a CRF's L-BFGS).
/// The ``Fitter`` watches its passes and shares with gradient training the progress display, the
/// JSON-lines log, the best model by a named metric (``ModelSelection``) and atomic model files.
///
/// A pass is whatever the model repeats: an epoch over shuffled data (perceptron), an iteration
/// of an optimizer (L-BFGS), or the single pass of a closed-form fit. The task runs its own loop
/// (an optimizer's loop is often not ours to cut into pieces) and reports the end of every pass;
/// the fitter answers whether to go on.
public protocol FittingTask: AnyObject {
    /// The most passes the fit will run.
    var passes: Int { get }
    /// Fits the model. Reports progress within a pass as (fraction of the pass done, a short
    /// text), and calls `endOfPass` with each pass's training metrics (for example
    /// `{"mistakes": 1234}`) once the model reflects the pass; stops when it returns false.
    /// Returns why it stopped on its own before `passes` ("converged"), or nil.
    func fit(generator: inout RandomGenerator, progress: (Double, String) -> Void,
             endOfPass: ([String: Double]) throws -> Bool) throws -> String?
    /// Metrics on held-out data of the model as it is now, including the selected one; nil when
    /// there is none.
    func validate() throws -> [String: Double]?
    /// The model as it is now, as a model file of its kind.
    func modelFile() throws -> ModelFile
}

/// How a ``Fitter`` fits.
public struct FittingOptions {
    /// The validation metric that picks the best pass's model and stops early.
    public var selection = ModelSelection.loss
    /// Stop after this many validations without improvement (nil: run every pass).
    public var patience: Int?
    /// Validate after every this many passes (and after the last).
    public var validationEvery = 1
    /// Stop after this much fitting time, in seconds (nil: no limit).
    public var timeLimit: Double?
    /// Where to write the best model (nil: nowhere; the caller saves).
    public var modelPath: String?
    public var seed: UInt64 = 0
    public var logPath: String?
    public var showsProgress = true
    /// What a pass is called in progress lines ("epoch", "iteration", "pass").
    public var passName = "pass"

    public init() {}
}

/// Where a fit ended.
public struct FittingState: Equatable, Sendable {
    public var passes = 0
    public var seconds = 0.0
    public var bestMetric: Double?
    /// The pass (1-based count of passes done) whose model was the best.
    public var bestPass: Int?
    public var lastValidation: [String: Double]?
    public var lastTraining: [String: Double] = [:]
    /// "passes", "converged", "time", "early stopping".
    public var stopReason = ""
}

/// Runs a ``FittingTask``'s passes: progress on stderr, one log record per pass and validation,
/// the best model (by ``FittingOptions/selection``) written to ``FittingOptions/modelPath`` each
/// time it improves, or the final model when there is no validation.
public final class Fitter {
    public let options: FittingOptions
    private let progress: ProgressReporter
    private let log: MetricsLog?

    public init(options: FittingOptions) throws {
        self.options = options
        progress = ProgressReporter(enabled: options.showsProgress)
        log = try options.logPath.map { try MetricsLog(path: $0) }
    }

    @discardableResult
    public func fit(_ task: some FittingTask) throws -> FittingState {
        var state = FittingState()
        var generator = RandomGenerator(seed: options.seed)
        let start = Trainer.now()
        var validationsWithoutImprovement = 0, validatedPass = 0
        let total = max(task.passes, 1)

        /// Validates the model as it is after `state.passes` passes; true when patience has run out.
        func validate() throws -> Bool {
            validatedPass = state.passes
            guard let validation = try task.validate() else { return false }
            guard let value = validation[options.selection.metric] else {
                throw TrainerError.missingMetric(options.selection.metric, available: validation.keys.sorted())
            }
            state.lastValidation = validation
            let improved = options.selection.isImprovement(value, over: state.bestMetric)
            if improved {
                state.bestMetric = value
                state.bestPass = state.passes
                validationsWithoutImprovement = 0
                if let path = options.modelPath { try task.modelFile().write(to: path) }
            } else {
                validationsWithoutImprovement += 1
            }
            var record: [String: Any] = ["event": "validation", "pass": state.passes, "step": state.passes,
                                         "train_seconds": state.seconds, "improved": improved]
            for (key, value) in validation { record["valid_" + key] = value }
            try log?.write(record)
            let shown = validation.sorted { $0.key < $1.key }.map { String(format: "%@ %.4f", $0.key, $0.value) }.joined(separator: ", ")
            progress.line("validation after \(options.passName) \(state.passes): \(shown)\(improved ? " (best)" : "")")
            return options.patience.map { validationsWithoutImprovement >= $0 } ?? false
        }

        let ownStop = try task.fit(generator: &generator, progress: { fraction, text in
            let overall = (Double(state.passes) + min(max(fraction, 0), 1)) / Double(total)
            progress.update("\(options.passName) \(state.passes + 1)/\(task.passes) \(text)", fraction: overall, now: Trainer.now())
        }, endOfPass: { metrics in
            state.passes += 1
            state.seconds = Trainer.now() - start
            state.lastTraining = metrics
            var record: [String: Any] = ["event": "train", "pass": state.passes, "step": state.passes, "train_seconds": state.seconds]
            for (key, value) in metrics { record[key] = value }
            try log?.write(record)
            let outOfTime = options.timeLimit.map { state.seconds >= $0 } ?? false
            if state.passes % max(options.validationEvery, 1) == 0 || state.passes == task.passes || outOfTime {
                if try validate() {
                    state.stopReason = "early stopping"
                    return false
                }
            }
            if outOfTime {
                state.stopReason = "time"
                return false
            }
            return true
        })
        state.seconds = Trainer.now() - start
        if state.stopReason.isEmpty { state.stopReason = ownStop ?? "passes" }
        if validatedPass != state.passes { _ = try validate() }  // the model the fit ended with
        if state.bestMetric == nil, let path = options.modelPath { try task.modelFile().write(to: path) }
        let summary = "stopped (\(state.stopReason)) after \(state.passes) \(options.passName)\(state.passes == 1 ? "" : "s"), "
            + ProgressReporter.duration(state.seconds)
            + (state.bestMetric.map { String(format: "; best validation %@ %.4f", options.selection.metric, $0) } ?? "")
        progress.line(summary)
        try log?.write(["event": "end", "pass": state.passes, "step": state.passes, "reason": state.stopReason, "train_seconds": state.seconds,
                        "best_valid_" + options.selection.metric: state.bestMetric ?? NSNull()])
        return state
    }
}
