import Foundation
import RecurrentTensor

extension SafeTensors {
    /// Reads a `.safetensors` file.
    ///
    /// The header is read and validated completely before any tensor is allocated: sizes come
    /// from the file only after they have been checked against the file's length, so a hostile
    /// file cannot make the reader allocate more than about twice its own size (F16 → Float).
    /// Tensor bytes are then read straight into each tensor's storage (F32) or converted from
    /// a small scratch buffer, so the file's contents are never held twice in memory.
    ///
    /// Tensors come in the order of the header; non-F32 dtypes are converted to `Float`
    /// (F64 values beyond Float's range become ±infinity).
    ///
    /// - Throws: ``SafeTensorsError`` naming `path` and the problem, for every way the file can
    ///   be malformed (see ``SafeTensorsError/Problem``).
    public init(contentsOfFile path: String) throws {
        let file: ReadableFile
        do {
            file = try ReadableFile(path: path)
        } catch {
            throw SafeTensorsError(file: path, problem: .unreadable(reason: error.reason))
        }
        if let size = file.regularFileSize {
            self = try SafeTensorsReader.read(SafeTensorsFileSource(file: file, byteCount: size), fileName: path)
            return
        }
        // A pipe or device has no size to validate against until it has been read.
        let bytes: [UInt8]
        do {
            bytes = try file.readAll()
        } catch {
            throw SafeTensorsError(file: path, problem: .unreadable(reason: error.reason))
        }
        self = try bytes.withUnsafeBytes { try SafeTensorsReader.read(SafeTensorsMemorySource(bytes: $0, fileName: path), fileName: path) }
    }

    /// Reads the bytes of a `.safetensors` file; `fileName` names it in error messages.
    /// Validation and conversion are as for ``init(contentsOfFile:)``.
    public init(data: Data, fileName: String = "<data>") throws {
        self = try data.withUnsafeBytes { try SafeTensorsReader.read(SafeTensorsMemorySource(bytes: $0, fileName: fileName), fileName: fileName) }
    }
}

/// Reading in two passes: the header into a validated ``Layout``, then each tensor's bytes.
enum SafeTensorsReader {
    /// The reference implementation's limit, which also bounds what a hostile length can make us allocate.
    static let maximumHeaderSize = 100_000_000

    /// Where the header says each tensor lives, after every check has passed.
    struct Layout {
        struct Entry {
            let name: String
            let dtype: SafeTensorsDType
            let shape: [Int]
            /// Offsets in the byte buffer; `end - begin` equals the element count times the dtype size.
            let begin: Int
            let end: Int
        }
        var entries: [Entry] = []
        var metadata: [String: String] = [:]
    }

    static func read<Source: SafeTensorsByteSource>(_ source: Source, fileName: String) throws -> SafeTensors {
        let size = source.byteCount
        guard size >= 8 else { throw SafeTensorsError(file: fileName, problem: .fileTooShort(byteCount: size)) }
        var lengthField: UInt64 = 0
        try withUnsafeMutableBytes(of: &lengthField) { try source.copy(into: $0, at: 0) }
        let declared = UInt64(littleEndian: lengthField)
        guard declared <= UInt64(maximumHeaderSize) else {
            throw SafeTensorsError(file: fileName, problem: .headerTooLarge(declared: declared))
        }
        let headerLength = Int(declared)
        guard headerLength <= size - 8 else {
            throw SafeTensorsError(file: fileName, problem: .headerBeyondEndOfFile(declared: declared, available: size - 8))
        }
        var header = [UInt8](repeating: 0, count: headerLength)
        try header.withUnsafeMutableBytes { try source.copy(into: $0, at: 8) }
        let bufferStart = 8 + headerLength
        let layout = try header.withUnsafeBytes { try parseHeader($0, bufferSize: size - bufferStart, fileName: fileName) }

        var result = SafeTensors(metadata: layout.metadata)
        result.fileName = fileName
        var scratch: [UInt8] = []
        for entry in layout.entries {
            result[entry.name] = try Tensor(shape: entry.shape) { destination in
                try load(entry, from: source, bufferStart: bufferStart, into: destination, scratch: &scratch)
            }
        }
        return result
    }

    // MARK: - Tensor bytes

    private static func load<Source: SafeTensorsByteSource>(
        _ entry: Layout.Entry, from source: Source, bufferStart: Int,
        into destination: UnsafeMutableBufferPointer<Float>, scratch: inout [UInt8]
    ) throws {
        guard let base = destination.baseAddress, entry.end > entry.begin else { return }
        if entry.dtype == .f32 {
            try source.copy(into: UnsafeMutableRawBufferPointer(destination), at: bufferStart + entry.begin)
            #if _endian(big)
            for index in destination.indices { destination[index] = Float(bitPattern: UInt32(littleEndian: destination[index].bitPattern)) }
            #endif
            return
        }
        let elementSize = entry.dtype.byteSize
        let chunkSize = 1 << 20  // a multiple of every element size
        var offset = entry.begin
        var written = 0
        while offset < entry.end {
            let count = min(chunkSize, entry.end - offset)
            try source.withBytes(at: bufferStart + offset, count: count, scratch: &scratch) { bytes in
                convert(bytes, from: entry.dtype, into: base + written)
            }
            written += count / elementSize
            offset += count
        }
    }

