import ArgumentParser
import Foundation
import Recurrent

/// A duration such as `90`, `90s`, `15m`, `1.5h`.
struct Duration: ExpressibleByArgument, CustomStringConvertible {
    var seconds: Double

    init?(argument: String) {
        let text = argument.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        var factor = 1.0, number = text
        for (suffix, value) in units where text.hasSuffix(suffix) {
            factor = value
            number = String(text.dropLast(suffix.count))
            break
        }
        guard let value = Double(number), value.isFinite, value > 0 else { return nil }
        seconds = value * factor
    }

    /// As a user would type it, so `--help` shows a default that parses back: the largest whole
    /// unit (`1h`, `15m`, `150s`), else fractional seconds (`0.25s`).
    var description: String {
        for (suffix, factor) in [("h", 3600.0), ("m", 60.0), ("s", 1.0)] {
            let count = seconds / factor
            if count >= 1 && count < 1e15 && count.rounded() == count { return "\(Int(count))\(suffix)" }
        }
        return "\(seconds)s"
    }

    static var defaultCompletionKind: CompletionKind { .default }
}

/// A comma-separated list of integers such as `64,32` (the command checks their range, so
/// its message can say what the flag expects).
struct IntegerList: ExpressibleByArgument, CustomStringConvertible {
    var values: [Int]

    init(_ values: [Int]) { self.values = values }

    init?(argument: String) {
        var values: [Int] = []
        for part in argument.split(separator: ",", omittingEmptySubsequences: false) {
            guard let value = Int(part.trimmingCharacters(in: .whitespaces)) else { return nil }
            values.append(value)
        }
        self.values = values
    }

    /// As typed: `64,32`.
    var description: String { values.map(String.init).joined(separator: ",") }
}

extension OptimizerSettings.Kind: ExpressibleByArgument {}

/// A training command's optimizer defaults, which its help text shows and its behaviour uses (one
/// place for both).
protocol OptimizerDefaults {
    static var optimizer: OptimizerSettings.Kind { get }
    static func learningRate(for kind: OptimizerSettings.Kind) -> Float
    /// The learning rates as the help text gives them.
    static var learningRateHelp: String { get }
    /// The gradient-norm clip when none is given (nil: no clipping).
    static var clip: Float? { get }
}

/// PyTorch's defaults: Adam, each optimizer's own learning rate, no clipping.
enum PyTorchOptimizerDefaults: OptimizerDefaults {
    static let optimizer = OptimizerSettings.Kind.adam
    static func learningRate(for kind: OptimizerSettings.Kind) -> Float { kind.defaultLearningRate }
    static let learningRateHelp = "PyTorch's for the optimizer: 0.01 for sgd, adagrad and rmsprop, 0.001 for adam and adamw"
    static let clip: Float? = nil
}

/// The optimizer flags every `train` command shares, with the command's defaults.
struct TaskOptimizerOptions<Defaults: OptimizerDefaults>: ParsableArguments {
    @Option(help: "Optimizer: \(OptimizerSettings.Kind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var optimizer: OptimizerSettings.Kind = Defaults.optimizer

    @Option(name: .customLong("lr"), help: "Learning rate (default: \(Defaults.learningRateHelp)).")
    var learningRate: Float?

    @Option(help: "Momentum (sgd, rmsprop).")
    var momentum: Double = 0

    @Option(help: "Weight decay (L2 for sgd/adagrad/rmsprop/adam, decoupled for adamw; default 0, 0.01 for adamw).")
    var weightDecay: Double?

    @Option(name: .customLong("clip"),
            help: "Clip the global gradient norm to this value; 0 turns clipping off (default: \(Defaults.clip.map { "\($0)" } ?? "0, no clipping")).")
    var clipOption: Float?

    /// The clipping norm in use (nil: none).
    var clip: Float? {
        let value = clipOption ?? Defaults.clip
        return value == 0 ? nil : value
    }

    var settings: OptimizerSettings {
        OptimizerSettings(kind: optimizer, learningRate: learningRate ?? Defaults.learningRate(for: optimizer), momentum: momentum,
                          weightDecay: weightDecay)
    }

    func validate() throws {
        if let problem = settings.problem { throw ValidationError(problem) }
        if let clipOption, !(clipOption >= 0 && clipOption.isFinite) { throw ValidationError("--clip must be a number ≥ 0 (0: no clipping)") }
    }

    func make(_ parameters: [NamedParameter]) -> any Optimizer { settings.make(parameters) }
}

/// The optimizer flags with PyTorch's defaults.
typealias OptimizerOptions = TaskOptimizerOptions<PyTorchOptimizerDefaults>

/// An error the CLI reports as is (the message already names the file and what was expected).
struct CommandError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Fails early, before any work, when `path`'s directory does not exist or is not writable.
func checkWritableDestination(_ path: String, flag: String) throws {
    let directory = (path as NSString).deletingLastPathComponent
    let folder = directory.isEmpty ? "." : directory
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
        throw CommandError("\(flag) \(path): the directory \(folder) does not exist")
    }
    guard FileManager.default.isWritableFile(atPath: folder) else {
        throw CommandError("\(flag) \(path): the directory \(folder) is not writable")
    }
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
        throw CommandError("\(flag) \(path): is a directory")
    }
}

/// Prints a JSON object on standard output (keys sorted).
func printJSON(_ object: Any) throws {
    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}

/// Writes a line to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
