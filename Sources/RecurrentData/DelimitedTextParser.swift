/// The byte-level state machine behind ``DelimitedText``. One pass over the bytes; fields are
/// decoded to `String` straight from the input (unquoted) or from a reused scratch buffer
/// (quoted, where `""` must become `"`).
struct DelimitedTextParser {
    private let bytes: UnsafeRawBufferPointer
    private let fileName: String
    private let delimiter: UInt8
    private let quoting: Bool
    private let delimiterName: String

    private var index = 0
    private var line = 1
    private var lineStart = 0
    private var header: [String]?
    private var headerLine = 0
    private var records: [DelimitedText.Record] = []
    private var fields: [String] = []
    private var recordLine = 0
    private var scratch: [UInt8] = []

    private static let lineFeed: UInt8 = 0x0A
    private static let carriageReturn: UInt8 = 0x0D
    private static let quote = UInt8(ascii: "\"")

    init(bytes: UnsafeRawBufferPointer, fileName: String, format: DelimitedTextFormat) {
        self.bytes = bytes
        self.fileName = fileName
        delimiter = format.delimiter
        quoting = format.quoting
        delimiterName = format.delimiterName
    }

    mutating func parse() throws -> (header: [String], headerLine: Int, records: [DelimitedText.Record]) {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
        lineStart = index
        guard index < bytes.count else { throw DelimitedTextError(file: fileName, problem: .emptyFile) }
        let text = UnsafeRawBufferPointer(rebasing: bytes[index...])
        if let bad = UTF8Validation.firstInvalidOffset(in: text) {
            let (line, column) = UTF8Validation.lineAndColumn(of: bad, in: text)
            throw DelimitedTextError(file: fileName, line: line, column: column, problem: .invalidUTF8(byteOffset: index + bad))
        }

        let end = bytes.count
        var inRecord = false
        while index < end {
            if !inRecord {
                let byte = bytes[index]
                if byte == Self.lineFeed || byte == Self.carriageReturn {
                    skipLineBreak()
                    continue
                }
                inRecord = true
                recordLine = line
            }
            if quoting && bytes[index] == Self.quote {
                fields.append(try quotedField())
            } else {
                fields.append(unquotedField())
            }
            guard index < end else { break }
            if bytes[index] == delimiter {
                index += 1
                if index == end { fields.append("") }
                continue
            }
            skipLineBreak()
            try finishRecord()
            inRecord = false
        }
        if inRecord { try finishRecord() }
        guard let header else { throw DelimitedTextError(file: fileName, problem: .noHeader) }
        return (header, headerLine, records)
    }

    // MARK: - Fields

    private mutating func unquotedField() -> String {
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == delimiter || byte == Self.lineFeed || byte == Self.carriageReturn { break }
            index += 1
        }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
    }

    private mutating func quotedField() throws -> String {
        let openingLine = line
        let openingColumn = column(at: index)
        index += 1
        scratch.removeAll(keepingCapacity: true)
        var runStart = index
        while true {
            guard index < bytes.count else {
                throw DelimitedTextError(file: fileName, line: openingLine, column: openingColumn, problem: .unterminatedQuote)
            }
            let byte = bytes[index]
            if byte == Self.quote {
                scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[runStart..<index]))
                if index + 1 < bytes.count, bytes[index + 1] == Self.quote {
                    scratch.append(Self.quote)
                    index += 2
                    runStart = index
                    continue
                }
                index += 1
                break
            }
            if byte == Self.lineFeed || byte == Self.carriageReturn {
                skipLineBreak()  // kept in the value: the run resumes after it
            } else {
                index += 1
            }
        }
        if index < bytes.count {
            let next = bytes[index]
            if next != delimiter && next != Self.lineFeed && next != Self.carriageReturn {
                throw DelimitedTextError(file: fileName, line: line, column: column(at: index),
                                         problem: .textAfterClosingQuote(found: character(at: index), delimiter: delimiterName))
            }
        }
        return String(decoding: scratch, as: UTF8.self)
    }

    // MARK: - Records and lines

    private mutating func finishRecord() throws {
        if let header {
            guard fields.count == header.count else {
                throw DelimitedTextError(file: fileName, line: recordLine, problem: .raggedRow(expected: header.count, found: fields.count))
            }
            records.append(DelimitedText.Record(fields: fields, line: recordLine))
        } else {
            header = fields
            headerLine = recordLine
        }
        fields = []
        fields.reserveCapacity(header?.count ?? 0)
    }

    /// Steps over LF, CRLF or a lone CR at `index` and starts the next line.
    private mutating func skipLineBreak() {
        if bytes[index] == Self.carriageReturn, index + 1 < bytes.count, bytes[index + 1] == Self.lineFeed { index += 1 }
        index += 1
        line += 1
        lineStart = index
    }

    /// The 1-based character column of byte `position` on the current line.
    private func column(at position: Int) -> Int {
        var column = 1
        for offset in lineStart..<position where bytes[offset] & 0xC0 != 0x80 { column += 1 }
        return column
    }

    /// The whole UTF-8 character starting at byte `position`.
    private func character(at position: Int) -> String {
        var end = position + 1
        while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[position..<end]), as: UTF8.self)
    }
}
