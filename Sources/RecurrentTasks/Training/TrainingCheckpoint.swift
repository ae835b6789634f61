import Foundation
import RecurrentNN
import RecurrentTensor

/// A training checkpoint: a model file of the task's kind holding the current (not the best)
/// parameters, plus
///
/// | where | what |
/// |---|---|
/// | tensors `optimizer.<slot>.<parameter>` | the optimizer's state (``Optimizer/stateTensors()``) |
/// | tensors `carried.<name>` | state the task carries between batches (``TrainingTask/carriedState()``) |
/// | metadata `training` | JSON `{"settings": …, "state": TrainingState, "data": {…}}` |
///
/// `settings` is whatever the task needs to rebuild the run (its own Codable settings), and
/// `data` counts that identify the training data (tokens, examples), so resuming on other data is
/// caught. ``Trainer`` writes checkpoints after every validation and at the end when
/// ``TrainingOptions/output`` is set, and resumes from one with ``Trainer/init(optimizer:options:resumingFrom:)``.
public struct TrainingCheckpoint {
    /// The file, with the model's parameters and the extra tensors.
    public let file: ModelFile
    public let state: TrainingState
    /// Counts identifying the training data, as the task gave them when the checkpoint was written.
    public let data: [String: Int]
    let recordJSON: Data

    public var path: String { file.path ?? "<checkpoint>" }

    /// Reads a checkpoint of the given model kind, with a clear error for a model file that is not
    /// a checkpoint or a record this version cannot read.
    public static func read(from path: String, expectedKind: String) throws -> TrainingCheckpoint {
        let file = try ModelFile.read(from: path, expectedKind: expectedKind)
        guard let json = file.extraMetadata["training"] else {
            throw ModelFileError(path: path, problem: "not a training checkpoint (no \"training\" metadata)")
        }
        let record: Record
        do {
            record = try JSONDecoder().decode(Record.self, from: Data(json.utf8))
        } catch {
            throw ModelFileError(path: path, problem: "its \"training\" metadata is not a checkpoint record this version reads "
                                 + "(\(ModelFile.describe(error)))")
        }
        return TrainingCheckpoint(file: file, state: record.state, data: record.data ?? record.trainingTokens.map { ["tokens": $0] } ?? [:],
                                  recordJSON: Data(json.utf8))
    }

    /// The run's settings, decoded as the task's own type.
    public func settings<Settings: Decodable>(as type: Settings.Type) throws -> Settings {
        do {
            return try JSONDecoder().decode(SettingsRecord<Settings>.self, from: recordJSON).settings
        } catch {
            throw ModelFileError(path: path, problem: "its \"training\" metadata is not a checkpoint record this version reads "
                                 + "(\(ModelFile.describe(error)))")
        }
    }

    /// Checks that the data being resumed on is the data the checkpoint was trained on (where the
    /// checkpoint recorded a count under the same key).
    public func checkData(_ current: [String: Int], describedAs file: String) throws {
        for (key, value) in current.sorted(by: { $0.key < $1.key }) {
            if let saved = data[key], saved != value {
                throw ModelFileError(path: path, problem: "was trained on data with \(saved) \(key) per epoch, but \(file) gives \(value): "
                                     + "resume with the same training data")
            }
        }
    }

    /// The optimizer state and carried state stored under `optimizer.` and `carried.`.
    var optimizerState: [String: Tensor] { tensors(prefixed: "optimizer.") }
    var carriedState: [String: Tensor] { tensors(prefixed: "carried.") }

    private func tensors(prefixed prefix: String) -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        for (name, tensor) in file.tensors.tensors where name.hasPrefix(prefix) { result[String(name.dropFirst(prefix.count))] = tensor }
        return result
    }

    /// Writes `model` (a model file of the task's kind with the current parameters) as a checkpoint.
    static func write(model: ModelFile, settings: Data, state: TrainingState, data: [String: Int], optimizer: any Optimizer,
                      carried: [String: Tensor], to path: String) throws {
        var file = model
        for (name, tensor) in optimizer.stateTensors() { file.tensors["optimizer." + name] = tensor }
        for (name, tensor) in carried { file.tensors["carried." + name] = tensor }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var record = try JSONSerialization.jsonObject(with: encoder.encode(Record(state: state, data: data))) as? [String: Any] ?? [:]
        record["settings"] = try JSONSerialization.jsonObject(with: settings, options: [.fragmentsAllowed])
        let json = try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys])
        file.extraMetadata["training"] = String(decoding: json, as: UTF8.self)
        try file.write(to: path)
    }

    struct Record: Codable {
        var state: TrainingState
        var data: [String: Int]?
        /// The training text's token count in checkpoints of versions before `data` (language models).
        var trainingTokens: Int?

        init(state: TrainingState, data: [String: Int]) {
            self.state = state
            self.data = data
        }
    }
}

private struct SettingsRecord<Settings: Decodable>: Decodable {
    var settings: Settings
}

/// Where a ``Trainer`` writes its results: the best model (by ``TrainingOptions/selection``) to
/// `modelPath` at every improving validation (or the final model when there is no validation),
/// and a ``TrainingCheckpoint`` to `checkpointPath` after every validation and at the end.
public struct TrainingOutput {
    public var modelPath: String
    public var checkpointPath: String
    /// The task's settings as JSON, stored in checkpoints so a resumed run rebuilds the same task.
    public var settings: Data
    /// Counts identifying the training data (see ``TrainingCheckpoint/data``).
    public var data: [String: Int]

    /// The checkpoint written next to a model file.
    public static func checkpointPath(for modelPath: String) -> String { modelPath + ".checkpoint" }

    public init<Settings: Encodable>(modelPath: String, checkpointPath: String? = nil, settings: Settings, data: [String: Int] = [:]) throws {
        self.modelPath = modelPath
        self.checkpointPath = checkpointPath ?? Self.checkpointPath(for: modelPath)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        self.settings = try encoder.encode(settings)
        self.data = data
    }
}
