import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes `data` to `path` so that the file is either entirely the old contents or entirely the
/// new ones, never a mix, even if the process or the machine stops half way.
///
/// The bytes go to a temporary file in the same directory (`.<name>.tmp-<random>`), which is
/// flushed to disk and then renamed over `path`; renaming within a directory is atomic on POSIX
/// file systems. When any step fails, the temporary file is removed and an existing file at
/// `path` is left as it was. A replaced file's permission bits are kept; a new file gets the
/// usual `0666` less the umask. If `path` is a symbolic link, the link itself is replaced.
///
/// ```swift
/// try writeAtomically(Data("hello\n".utf8), to: "greeting.txt")
/// ```
///
/// - Throws: ``AtomicWriteError`` naming the path, the step that failed and the system's reason.
public func writeAtomically(_ data: Data, to path: String) throws {
    let target = URL(fileURLWithPath: path)
    let directory = target.deletingLastPathComponent().path
    let name = target.lastPathComponent
    func failure(_ step: String, _ code: Int32) -> AtomicWriteError {
        AtomicWriteError(path: path, step: step, reason: String(cString: strerror(code)))
    }

    var existing = stat()
    let keptMode: mode_t? = stat(path, &existing) == 0 && (existing.st_mode & S_IFMT) == S_IFREG ? existing.st_mode & 0o7777 : nil

    var temporaryPath = ""
    var descriptor: Int32 = -1
    for _ in 0..<16 {
        let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        temporaryPath = (directory as NSString).appendingPathComponent(".\(name).tmp-\(suffix)")
        descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        if descriptor >= 0 || errno != EEXIST { break }
    }
    guard descriptor >= 0 else { throw failure("cannot create a temporary file in \(directory)", errno) }

    // From here on every failure must remove the temporary file.
    var closed = false
    do {
        if let keptMode, fchmod(descriptor, keptMode) != 0 { throw failure("cannot set permissions", errno) }
        try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) throws in
            guard var address = bytes.baseAddress else { return }
            var remaining = bytes.count
            while remaining > 0 {
                let written = write(descriptor, address, min(remaining, 1 << 30))
                if written < 0 {
                    if errno == EINTR { continue }
                    throw failure("cannot write", errno)
                }
                address += written
                remaining -= written
            }
        }
        if fsync(descriptor) != 0 { throw failure("cannot flush to disk", errno) }
        closed = true
        if close(descriptor) != 0 { throw failure("cannot close", errno) }
        if rename(temporaryPath, path) != 0 { throw failure("cannot rename the temporary file over it", errno) }
    } catch {
        if !closed { close(descriptor) }
        unlink(temporaryPath)
        throw error
    }

    // Make the rename itself durable. The data is already safe, so a failure here is not reported.
    let directoryDescriptor = open(directory, O_RDONLY | O_CLOEXEC)
    if directoryDescriptor >= 0 {
        fsync(directoryDescriptor)
        close(directoryDescriptor)
    }
}

/// A failure of ``writeAtomically(_:to:)``: which file, which step, and the system's reason.
public struct AtomicWriteError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The destination path as given.
    public var path: String
    /// What was being done, e.g. `cannot create a temporary file in /models`.
    public var step: String
    /// The system's explanation, e.g. `No such file or directory`.
    public var reason: String

    public var description: String { "\(path): \(step): \(reason)" }
}