    /// Converts little-endian elements of `dtype` to `Float`, writing `bytes.count / size` values.
    static func convert(_ bytes: UnsafeRawBufferPointer, from dtype: SafeTensorsDType, into destination: UnsafeMutablePointer<Float>) {
        let count = bytes.count / dtype.byteSize
        switch dtype {
        case .f32:
            for index in 0..<count {
                destination[index] = Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * index, as: UInt32.self)))
            }
        case .f64:
            for index in 0..<count {
                destination[index] = Float(Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8 * index, as: UInt64.self))))
            }
        case .f16:
            for index in 0..<count {
                destination[index] = floatFromHalf(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * index, as: UInt16.self)))
            }
        case .bf16:
            for index in 0..<count {
                let bits = UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * index, as: UInt16.self))
                destination[index] = Float(bitPattern: UInt32(bits) << 16)
            }
        case .i64:
            for index in 0..<count {
                destination[index] = Float(Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8 * index, as: Int64.self)))
            }
        case .i32:
            for index in 0..<count {
                destination[index] = Float(Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * index, as: Int32.self)))
            }
        default:
            // The header check admits only supported dtypes; zeros keep the storage initialized regardless.
            destination.update(repeating: 0, count: count)
        }
    }

    /// IEEE 754 binary16 to binary32, exact for every input (NaN payloads kept). Written out
    /// because `Float16` is unavailable on Intel Macs.
    static func floatFromHalf(_ bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = UInt32(bits >> 10) & 0x1F
        let mantissa = UInt32(bits & 0x03FF)
        switch exponent {
        case 0:
            // Zero or subnormal: mantissa · 2⁻²⁴, exact in Float.
            let magnitude = Float(mantissa) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        case 0x1F:
            return Float(bitPattern: sign | 0x7F80_0000 | mantissa << 13)
        default:
            return Float(bitPattern: sign | (exponent + 112) << 23 | mantissa << 13)
        }
    }
}

// MARK: - Byte sources

/// Random access to the bytes of a file being read, in memory or on disk.
protocol SafeTensorsByteSource {
    var byteCount: Int { get }
    /// Fills `destination` with the bytes at `offset`.
    func copy(into destination: UnsafeMutableRawBufferPointer, at offset: Int) throws
    /// Calls `body` with `count` bytes at `offset`, read into `scratch` when they are not in memory.
    func withBytes(at offset: Int, count: Int, scratch: inout [UInt8], _ body: (UnsafeRawBufferPointer) -> Void) throws
}

struct SafeTensorsMemorySource: SafeTensorsByteSource {
    let bytes: UnsafeRawBufferPointer
    let fileName: String
    var byteCount: Int { bytes.count }

    func copy(into destination: UnsafeMutableRawBufferPointer, at offset: Int) throws {
        try body(at: offset, count: destination.count) { destination.copyMemory(from: $0) }
    }

    func withBytes(at offset: Int, count: Int, scratch: inout [UInt8], _ body: (UnsafeRawBufferPointer) -> Void) throws {
        try self.body(at: offset, count: count, body)
    }

    private func body(at offset: Int, count: Int, _ body: (UnsafeRawBufferPointer) -> Void) throws {
        guard offset >= 0, count >= 0, count <= bytes.count, offset <= bytes.count - count else {
            throw SafeTensorsError(file: fileName, problem: .unreadable(reason: "bytes \(offset)..<\(offset + count) lie outside the \(bytes.count)-byte input"))
        }
        body(UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count]))
    }
}

struct SafeTensorsFileSource: SafeTensorsByteSource {
    let file: ReadableFile
    let byteCount: Int

    func copy(into destination: UnsafeMutableRawBufferPointer, at offset: Int) throws {
        do {
            try file.read(into: destination, at: offset)
        } catch {
            throw SafeTensorsError(file: file.path, problem: .unreadable(reason: error.reason))
        }
    }

    func withBytes(at offset: Int, count: Int, scratch: inout [UInt8], _ body: (UnsafeRawBufferPointer) -> Void) throws {
        if scratch.count < count { scratch = [UInt8](repeating: 0, count: count) }
        try scratch.withUnsafeMutableBytes { buffer in
            let region = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<count])
            try copy(into: region, at: offset)
            body(UnsafeRawBufferPointer(region))
        }
    }
}
