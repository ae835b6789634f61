import Foundation
import RecurrentData
import RecurrentNN
import RecurrentTensor

/// A Recurrent model file: one safetensors file whose tensors are the model's parameters (by
/// their PyTorch-style names, plus optional extra tensors such as optimizer state under
/// `optimizer.`), and whose `__metadata__` holds:
///
/// | key | value |
/// |---|---|
/// | `format` | `recurrent` |
/// | `format_version` | `1` |
/// | `kind` | what the model does: `tabular`, `language-model`, ... |
/// | `config` | JSON: architecture, hyper-parameters, vocabulary or feature statistics |
/// | `training` | JSON: the training state needed to resume (checkpoints only) |
///
/// Files are written atomically (temporary file, then rename).
public struct ModelFile {
    public static let format = "recurrent"
    public static let formatVersion = "1"

    public var kind: String
    /// The `config` JSON, decoded by the model type.
    public var configuration: Data
    public var tensors: SafeTensors
    public var path: String?

    public init<Configuration: Encodable>(kind: String, configuration: Configuration) throws {
        self.kind = kind
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        self.configuration = try encoder.encode(configuration)
        tensors = SafeTensors()
    }

    /// Adds every parameter of `layer`, by name (with an optional prefix).
    public mutating func add(parametersOf layer: any Layer, prefix: String = "") {
        for named in layer.parameters { tensors[prefix + named.name] = named.parameter.value.detached }
    }

    /// Extra metadata (for example `training`).
    public var extraMetadata: [String: String] = [:]

    /// Writes the file atomically.
    public func write(to path: String) throws {
        var file = tensors
        file.metadata = extraMetadata.merging([
            "format": Self.format, "format_version": Self.formatVersion, "kind": kind,
            "config": String(decoding: configuration, as: UTF8.self),
        ]) { _, new in new }
        try file.write(toFile: path)
    }

    /// What kind of model the file at `path` holds (`tabular`, `language-model`, …), so a command
    /// can dispatch on it; errors as ``read(from:expectedKind:)`` gives them.
    public static func kind(at path: String) throws -> String {
        try kind(of: SafeTensors(contentsOfFile: path), path: path)
    }

    private static func kind(of file: SafeTensors, path: String) throws -> String {
        guard file.metadata["format"] == format else {
            throw ModelFileError(path: path, problem: "not a Recurrent model file (its metadata has no \"format\": \"recurrent\")")
        }
        guard let version = file.metadata["format_version"], version == formatVersion else {
            throw ModelFileError(path: path, problem: "unsupported format version \(file.metadata["format_version"] ?? "(none)"), expected \(formatVersion)")
        }
        guard let kind = file.metadata["kind"] else { throw ModelFileError(path: path, problem: "no \"kind\" in its metadata") }
        return kind
    }

    /// Reads a model file of the expected kind.
    public static func read(from path: String, expectedKind: String) throws -> ModelFile {
        let file = try SafeTensors(contentsOfFile: path)
        let kind = try kind(of: file, path: path)
        guard kind == expectedKind else {
            throw ModelFileError(path: path, problem: "is a \(kind) model; this needs a \(expectedKind) model")
        }
        guard let configuration = file.metadata["config"] else { throw ModelFileError(path: path, problem: "no \"config\" in its metadata") }
        var result = try ModelFile(kind: kind, configuration: [String: String]())
        result.configuration = Data(configuration.utf8)
        result.tensors = file
        result.path = path
        result.extraMetadata = file.metadata.filter { !["format", "format_version", "kind", "config"].contains($0.key) }
        return result
    }

    /// The decoded configuration.
    public func decodeConfiguration<Configuration: Decodable>(_ type: Configuration.Type) throws -> Configuration {
        do {
            return try JSONDecoder().decode(type, from: configuration)
        } catch {
            throw ModelFileError(path: path ?? "<model>", problem: "invalid \"config\" metadata: \(Self.describe(error))")
        }
    }

    /// Loads every parameter of `layer` from the file's tensors, checking names and shapes.
    public func load(into layer: any Layer, prefix: String = "") throws {
        for named in layer.parameters {
            let name = prefix + named.name
            guard let tensor = tensors[name] else {
                throw ModelFileError(path: path ?? "<model>", problem: "missing tensor \"\(name)\"")
            }
            guard tensor.shape == named.parameter.shape else {
                throw ModelFileError(path: path ?? "<model>", problem: "tensor \"\(name)\" has shape \(tensor.shape), expected \(named.parameter.shape)")
            }
            guard tensor.scalars.allSatisfy(\.isFinite) else {
                throw ModelFileError(path: path ?? "<model>", problem: "tensor \"\(name)\" holds NaN or infinite values")
            }
            named.parameter.assign(tensor)
        }
    }

    static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "missing key \"\(([key] + context.codingPath.reversed()).reversed().map(\.stringValue).joined(separator: "."))\""
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context), DecodingError.dataCorrupted(let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return (path.isEmpty ? "" : "at \"\(path)\": ") + context.debugDescription
        default:
            return "\(error)"
        }
    }
}

/// A model file that cannot be used.
public struct ModelFileError: Error, CustomStringConvertible, Equatable {
    public var path: String
    public var problem: String

    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String { "\(path): \(problem)" }
}
