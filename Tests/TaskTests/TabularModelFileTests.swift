import Foundation
import RecurrentData
import RecurrentNN
import RecurrentTasks
import RecurrentTensor
import Testing

/// Tabular model files keep the feature and target standardization, and files written before
/// target standardization existed still read.
@Suite struct TabularModelFileTests {
    /// y = 250 + 40a − 3b: a target far from unit scale.
    static let table: DelimitedText = {
        var text = "a,b,y\n"
        for row in 0..<30 {
            let a = Double(row % 7) - 3, b = Double((row * 5) % 11)
            text += "\(a),\(b),\(250 + 40 * a - 3 * b)\n"
        }
        return try! DelimitedText(string: text, fileName: "generated.csv")
    }()

    static func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("recurrent-tabular-\(UUID().uuidString).safetensors").path
    }

    @Test func predictionsInTheDataUnitsSurviveAWriteAndRead() throws {
        var settings = TabularTrainingSettings(target: "y", classification: false)
        settings.showsProgress = false
        let run = try TabularTrainingRun(table: Self.table, settings: settings)
        try run.train()
        let configuration = run.bundle.configuration
        #expect(configuration.targetMean != nil && configuration.targetDeviation != nil)
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try run.bundle.write(to: path)
        let bundle = try TabularModelBundle.read(from: path)
        #expect(bundle.configuration == configuration)
        let features = try bundle.features(from: Self.table), targets = try Self.table.floats(inColumn: "y")
        let predictions = bundle.predict(features).scalars
        #expect(zip(predictions, targets).allSatisfy { Swift.abs($0 - $1) < 1e-3 }, "\(predictions.prefix(3)) vs \(targets.prefix(3))")
        #expect(bundle.model.predict(features).scalars != predictions, "the model itself predicts standardized targets")
    }

    /// A configuration without `targetMean`/`targetDeviation` (as older files have): the model's
    /// outputs are the predictions.
    @Test func filesWithoutTargetStatisticsStillRead() throws {
        var generator = RandomGenerator(seed: 1)
        let configuration = TabularModelBundle.Configuration(
            model: "linear", objective: "regression", features: ["a", "b"], target: "y", classes: nil,
            hiddenSizes: [], activation: "tanh", featureMeans: [0, 0], featureDeviations: [1, 1])
        let written = try TabularModelBundle(configuration: configuration, generator: &generator)
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try written.write(to: path)
        let file = try ModelFile.read(from: path, expectedKind: TabularModelBundle.kind)
        #expect(!String(decoding: file.configuration, as: UTF8.self).contains("target_mean") &&
                !String(decoding: file.configuration, as: UTF8.self).contains("targetMean"))
        let bundle = try TabularModelBundle.read(from: path)
        let features = Tensor(shape: [2, 2], scalars: [1, 2, -3, 4])
        #expect(bundle.predict(features).scalars == written.model.predict(features).scalars)
    }

    @Test("unusable target statistics are an error naming the file", arguments: [
        (Float(10), Float(0)), (Float(10), Float(-2)), (Float(10), nil),
    ])
    func badTargetStatistics(mean: Float, deviation: Float?) throws {
        var generator = RandomGenerator(seed: 1)
        var configuration = TabularModelBundle.Configuration(
            model: "linear", objective: "regression", features: ["a"], target: "y", classes: nil,
            hiddenSizes: [], activation: "tanh", featureMeans: [0], featureDeviations: [1])
        let model = try TabularModelBundle(configuration: configuration, generator: &generator).model
        configuration.targetMean = mean
        configuration.targetDeviation = deviation
        var file = try ModelFile(kind: TabularModelBundle.kind, configuration: configuration)
        file.add(parametersOf: model)
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try file.write(to: path)
        let error = try #require(throws: ModelFileError.self) { try TabularModelBundle.read(from: path) }
        #expect(error.path == path && error.problem.contains("target statistics"), "\(error)")
    }
}
