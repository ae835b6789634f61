import RecurrentNN

/// How ``TabularTrainingRun`` fits a model to a table: the model, how its parameters are
/// found, and the limits of gradient training. The defaults are the command line's.
public struct TabularTrainingSettings: Sendable {
    public enum Model: String, CaseIterable, Sendable {
        case linear, logistic, mlp
    }

    /// How the parameters are found: `exact` least squares in one solve (linear regression
    /// only, see ``LeastSquares``), or a gradient optimizer over epochs of mini-batches.
    public enum Solver: String, CaseIterable, Sendable {
        case exact, sgd, adagrad, rmsprop, adam, adamw

        /// The optimizer of a gradient solver (nil for `exact`).
        public var optimizerKind: OptimizerSettings.Kind? { OptimizerSettings.Kind(rawValue: rawValue) }
    }

    /// A setting that cannot be used: `flag` is its command-line flag (`hidden`, `l2`, ...),
    /// `value` the value given as it would be typed, `message` what is wrong or expected.
    public struct Problem: Error, CustomStringConvertible, Equatable, Sendable {
        public var flag: String
        public var value: String
        public var message: String

        public init(flag: String, value: String, message: String) {
            self.flag = flag
            self.value = value
            self.message = message
        }

        public var description: String { "--\(flag) \(value): \(message)" }
    }

    public static let defaultHiddenSizes = [64]
    public static let maximumHiddenSize = 1 << 16
    public static let defaultActivation = Activation.tanh
    public static let defaultEpochs = 100
    public static let defaultBatchSize = 32

    /// The column to predict.
    public var target: String
    /// The feature columns (nil: every column but the target).
    public var features: [String]?
    /// Predict a class (`true`) or a number.
    public var classification: Bool
    /// nil: linear for a regression, logistic for a classifier.
    public var model: Model?
    public var hiddenSizes = defaultHiddenSizes
    public var activation = defaultActivation
    /// nil: exact for the linear model, adam otherwise.
    public var solver: Solver?
    /// The ridge penalty λ of the exact solver, on the weights of the standardized features.
    public var l2 = 0.0
    /// The gradient optimizer's learning rate (nil: PyTorch's default for it).
    public var learningRate: Float?
    public var momentum = 0.0
    /// nil: the optimizer's default (0, or 0.01 for adamw).
    public var weightDecay: Double?
    public var gradientClipNorm: Float?
    public var epochs = defaultEpochs
    public var batchSize = defaultBatchSize
    /// The fraction of rows held out for validation (early stopping, best-model keeping, metrics).
    public var validationFraction = 0.0
    /// Stop after this many validations without improvement (nil: never).
    public var patience: Int?
    /// Seeds the split, the initialization and the shuffling.
    public var seed: UInt64 = 0
    /// Append JSON-lines metrics to this file.
    public var logPath: String?
    public var showsProgress = true

    public init(target: String, classification: Bool) {
        self.target = target
        self.classification = classification
    }

    public var resolvedModel: Model { model ?? (classification ? .logistic : .linear) }
    public var resolvedSolver: Solver { solver ?? (resolvedModel == .linear ? .exact : .adam) }

    /// The optimizer a gradient solver uses.
    public var optimizer: OptimizerSettings {
        OptimizerSettings(kind: resolvedSolver.optimizerKind ?? .adam, learningRate: learningRate, momentum: momentum, weightDecay: weightDecay)
    }

    /// The first setting that cannot be used, naming its flag, its value and what it expects;
    /// nil when all are fine.
    public var problem: Problem? {
        let model = resolvedModel, solver = resolvedSolver
        if classification && model == .linear {
            return Problem(flag: "model", value: "linear", message: "the linear model is for regression; classifiers use logistic or mlp")
        }
        if !classification && model == .logistic {
            return Problem(flag: "model", value: "logistic", message: "the logistic model is for classifiers; regressions use linear or mlp")
        }
        if solver == .exact && model != .linear {
            let gradientSolvers = Solver.allCases.filter { $0 != .exact }.map(\.rawValue).joined(separator: ", ")
            return Problem(flag: "solver", value: "exact", message: "exact least squares is for --model linear; "
                           + "the \(model.rawValue) model needs a gradient solver (\(gradientSolvers))")
        }
        if hiddenSizes.isEmpty || !hiddenSizes.allSatisfy({ (1...Self.maximumHiddenSize).contains($0) }) {
            return Problem(flag: "hidden", value: hiddenSizes.map(String.init).joined(separator: ","),
                           message: "expected comma-separated layer sizes from 1 to \(Self.maximumHiddenSize), such as 64 or 64,32")
        }
        if !(l2 >= 0 && l2.isFinite) { return Problem(flag: "l2", value: "\(l2)", message: "expected a number >= 0") }
        if l2 > 0 && solver != .exact {
            return Problem(flag: "l2", value: "\(l2)", message: "the ridge penalty is for --solver exact; gradient solvers take --weight-decay")
        }
        if epochs < 1 { return Problem(flag: "epochs", value: "\(epochs)", message: "expected at least 1") }
        if batchSize < 1 { return Problem(flag: "batch-size", value: "\(batchSize)", message: "expected at least 1") }
        if !(validationFraction >= 0 && validationFraction < 1) {
            return Problem(flag: "validation-split", value: "\(validationFraction)", message: "expected a fraction in [0, 1)")
        }
        if let patience, patience < 1 { return Problem(flag: "patience", value: "\(patience)", message: "expected at least 1") }
        if let gradientClipNorm, !(gradientClipNorm > 0 && gradientClipNorm.isFinite) {
            return Problem(flag: "clip", value: "\(gradientClipNorm)", message: "expected a positive number")
        }
        if let learningRate, !(learningRate > 0 && learningRate.isFinite) {
            return Problem(flag: "lr", value: "\(learningRate)", message: "expected a positive number")
        }
        if !(momentum >= 0 && momentum < 1) { return Problem(flag: "momentum", value: "\(momentum)", message: "expected a number in [0, 1)") }
        if let weightDecay, !(weightDecay >= 0 && weightDecay.isFinite) {
            return Problem(flag: "weight-decay", value: "\(weightDecay)", message: "expected a number >= 0")
        }
        return nil
    }
}
