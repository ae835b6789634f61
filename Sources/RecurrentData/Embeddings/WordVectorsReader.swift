/// Reads word2vec (text and binary), GloVe and fastText `.vec` files, streaming: the file passes
/// through a window of a few megabytes, and only the rows kept are stored.
///
/// ```swift
/// let (vectors, report) = try WordVectorsReader.read("glove.6B.100d.txt")
/// // only the words a task knows, in bounded memory:
/// let (mine, _) = try WordVectorsReader.read("glove.840B.300d.txt", keeping: { vocabulary.contains($0) })
/// ```
///
/// Words whose bytes are not valid UTF-8 (cp1252 files exist) are read as Latin-1, one byte per
/// character; words that appear twice keep their first vector, as gensim does. Both are counted in
/// the ``Report`` and described in its ``Report/notices``. A text row whose words contain spaces
/// (GloVe's 840B file has a few) is read with the last D fields as its vector.
public enum WordVectorsReader {
    /// Words longer than this (in bytes) make a binary file malformed.
    public static let maximumWordBytes = 4096

    /// What reading found besides the vectors.
    public struct Report: Equatable, Sendable {
        /// The format read (detected, or as given).
        public var format: WordVectorFormat
        /// Rows seen in the file (all of them, kept or not, up to `limit`).
        public var rowsRead = 0
        /// Words read as Latin-1 because their bytes are not UTF-8.
        public var latin1Words = 0
        /// Rows skipped because their word came earlier in the file.
        public var duplicateWords = 0
        /// Sentences for standard error about the two counts above, naming the first case of
        /// each (empty when both are zero).
        public var notices: [String] = []
    }

    /// Reads `path`.
    ///
    /// - Parameters:
    ///   - format: the file's format; nil detects it (``WordVectorFormat/detect(prefix:path:)``).
    ///   - keeping: which words to store; nil stores all. Rows of other words are skipped without
    ///     parsing their values (so their errors go unnoticed), which keeps memory to the kept rows.
    ///   - limit: read only the first `limit` rows (the most frequent words, in sorted files).
    /// - Throws: ``WordVectorsError`` with the file and line (text) or byte offset (binary).
    public static func read(_ path: String, format: WordVectorFormat? = nil, keeping: ((String) -> Bool)? = nil,
                            limit: Int? = nil) throws(WordVectorsError) -> (vectors: WordVectors, report: Report) {
        let file: ReadableFile
        do {
            file = try ReadableFile(path: path)
        } catch {
            throw WordVectorsError(file: path, problem: .unreadable(reason: error.reason))
        }
        var context = ReadingContext(path: path, bytes: StreamingBytes(file: file), keep: keeping, limit: limit ?? Int.max,
                                     fileSize: file.regularFileSize)
        do {
            try context.bytes.fill(minimum: 1 << 16)
        } catch {
            throw context.error(problem: .unreadable(reason: error.reason))
        }
        let bytes = context.bytes
        let prefix = UnsafeBufferPointer(start: bytes.pointer + bytes.start, count: bytes.available)
        guard prefix.contains(where: { !DecimalFloatParser.isSeparator($0) && $0 != 0x0B && $0 != 0x0C }) else {
            throw context.error(problem: .empty)
        }
        let header = WordVectorsHeader(firstLineOf: prefix)
        let chosen = format ?? WordVectorFormat.detect(prefix: prefix, path: path)
        try check(chosen, header: header, prefix: prefix, context: context)
        context.report = Report(format: chosen)
        if let header {
            guard header.dimension <= WordVectorsHeader.maximumDimension else {
                throw context.error(line: chosen.isBinary ? nil : 1, offset: chosen.isBinary ? 0 : nil,
                                    problem: .invalidHeader(found: header.text))
            }
            context.expectedRows = header.count
            context.dimension = header.dimension
            bytes.consume(upTo: bytes.start + header.length)
            context.line = 2
        }
        var vectors = try chosen.isBinary ? context.readBinaryRows() : context.readTextRows()
        if vectors == nil { vectors = WordVectors(dimension: 1) }  // an empty GloVe file cannot say its dimension
        context.addNotices()
        return (vectors!, context.report)
    }

