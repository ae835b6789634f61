#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A window onto a file read front to back in large blocks, so a reader can see whole lines (or
/// whole binary records) as contiguous bytes while the memory held stays bounded by the block size
/// (or by the longest record, when one is longer).
///
/// The unread bytes are `pointer[start..<end]`; `offset(of:)` turns a position in the window
/// into a byte offset from the file's start.
final class StreamingBytes {
    private let file: ReadableFile
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// The unread bytes are buffer[start..<end].
    private(set) var start = 0
    private(set) var end = 0
    /// The file offset of buffer[0].
    private var bufferOffset = 0
    /// The file has no more bytes to read into the window.
    private(set) var reachedEndOfFile = false

    init(file: ReadableFile, blockSize: Int = 4 << 20) {
        self.file = file
        capacity = blockSize
        buffer = .allocate(capacity: blockSize)
    }

    deinit {
        buffer.deallocate()
    }

    var pointer: UnsafePointer<UInt8> { UnsafePointer(buffer) }

    /// Unread bytes in the window.
    var available: Int { end - start }

    /// The file offset of window position `position`.
    func offset(of position: Int) -> Int { bufferOffset + position }

    /// Marks the bytes up to `position` as read.
    func consume(upTo position: Int) {
        start = position
    }

    /// Moves the unread bytes to the front and reads until at least `minimum` are unread or the
    /// file ends; returns whether `minimum` bytes are there. Grows the window for a record longer
    /// than a block.
    @discardableResult
    func fill(minimum: Int) throws(ReadableFile.Failure) -> Bool {
        if available >= minimum { return true }
        if start > 0 {
            let unread = available
            if unread > 0 { memmove(buffer, buffer + start, unread) }
            bufferOffset += start
            start = 0
            end = unread
        }
        if minimum > capacity {
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: max(minimum, capacity * 2))
            grown.update(from: buffer, count: end)
            buffer.deallocate()
            buffer = grown
            capacity = max(minimum, capacity * 2)
        }
        while end < minimum && !reachedEndOfFile {
            let got = try file.readNext(into: UnsafeMutableRawBufferPointer(start: buffer + end, count: capacity - end))
            if got == 0 { reachedEndOfFile = true }
            end += got
        }
        return available >= minimum
    }

    /// The position of the next LF at or after `position`, reading more of the file as needed,
    /// or nil when the file ends first (the last line then runs to `end`). Positions shift when
    /// the window moves: a caller re-reads `start` after calling this.
    func nextLineEnd(from position: Int) throws(ReadableFile.Failure) -> Int? {
        var searched = position - start
        while true {
            let from = start + searched
            if from < end, let found = memchr(buffer + from, 0x0A, end - from) {
                return buffer.distance(to: found.assumingMemoryBound(to: UInt8.self))
            }
            searched = available
            if reachedEndOfFile { return nil }
            try fill(minimum: available + 1)  // reads as much as the window holds; grows it only when full
        }
    }
}
