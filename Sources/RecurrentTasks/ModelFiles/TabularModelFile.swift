import Foundation
import RecurrentData
import RecurrentNN
import RecurrentTensor

/// A tabular (CSV) model with what it needs to read new rows and answer in the data's units:
/// the feature columns and their standardization statistics, the target column and, for
/// regressions, the target's standardization (the model predicts `(y − mean) / deviation`;
/// ``predict(_:)`` and ``evaluate(_:)`` undo it), or for classifiers the class labels.
public struct TabularModelBundle {
    public struct Configuration: Codable, Equatable {
        /// `linear`, `logistic` or `mlp`.
        public var model: String
        /// `regression`, `binary` or `multiclass`.
        public var objective: String
        public var features: [String]
        public var target: String
        /// Class labels, index order (classifiers).
        public var classes: [String]?
        public var hiddenSizes: [Int]
        public var activation: String
        /// Feature standardization: x' = (x - mean) / deviation, with training-set statistics.
        public var featureMeans: [Float]
        public var featureDeviations: [Float]
        /// Target standardization of a regression: y' = (y - mean) / deviation, with training-set
        /// statistics. Absent (files written before it existed): the model predicts y itself.
        public var targetMean: Float?
        public var targetDeviation: Float?

        public init(model: String, objective: String, features: [String], target: String, classes: [String]?,
                    hiddenSizes: [Int], activation: String, featureMeans: [Float], featureDeviations: [Float],
                    targetMean: Float? = nil, targetDeviation: Float? = nil) {
            self.model = model
            self.objective = objective
            self.features = features
            self.target = target
            self.classes = classes
            self.hiddenSizes = hiddenSizes
            self.activation = activation
            self.featureMeans = featureMeans
            self.featureDeviations = featureDeviations
            self.targetMean = targetMean
            self.targetDeviation = targetDeviation
        }

        /// The feature standardization as stored.
        public var featureScaling: ColumnStandardization {
            ColumnStandardization(means: featureMeans.map(Double.init), deviations: featureDeviations.map(Double.init))
        }

        /// The target standardization as stored (identity when the file has none).
        public var targetScaling: ColumnStandardization {
            ColumnStandardization(means: [Double(targetMean ?? 0)], deviations: [Double(targetDeviation ?? 1)])
        }
    }

    public var configuration: Configuration
    public var model: any TabularModel

    public static let kind = "tabular"

    public init(configuration: Configuration, generator: inout RandomGenerator) throws {
        self.configuration = configuration
        let inputs = configuration.features.count
        let objective: TabularObjective
        switch configuration.objective {
        case "regression": objective = .regression(outputs: 1)
        case "binary": objective = .binary
        case "multiclass": objective = .multiclass(classes: configuration.classes?.count ?? 0)
        default: throw ModelFileError(path: "<model>", problem: "unknown objective \"\(configuration.objective)\"")
        }
        if case .multiclass(let classes) = objective, classes < 3 {
            throw ModelFileError(path: "<model>", problem: "a multiclass model needs at least 3 classes")
        }
        guard configuration.featureMeans.count == inputs, configuration.featureDeviations.count == inputs,
              configuration.featureDeviations.allSatisfy({ $0 > 0 && $0.isFinite }), configuration.featureMeans.allSatisfy(\.isFinite) else {
            throw ModelFileError(path: "<model>", problem: "feature statistics do not match the \(inputs) features")
        }
        if configuration.targetMean != nil || configuration.targetDeviation != nil {
            guard case .regression = objective, let mean = configuration.targetMean, let deviation = configuration.targetDeviation,
                  mean.isFinite, deviation.isFinite, deviation > 0 else {
                throw ModelFileError(path: "<model>", problem: "target statistics need a regression, a finite mean and a positive deviation")
            }
        }
        switch configuration.model {
        case "linear":
            guard case .regression = objective else { throw ModelFileError(path: "<model>", problem: "a linear model is for regression") }
            model = LinearRegression(inputSize: inputs, generator: &generator)
        case "logistic":
            guard objective.isClassification else { throw ModelFileError(path: "<model>", problem: "a logistic model is for classification") }
            model = LogisticRegression(inputSize: inputs, classes: max(objective.outputSize, 2), generator: &generator)
        case "mlp":
            guard let activation = Activation(rawValue: configuration.activation), !configuration.hiddenSizes.isEmpty,
                  configuration.hiddenSizes.allSatisfy({ $0 >= 1 && $0 <= 1 << 16 }) else {
                throw ModelFileError(path: "<model>", problem: "invalid MLP hidden sizes or activation")
            }
            model = MLP(inputSize: inputs, hiddenSizes: configuration.hiddenSizes, activation: activation, objective: objective, generator: &generator)
        default:
            throw ModelFileError(path: "<model>", problem: "unknown model \"\(configuration.model)\"")
        }
    }

