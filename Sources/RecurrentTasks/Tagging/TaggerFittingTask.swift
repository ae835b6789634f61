import RecurrentData
import RecurrentTensor

/// The classical taggers (`hmm`, `crf`, `perceptron`) as a ``FittingTask``, so the shared
/// ``Fitter`` keeps the pass with the best development accuracy, logs every pass and validation,
/// shows progress and writes the model file. A pass is an L-BFGS iteration or SGD epoch (crf), an
/// epoch (perceptron), or the whole count (hmm, whose Baum-Welch iterations on untagged text show
/// as progress within that pass).
public final class TaggerFittingTask: FittingTask {
    public let corpus: TaggedCorpus
    public let options: TaggerTrainingOptions
    /// The tagged development sentences that validation scores (nil: no validation).
    public let development: TaggedCorpus?
    /// Called on every model before it is saved (the input format and tag column the CLI records).
    public var configure: (TaggerBundle) -> Void = { _ in }
    /// The model as the last pass left it.
    private var current: (() -> TaggerBundle)?

    public init(corpus: TaggedCorpus, options: TaggerTrainingOptions, development: TaggedCorpus?) {
        self.corpus = corpus
        self.options = options
        self.development = development
    }

    public var passes: Int {
        switch options.model {
        case .crf: return options.crf.maxIterations
        case .perceptron: return options.perceptron.epochs
        case .hmm, .bilstm, .bilstmCRF: return 1
        }
    }

    public func fit(generator: inout RandomGenerator, progress: (Double, String) -> Void,
                    endOfPass: ([String: Double]) throws -> Bool) throws -> String? {
        var failure: Error?, stopped = false, reported = 0
        let bundle = try TaggerTraining.train(corpus, options: options) { report in
            guard let snapshot = report.snapshot else {  // Baum-Welch: progress within the single pass
                progress(Double(report.step) / Double(max(report.totalSteps, 1)), "\(report.unit) \(report.step)")
                return true
            }
            current = snapshot
            reported += 1
            do {
                stopped = try !endOfPass(report.metrics)
            } catch {
                failure = error
                stopped = true
            }
            return !stopped
        }
        if let failure { throw failure }
        current = { bundle }
        if reported == 0 {  // counted in one pass
            _ = try endOfPass([:])
            return nil
        }
        return !stopped && reported < passes ? "converged" : nil
    }

    public func validate() throws -> [String: Double]? {
        guard let development, let current else { return nil }
        let evaluation = try current().evaluate(development)
        return ["accuracy": evaluation.accuracy, "known_accuracy": evaluation.knownAccuracy,
                "unknown_accuracy": evaluation.unknownAccuracy, "sentence_accuracy": evaluation.sentenceAccuracy]
    }

    public func modelFile() throws -> ModelFile {
        guard let current else { throw TrainerError.cannotSave("the tagger has not been fitted yet") }
        let bundle = current()
        configure(bundle)
        return try bundle.modelFile()
    }
}