    /// Rejects a forced format the file's start contradicts, with a message that names the right one.
    private static func check(_ format: WordVectorFormat, header: WordVectorsHeader?, prefix: UnsafeBufferPointer<UInt8>,
                              context: ReadingContext) throws(WordVectorsError) {
        if format.hasHeader, header == nil {
            let firstLine = String(decoding: prefix.prefix { $0 != 0x0A }.prefix(80), as: UTF8.self)
            throw context.error(line: format.isBinary ? nil : 1, offset: format.isBinary ? 0 : nil, problem: .invalidHeader(found: firstLine))
        }
        if format == .glove, let header {
            throw context.error(line: 1, problem: .wrongFormat(expected: "GloVe text without a header",
                                                               hint: "the first line \"\(header.text)\" is a word2vec header (use the word2vec format)"))
        }
        if format.isBinary, let header, prefix.count - header.length >= 4096,
           WordVectorFormat.firstControlByte(in: prefix, from: header.length) == nil {
            throw context.error(offset: header.length, problem: .wrongFormat(expected: "binary vectors",
                                                                             hint: "the first 4 KB after the header are text (use the word2vec format)"))
        }
        if !format.isBinary, let header, let control = WordVectorFormat.firstControlByte(in: prefix, from: header.length) {
            throw context.error(offset: control, problem: .wrongFormat(expected: "text",
                                                                       hint: "the file holds binary data (use the word2vec-binary format)"))
        }
    }
}

/// The state of one read: where it is, what it found, what it keeps.
struct ReadingContext {
    let path: String
    let bytes: StreamingBytes
    let keep: ((String) -> Bool)?
    let limit: Int
    let fileSize: Int?
    var report = WordVectorsReader.Report(format: .word2vec)
    /// From the header, or (GloVe) the first row.
    var dimension: Int?
    var expectedRows: Int?
    /// The 1-based line of the next text row.
    var line = 1
    private var firstLatin1: (location: String, word: String)?
    private var firstDuplicate: (location: String, word: String)?

    init(path: String, bytes: StreamingBytes, keep: ((String) -> Bool)?, limit: Int, fileSize: Int?) {
        self.path = path
        self.bytes = bytes
        self.keep = keep
        self.limit = limit
        self.fileSize = fileSize
    }

    func error(line: Int? = nil, offset: Int? = nil, problem: WordVectorsError.Problem) -> WordVectorsError {
        WordVectorsError(file: path, line: line, byteOffset: offset, problem: problem)
    }

    /// The word in `pointer[start..<end]`: UTF-8 when valid, else Latin-1 (counted).
    mutating func word(_ pointer: UnsafePointer<UInt8>, _ start: Int, _ end: Int, location: @autoclosure () -> String) -> String {
        let (word, isLatin1) = decodeWord(UnsafeRawBufferPointer(start: pointer + start, count: end - start))
        if isLatin1 {
            report.latin1Words += 1
            if firstLatin1 == nil { firstLatin1 = (location(), word) }
        }
        return word
    }

    /// Whether the row of `word` is stored; counts a repeated word.
    mutating func wants(_ word: String, in vectors: WordVectors?, location: @autoclosure () -> String) -> Bool {
        if let vectors, vectors.contains(word) {
            report.duplicateWords += 1
            if firstDuplicate == nil { firstDuplicate = (location(), word) }
            return false
        }
        return keep?(word) ?? true
    }

    /// A capacity for the table that a lying header cannot inflate beyond what the file can hold.
    func plausibleRows(bytesPerRow: Int) -> Int {
        let fromFile = fileSize.map { $0 / Swift.max(bytesPerRow, 1) + 1 } ?? 1 << 16
        return Swift.min(expectedRows ?? fromFile, fromFile, limit, keep == nil ? Int.max : 1 << 16)
    }

    mutating func addNotices() {
        if let (location, word) = firstLatin1 {
            let count = report.latin1Words
            report.notices.append("\(path): \(count) word\(count == 1 ? " is" : "s are") not valid UTF-8 and "
                                  + "\(count == 1 ? "was" : "were") read as Latin-1 (the first at \(location): \(quotedForMessage(word)))")
        }
        if let (location, word) = firstDuplicate {
            let count = report.duplicateWords
            report.notices.append("\(path): \(count) row\(count == 1 ? "" : "s") repeat\(count == 1 ? "s" : "") an earlier word "
                                  + "and \(count == 1 ? "was" : "were") skipped, keeping the first vector (the first at \(location): \(quotedForMessage(word)))")
        }
    }
}

/// A word's bytes as a string: UTF-8 when they are valid UTF-8, else Latin-1 (each byte the
/// character U+0000...U+00FF), which never fails and keeps distinct byte strings distinct.
func decodeWord(_ bytes: UnsafeRawBufferPointer) -> (word: String, isLatin1: Bool) {
    if UTF8Validation.firstInvalidOffset(in: bytes) == nil { return (String(decoding: bytes, as: UTF8.self), false) }
    var scalars = String.UnicodeScalarView()
    for byte in bytes { scalars.append(Unicode.Scalar(byte)) }
    return (String(scalars), true)
}