    /// Standardized features `[rows, features]` from a CSV's columns.
    public func features(from table: DelimitedText) throws -> Tensor {
        configuration.featureScaling.standardize(try table.floatTensor(columns: configuration.features))
    }

    /// Predictions for standardized features, in the data's units: values `[n, 1]` for a
    /// regression, probabilities for a classifier (see ``TabularModel/predict(_:)``).
    public func predict(_ features: Tensor) -> Tensor {
        let predictions = model.predict(features)
        return model.objective.isClassification ? predictions : configuration.targetScaling.restore(predictions)
    }

    /// The objective's metrics on `data` (standardized features, targets in the data's units):
    /// a regression's `mse` is in the target's units squared.
    public func evaluate(_ data: TabularData) -> [String: Double] {
        guard !model.objective.isClassification else { return model.evaluate(data) }
        return model.objective.metrics(outputs: predict(data.features), targets: data.targets)
    }

    /// Targets `[rows, 1]` from a CSV: numbers for regression, class indices for classifiers
    /// (a label the model does not know is an error naming the file and line).
    public func targets(from table: DelimitedText) throws -> Tensor {
        if let classes = configuration.classes {
            let column = try table.columnIndex(named: configuration.target)
            let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
            var labels: [Float] = []
            for record in table.records {
                let label = record.fields[column]
                guard let value = index[label] else {
                    throw DelimitedTextError(file: table.fileName, line: record.line, column: column + 1,
                                             problem: .unexpectedValue(column: configuration.target, found: label,
                                                                       expected: "one of the model's classes (\(classes.joined(separator: ", ")))"))
                }
                labels.append(Float(value))
            }
            return Tensor(shape: [labels.count, 1], scalars: labels)
        }
        let values = try table.floats(inColumn: configuration.target)
        return Tensor(shape: [values.count, 1], scalars: values)
    }

    public func write(to path: String) throws {
        var file = try ModelFile(kind: Self.kind, configuration: configuration)
        file.add(parametersOf: model)
        try file.write(to: path)
    }

    /// Every parameter's name and shape for a configuration, without building the model.
    static func parameterShapes(_ configuration: Configuration) -> [(name: String, shape: [Int])] {
        let inputs = configuration.features.count
        let outputs = configuration.objective == "multiclass" ? configuration.classes?.count ?? 0 : 1
        switch configuration.model {
        case "mlp":
            var result: [(String, [Int])] = []
            var width = inputs
            for (index, size) in configuration.hiddenSizes.enumerated() {
                result += [("hidden.\(2 * index).weight", [size, width]), ("hidden.\(2 * index).bias", [size])]
                width = size
            }
            return result + [("output.weight", [outputs, width]), ("output.bias", [outputs])]
        default:
            return [("linear.weight", [outputs, inputs]), ("linear.bias", [outputs])]
        }
    }

    public static func read(from path: String) throws -> TabularModelBundle {
        let file = try ModelFile.read(from: path, expectedKind: kind)
        let configuration = try file.decodeConfiguration(Configuration.self)
        // Check the tensors against the configuration before allocating the model.
        for (name, shape) in parameterShapes(configuration) {
            guard let tensor = file.tensors[name] else { throw ModelFileError(path: path, problem: "missing tensor \"\(name)\"") }
            guard tensor.shape == shape else {
                throw ModelFileError(path: path, problem: "tensor \"\(name)\" has shape \(tensor.shape), expected \(shape)")
            }
        }
        var generator = RandomGenerator(seed: 0)
        let bundle: TabularModelBundle
        do {
            bundle = try TabularModelBundle(configuration: configuration, generator: &generator)
        } catch let error as ModelFileError {
            throw ModelFileError(path: path, problem: error.problem)
        }
        try file.load(into: bundle.model)
        return bundle
    }
}
