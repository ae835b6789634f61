import Foundation

/// A JSON-lines log: one object per line, appended and flushed as training goes, so another
/// program can follow it (`tail -f`) and a crash loses at most the last line.
public final class MetricsLog {
    private let handle: FileHandle
    public let path: String

    /// Opens `path` for appending (creating it if needed).
    public init(path: String) throws {
        self.path = path
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw MetricsLogError(path: path, problem: "cannot create the file")
            }
        }
        do {
            handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try handle.seekToEnd()
        } catch {
            throw MetricsLogError(path: path, problem: "cannot open it for appending (\(error.localizedDescription))")
        }
    }

    /// Appends one record (keys sorted). A value JSON cannot hold (a NaN or infinite loss) is
    /// written as null, so a diverging run's records are kept, not dropped; anything else that
    /// cannot be written is an error naming the file.
    public func write(_ record: [String: Any]) throws {
        let cleaned = record.mapValues { value -> Any in
            if let number = value as? Double, !number.isFinite { return NSNull() }
            if let number = value as? Float, !number.isFinite { return NSNull() }
            return value
        }
        guard JSONSerialization.isValidJSONObject(cleaned) else {
            throw MetricsLogError(path: path, problem: "a record holds a value JSON cannot represent: \(record)")
        }
        do {
            let data = try JSONSerialization.data(withJSONObject: cleaned, options: [.sortedKeys])
            try handle.write(contentsOf: data + Data([0x0A]))
        } catch {
            throw MetricsLogError(path: path, problem: "cannot write a record (\(error.localizedDescription))")
        }
    }

    deinit {
        try? handle.close()
    }
}

/// A metrics log that cannot be opened or written.
public struct MetricsLogError: Error, CustomStringConvertible {
    public var path: String
    public var problem: String
    public var description: String { "\(path): \(problem)" }
}
