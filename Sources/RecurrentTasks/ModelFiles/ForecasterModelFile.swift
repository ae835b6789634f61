import Foundation
import RecurrentData
import RecurrentNN
import RecurrentTensor

/// A forecaster as stored in a model file of kind `forecaster`: its `config` metadata is
/// `{"model": SequenceModel.Configuration, "forecaster": Forecaster.Configuration}` (the columns,
/// window, horizon, differencing and scaling fitted on the training rows, the seasonal period);
/// its tensors are the model's parameters (`rnn.weight_ih_l0`, …, `head.weight`, `head.bias`, and
/// `autoregressive.weight`, `autoregressive.bias`).
public struct ForecasterBundle {
    public struct Configuration: Codable, Equatable {
        public var model: SequenceModel.Configuration
        public var forecaster: Forecaster.Configuration
    }

    public static let kind = "forecaster"

    public let forecaster: Forecaster

    public init(forecaster: Forecaster) {
        self.forecaster = forecaster
    }

    public func modelFile() throws -> ModelFile {
        var file = try ModelFile(kind: Self.kind, configuration: Configuration(model: forecaster.model.configuration,
                                                                                forecaster: forecaster.configuration))
        file.add(parametersOf: forecaster)
        return file
    }

    public static func read(from path: String) throws -> ForecasterBundle {
        try ForecasterBundle(file: ModelFile.read(from: path, expectedKind: kind))
    }

    /// The forecaster a `forecaster` file (or checkpoint) holds, checked before any allocation.
    public init(file: ModelFile) throws {
        let path = file.path ?? "<model>"
        let configuration = try file.decodeConfiguration(Configuration.self)
        if let problem = configuration.model.problem ?? configuration.forecaster.problem {
            throw ModelFileError(path: path, problem: "invalid configuration: \(problem)")
        }
        let model = configuration.model, columns = configuration.forecaster.columns.count
        guard model.input == .frames, model.features == columns, model.outputs == configuration.forecaster.horizon * columns else {
            throw ModelFileError(path: path, problem: "invalid configuration: the model's inputs or outputs do not match the forecaster's columns and horizon")
        }
        var generator = RandomGenerator(seed: 0)
        forecaster = Forecaster(model: SequenceModel(model, generator: &generator), configuration: configuration.forecaster, generator: &generator)
        try file.load(into: forecaster)
    }

    /// The model's columns of one CSV file, or of several consecutive ones joined, with an error
    /// naming the (last) file when they are too short to forecast from.
    public func series(_ paths: [String], minimumRows: Int = 1) throws -> ForecastSeries {
        guard var series = try paths.first.map({ try ForecastSeries.read($0, columns: forecaster.configuration.columns) }) else {
            throw SequenceFileError(file: "--history", problem: "no file given")
        }
        for path in paths.dropFirst() { series = series.appending(try ForecastSeries.read(path, columns: forecaster.configuration.columns)) }
        guard series.count >= minimumRows else {
            throw SequenceFileError(file: paths.joined(separator: " + "), problem: "\(series.count) rows; the model needs at least \(minimumRows) "
                                    + "(a window of \(forecaster.configuration.window) plus \(forecaster.configuration.transform.offset) for the differencing)")
        }
        return series
    }
}
