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
                throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
            }
        }
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
    }

    /// Appends one record (keys sorted).
    public func write(_ record: [String: Any]) {
        guard let data = try? JSONSerialization.data(withJSONObject: record, options: [.sortedKeys]) else { return }
        handle.write(data + Data([0x0A]))
    }

    deinit {
        try? handle.close()
    }
}
