#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file opened for reading with POSIX calls, so that tensor bytes can be read straight into
/// their final storage (no intermediate `Data`) and failures carry the system's reason.
///
/// Readers turn ``ReadableFile/Failure`` into their own error type, which names the file.
final class ReadableFile {
    /// Why a file could not be read, in the system's words (`No such file or directory`).
    struct Failure: Error {
        let reason: String
    }

    let path: String
    private let descriptor: Int32
    /// The size of a regular file when it was opened; nil for pipes and devices, whose size is
    /// only known by reading to the end.
    let regularFileSize: Int?

    init(path: String) throws(Failure) {
        self.path = path
        let opened = open(path, O_RDONLY | O_CLOEXEC)
        guard opened >= 0 else { throw Failure(reason: Self.systemMessage(errno)) }
        var status = stat()
        guard fstat(opened, &status) == 0 else {
            let code = errno
            close(opened)
            throw Failure(reason: Self.systemMessage(code))
        }
        let type = status.st_mode & S_IFMT
        if type == S_IFDIR {
            close(opened)
            throw Failure(reason: "it is a directory")
        }
        descriptor = opened
        regularFileSize = type == S_IFREG ? Int(status.st_size) : nil
    }

    deinit {
        close(descriptor)
    }

    /// Fills `destination` with the bytes starting at `offset`, or throws when the file ends first
    /// (it was truncated after being opened) or the read fails.
    func read(into destination: UnsafeMutableRawBufferPointer, at offset: Int) throws(Failure) {
        guard var address = destination.baseAddress else { return }
        var remaining = destination.count
        var position = offset
        while remaining > 0 {
            let got = pread(descriptor, address, min(remaining, 1 << 30), off_t(position))
            if got < 0 {
                if errno == EINTR { continue }
                throw Failure(reason: Self.systemMessage(errno))
            }
            if got == 0 {
                throw Failure(reason: "the file ended at byte \(position), \(remaining) bytes short; was it changed while being read?")
            }
            address += got
            remaining -= got
            position += got
        }
    }

    /// All bytes of the file, from its start.
    func readAll() throws(Failure) -> [UInt8] {
        if let size = regularFileSize {
            var failure: Failure?
            let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
                do throws(Failure) {
                    try read(into: UnsafeMutableRawBufferPointer(buffer), at: 0)
                    initialized = size
                } catch {
                    failure = error
                    initialized = 0
                }
            }
            if let failure { throw failure }
            return bytes
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let got = chunk.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress, $0.count) }
            if got < 0 {
                if errno == EINTR { continue }
                throw Failure(reason: Self.systemMessage(errno))
            }
            if got == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<got])
        }
    }

    /// Reads the next bytes from the current position (for streaming through files of any size,
    /// pipes included) into `destination`; returns how many were read, 0 at the end of the file.
    func readNext(into destination: UnsafeMutableRawBufferPointer) throws(Failure) -> Int {
        while true {
            let got = systemRead(descriptor, destination.baseAddress, destination.count)
            if got >= 0 { return got }
            if errno != EINTR { throw Failure(reason: Self.systemMessage(errno)) }
        }
    }

    static func systemMessage(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}

/// `read(2)`; the name `read` inside ``ReadableFile`` means its own method.
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}
