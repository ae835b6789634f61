import Foundation
import RecurrentData
import RecurrentNN
import RecurrentTensor

/// A table's rows made ready to fit a tabular model, then fitted: what
/// `recurrent train regression|classifier` does, for a Swift program.
///
///     let run = try TabularTrainingRun(table: try DelimitedText(contentsOfFile: "train.csv"),
///                                      settings: TabularTrainingSettings(target: "y", classification: false))
///     let metrics = try run.train()          // ["mse": …, "r2": …] on the training rows
///     try run.bundle.write(to: "model.safetensors")
///
/// Preparing: the rows are shuffled with the seed and split into training and validation;
/// the features are standardized with the training rows' statistics, and so are a regression's
/// targets, so that gradient training starts at the scale it is tuned for (unit-variance inputs
/// and outputs) whatever the data's units. Both standardizations are saved in the model, whose
/// ``TabularModelBundle/predict(_:)`` and ``TabularModelBundle/evaluate(_:)`` answer in the data's units.
///
/// Training: the linear model's default solver is exact least squares
/// (``LinearRegression/fitExactly(_:l2:)``, one solve, no epochs); every other model, and the
/// linear one with a gradient solver, trains by mini-batches with the shared ``Trainer``.
public final class TabularTrainingRun {
    public let settings: TabularTrainingSettings
    /// The model with its feature (and target) statistics.
    public let bundle: TabularModelBundle
    /// Standardized features, targets in the data's units.
    public let training: TabularData
    public let validation: TabularData?

    /// Splits `table`, computes the statistics and builds the (untrained) model.
    /// Throws a ``TabularTrainingSettings/Problem`` for unusable settings, a ``DelimitedTextError``
    /// for a bad cell or a missing column, and a ``TabularDataError`` for a table that cannot
    /// train the model (no rows, no features, one class).
    public init(table: DelimitedText, settings: TabularTrainingSettings) throws {
        if let problem = settings.problem { throw problem }
        self.settings = settings
        guard !table.records.isEmpty else { throw TabularDataError(file: table.fileName, problem: "no data rows after the header") }
        _ = try table.columnIndex(named: settings.target)
        let featureNames = settings.features ?? table.header.filter { $0 != settings.target }
        guard !featureNames.isEmpty else {
            throw TabularDataError(file: table.fileName, problem: "no feature columns besides the target \"\(settings.target)\"")
        }
        if featureNames.contains(settings.target) {
            throw TabularTrainingSettings.Problem(flag: "features", value: featureNames.joined(separator: ","),
                                                 message: "the target \"\(settings.target)\" cannot also be a feature")
        }
        let rawFeatures = try table.floatTensor(columns: featureNames)

        // Classes are the sorted distinct labels, so the same data always gives the same indices.
        var classes: [String]?
        if settings.classification {
            let distinct = Array(Set(try table.strings(inColumn: settings.target))).sorted()
            guard distinct.count >= 2 else {
                throw TabularDataError(file: table.fileName, problem:
                    "column \"\(settings.target)\" has \(distinct.count) distinct value(s); a classifier needs at least 2")
            }
            classes = distinct
        }

        var generator = RandomGenerator(seed: settings.seed)
        var order = Array(0..<table.records.count)
        generator.shuffle(&order)
        let validationCount = Int((Double(order.count) * settings.validationFraction).rounded())
        let trainingRows = Array(order[validationCount...]), validationRows = Array(order[..<validationCount])
        guard !trainingRows.isEmpty else {
            throw TabularTrainingSettings.Problem(flag: "validation-split", value: "\(settings.validationFraction)",
                                                 message: "leaves no training rows of \(order.count)")
        }

        let featureScaling = ColumnStandardization(columnsOf: rawFeatures.gatherRows(trainingRows))
        var rawTargets: Tensor?
        if !settings.classification {
            let values = try table.floats(inColumn: settings.target)
            rawTargets = Tensor(shape: [values.count, 1], scalars: values)
        }
        let targetScaling = rawTargets.map { ColumnStandardization(columnsOf: $0.gatherRows(trainingRows)) }
        let objective = classes.map { $0.count == 2 ? "binary" : "multiclass" } ?? "regression"
        let model = settings.resolvedModel
        let configuration = TabularModelBundle.Configuration(
            model: model.rawValue, objective: objective, features: featureNames, target: settings.target, classes: classes,
            hiddenSizes: model == .mlp ? settings.hiddenSizes : [], activation: settings.activation.rawValue,
            featureMeans: featureScaling.means.map { Float($0) }, featureDeviations: featureScaling.deviations.map { Float($0) },
            targetMean: targetScaling.map { Float($0.means[0]) }, targetDeviation: targetScaling.map { Float($0.deviations[0]) })
        bundle = try TabularModelBundle(configuration: configuration, generator: &generator)
        // What bundle.features(from:) and targets(from:) give, without parsing the table again.
        let all = TabularData(features: configuration.featureScaling.standardize(rawFeatures), targets: try rawTargets ?? bundle.targets(from: table))
        training = all.rows(trainingRows)
        validation = validationRows.isEmpty ? nil : all.rows(validationRows)
    }

    /// Fits the model and returns its metrics on the training rows, in the data's units
    /// (validation metrics go to the progress lines and the log).
    @discardableResult
    public func train() throws -> [String: Double] {
        let model = bundle.model
        let scaling = bundle.configuration.targetScaling
        func standardized(_ data: TabularData) -> TabularData {
            model.objective.isClassification ? data : TabularData(features: data.features, targets: scaling.standardize(data.targets))
        }
        if settings.resolvedSolver == .exact, let linear = model as? LinearRegression {
            let start = Date()
            linear.fitExactly(standardized(training), l2: settings.l2)
            try logExactFit(seconds: Date().timeIntervalSince(start))
        } else {
            var options = TrainingOptions()
            options.epochs = settings.epochs
            options.seed = settings.seed
            options.logPath = settings.logPath
            options.gradientClipNorm = settings.gradientClipNorm
            options.earlyStoppingPatience = settings.patience
            options.showsProgress = settings.showsProgress
            try model.fit(standardized(training), validation: validation.map(standardized), optimizer: settings.optimizer.make(model.parameters),
                          batchSize: settings.batchSize, options: options, targetScaling: model.objective.isClassification ? nil : scaling)
        }
        return bundle.evaluate(training)
    }

    /// One log record for the exact solve: what the Trainer's `validation` and `end` records say for gradient training.
    private func logExactFit(seconds: Double) throws {
        let validationMetrics = validation.map { bundle.evaluate($0) }
        if let validationMetrics, settings.showsProgress {
            ProgressReporter(enabled: true).line("validation: " + validationMetrics.keys.sorted()
                .map { String(format: "%@ %.4f", $0, validationMetrics[$0]!) }.joined(separator: ", "))
        }
        guard let path = settings.logPath else { return }
        var record: [String: Any] = ["event": "end", "solver": "exact", "reason": "solved", "step": 0, "epoch": 0,
                                     "train_seconds": seconds, "rows": training.count]
        for (key, value) in bundle.evaluate(training) { record["train_" + key] = value }
        for (key, value) in validationMetrics ?? [:] { record["valid_" + key] = value }
        try MetricsLog(path: path).write(record)
    }
}

