/// Reads a text file for language modeling, rejecting what cannot be text: an unreadable path,
/// an empty file, a binary file (NUL bytes), or bytes that are not UTF-8 — with the file, line
/// and column in the message.
public enum TextFile {
    /// The file's contents as a string, with line endings read as Python's text mode reads
    /// them (`\r\n` and `\r` become `\n`), so models match PyTorch's on the same files.
    public static func read(_ path: String) throws -> String {
        let bytes: [UInt8]
        do {
            bytes = try ReadableFile(path: path).readAll()
        } catch {
            throw TextFileError(file: path, problem: .unreadable(reason: error.reason))
        }
        return try decode(bytes, file: path)
    }

    /// Validates and decodes bytes named `file` in messages.
    public static func decode(_ bytes: [UInt8], file: String) throws -> String {
        guard !bytes.isEmpty else { throw TextFileError(file: file, problem: .empty) }
        return try bytes.withUnsafeBytes { raw in
            if let zero = raw.firstIndex(of: 0) {
                let (line, column) = UTF8Validation.lineAndColumn(of: zero, in: raw)
                throw TextFileError(file: file, line: line, column: column, problem: .binary(byteOffset: zero))
            }
            if let offset = UTF8Validation.firstInvalidOffset(in: raw) {
                let (line, column) = UTF8Validation.lineAndColumn(of: offset, in: raw)
                throw TextFileError(file: file, line: line, column: column, problem: .invalidUTF8(byteOffset: offset))
            }
            return Tokenizer.universalNewlines(String(decoding: raw, as: UTF8.self))
        }
    }
}

/// Why a text file cannot be used.
public struct TextFileError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Problem: Equatable, Sendable {
        case unreadable(reason: String)
        case empty
        case binary(byteOffset: Int)
        case invalidUTF8(byteOffset: Int)
        case noTokens
    }

    public var file: String
    public var line: Int?
    public var column: Int?
    public var problem: Problem

    public init(file: String, line: Int? = nil, column: Int? = nil, problem: Problem) {
        self.file = file
        self.line = line
        self.column = column
        self.problem = problem
    }

    public var description: String {
        var location = file
        if let line { location += ":\(line)" + (column.map { ":\($0)" } ?? "") }
        let message: String
        switch problem {
        case .unreadable(let reason): message = "cannot read: \(reason)"
        case .empty: message = "the file is empty; expected text"
        case .binary(let offset): message = "this looks like a binary file (a NUL byte at offset \(offset)); expected UTF-8 text"
        case .invalidUTF8(let offset): message = "the text is not valid UTF-8 (first bad byte at offset \(offset))"
        case .noTokens: message = "the text holds no tokens"
        }
        return "\(location): \(message)"
    }
}
