import Foundation
import RecurrentTensor

/// A model fitted without gradients: by counting (a hidden Markov model), by its mistakes (the
/// structured perceptron), by one solve (least squares) or by its own optimizer (a CRF's L-BFGS).
/// The ``Fitter`` runs its passes and shares with gradient training the progress display, the
/// JSON-lines log, the best model by a named metric (``ModelSelection``) and atomic model files.
///
/// A pass is whatever the model repeats: an epoch over shuffled data (perceptron), an iteration
/// of an optimizer (L-BFGS), or the single pass of a closed-form fit.
public protocol FittingTask: AnyObject {
    /// The most passes to run (the fitter may stop earlier: time, convergence, patience).
    var passes: Int { get }
    /// Runs pass `pass` (0-based), reporting progress within it as (fraction done, a short text);
    /// returns training metrics for the log (for example `{"mistakes": 1234}`) and whether the
    /// fit has converged (no further pass would change it).
    func fitPass(_ pass: Int, generator: inout RandomGenerator, progress: (Double, String) -> Void) throws
        -> (metrics: [String: Double], converged: Bool)
    /// Metrics on held-out data, including the selected one; nil when there is none.
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
        var validationsWithoutImprovement = 0
        let total = max(task.passes, 1)
        while state.passes < task.passes {
            let pass = state.passes
            let (metrics, converged) = try task.fitPass(pass, generator: &generator) { fraction, text in
                let overall = (Double(pass) + min(max(fraction, 0), 1)) / Double(total)
                progress.update("\(options.passName) \(pass + 1)/\(task.passes) \(text)", fraction: overall, now: Trainer.now())
            }
            state.passes += 1
            state.seconds = Trainer.now() - start
            state.lastTraining = metrics
            var record: [String: Any] = ["event": "train", "pass": state.passes, "train_seconds": state.seconds]
            for (key, value) in metrics { record[key] = value }
            try log?.write(record)
            let last = converged || state.passes == task.passes || options.timeLimit.map { state.seconds >= $0 } == true
            if state.passes % max(options.validationEvery, 1) == 0 || last {
                if let validation = try task.validate() {
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
                    var record: [String: Any] = ["event": "validation", "pass": state.passes, "train_seconds": state.seconds, "improved": improved]
                    for (key, value) in validation { record["valid_" + key] = value }
                    try log?.write(record)
                    let shown = validation.sorted { $0.key < $1.key }.map { String(format: "%@ %.4f", $0.key, $0.value) }.joined(separator: ", ")
                    progress.line("validation after \(options.passName) \(state.passes): \(shown)\(improved ? " (best)" : "")")
                    if let patience = options.patience, validationsWithoutImprovement >= patience {
                        state.stopReason = "early stopping"
                        break
                    }
                }
            }
            if converged { state.stopReason = "converged"; break }
            if let limit = options.timeLimit, state.seconds >= limit { state.stopReason = "time"; break }
        }
        if state.stopReason.isEmpty { state.stopReason = "passes" }
        if state.bestMetric == nil, let path = options.modelPath { try task.modelFile().write(to: path) }
        let summary = "stopped (\(state.stopReason)) after \(state.passes) \(options.passName)\(state.passes == 1 ? "" : "s"), "
            + ProgressReporter.duration(state.seconds)
            + (state.bestMetric.map { String(format: "; best validation %@ %.4f", options.selection.metric, $0) } ?? "")
        progress.line(summary)
        try log?.write(["event": "end", "pass": state.passes, "reason": state.stopReason, "train_seconds": state.seconds,
                        "best_valid_" + options.selection.metric: state.bestMetric ?? NSNull()])
        return state
    }
}
