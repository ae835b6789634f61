/// The lines of a text file as byte ranges, after checking that the file is readable UTF-8
/// without NUL bytes: the shared first step of the CoNLL-U, column and plain-text readers.
///
/// Lines end at LF; a CR before it belongs to the line ending (CRLF files read like LF files).
struct TaggedTextScanner {
    let file: String
    let bytes: [UInt8]

    /// Reads and checks `path`.
    init(path: String) throws(TaggedTextError) {
        let bytes: [UInt8]
        do {
            bytes = try ReadableFile(path: path).readAll()
        } catch {
            throw TaggedTextError(file: path, problem: .unreadable(reason: error.reason))
        }
        try self.init(bytes: bytes, file: path)
    }

    /// Checks `bytes`, named `file` in messages.
    init(bytes: [UInt8], file: String) throws(TaggedTextError) {
        self.file = file
        self.bytes = bytes
        let failure: TaggedTextError? = bytes.withUnsafeBytes { raw in
            if let zero = raw.firstIndex(of: 0) {
                let (line, column) = UTF8Validation.lineAndColumn(of: zero, in: raw)
                return TaggedTextError(file: file, line: line, column: column, problem: .binary(byteOffset: zero))
            }
            if let offset = UTF8Validation.firstInvalidOffset(in: raw) {
                let (line, column) = UTF8Validation.lineAndColumn(of: offset, in: raw)
                return TaggedTextError(file: file, line: line, column: column, problem: .invalidUTF8(byteOffset: offset))
            }
            return nil
        }
        if let failure { throw failure }
    }

    /// Calls `body` with each line's 1-based number and byte range (without its line ending).
    func forEachLine(_ body: (Int, Range<Int>) throws(TaggedTextError) -> Void) throws(TaggedTextError) {
        var start = 0, number = 1
        // Skip a UTF-8 byte order mark.
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
        while start < bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            let next = end + 1
            if end > start, bytes[end - 1] == 0x0D { end -= 1 }
            try body(number, start..<end)
            number += 1
            start = next
        }
    }

    /// True when the line holds only spaces and tabs.
    func isBlank(_ range: Range<Int>) -> Bool {
        range.allSatisfy { bytes[$0] == 0x20 || bytes[$0] == 0x09 }
    }

    /// The fields of a line split at every tab (CoNLL-U: empty fields are kept).
    func tabFields(_ range: Range<Int>) -> [Range<Int>] {
        var fields: [Range<Int>] = []
        var start = range.lowerBound
        for index in range where bytes[index] == 0x09 {
            fields.append(start..<index)
            start = index + 1
        }
        fields.append(start..<range.upperBound)
        return fields
    }

    /// The fields of a line split at runs of spaces and tabs (column files, plain text).
    func whitespaceFields(_ range: Range<Int>) -> [Range<Int>] {
        var fields: [Range<Int>] = []
        var index = range.lowerBound
        while index < range.upperBound {
            while index < range.upperBound, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
            let start = index
            while index < range.upperBound, bytes[index] != 0x20, bytes[index] != 0x09 { index += 1 }
            if index > start { fields.append(start..<index) }
        }
        return fields
    }

    func string(_ range: Range<Int>) -> String {
        bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[range]), as: UTF8.self) }
    }

    /// The 1-based character column of byte `offset` on the line starting at `lineStart`.
    func column(of offset: Int, lineStart: Int) -> Int {
        var column = 1
        for index in lineStart..<offset where bytes[index] & 0xC0 != 0x80 { column += 1 }
        return column
    }

    func error(line: Int, column: Int? = nil, _ problem: TaggedTextError.Problem) -> TaggedTextError {
        TaggedTextError(file: file, line: line, column: column, problem: problem)
    }
}
