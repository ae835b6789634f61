/// The file formats of pretrained word vectors.
///
/// | format | layout |
/// |---|---|
/// | `word2vec` | a header line `COUNT DIMENSIONS`, then one line per word: `word v1 v2 … vD` |
/// | `word2vec-binary` | the same header, then per word: its UTF-8 bytes, a space, D little-endian float32 (the original C tool writes a newline after each vector; many files omit it) |
/// | `glove` | one line per word as in `word2vec`, without a header |
/// | `fasttext` | fastText's `.vec`: the `word2vec` text format |
///
/// Text rows may separate values by spaces or tabs and end with a trailing space or CRLF.
public enum WordVectorFormat: String, CaseIterable, Codable, Sendable {
    case word2vec
    case word2vecBinary = "word2vec-binary"
    case glove
    case fastText = "fasttext"

    /// Whether files of this format start with a `COUNT DIMENSIONS` header.
    public var hasHeader: Bool { self != .glove }

    /// Whether vectors are raw float32 rather than decimal text.
    public var isBinary: Bool { self == .word2vecBinary }

    /// A name for messages: `word2vec text`, `word2vec binary`, `GloVe text`, `fastText .vec`.
    public var displayName: String {
        switch self {
        case .word2vec: "word2vec text"
        case .word2vecBinary: "word2vec binary"
        case .glove: "GloVe text"
        case .fastText: "fastText .vec"
        }
    }

    /// The format of a file that starts with `prefix` (its first few kilobytes) and is named
    /// `path`: a first line of two integers is a word2vec header, after which control bytes
    /// (which decimal text never holds) mean binary vectors; text with a header is called
    /// fastText when the name ends in `.vec`; text without a header is GloVe.
    public static func detect(prefix: UnsafeBufferPointer<UInt8>, path: String) -> WordVectorFormat {
        guard let header = WordVectorsHeader(firstLineOf: prefix) else { return .glove }
        if firstControlByte(in: prefix, from: header.length) != nil { return .word2vecBinary }
        return path.lowercased().hasSuffix(".vec") ? .fastText : .word2vec
    }

    /// The offset of the first byte at or after `from` that decimal text never holds (a control
    /// character other than tab, LF, vertical tab, form feed and CR), or nil.
    static func firstControlByte(in bytes: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        var index = from
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x09 || (byte > 0x0D && byte < 0x20) || byte == 0x7F { return index }
            index += 1
        }
        return nil
    }
}

/// A word2vec header line, `COUNT DIMENSIONS`.
struct WordVectorsHeader {
    static let maximumDimension = 1 << 20

    var count: Int
    var dimension: Int
    /// Bytes of the header line, its LF included.
    var length: Int
    /// The line's text (for messages).
    var text: String

    /// The header at the start of `bytes`, or nil when the first line (which must end within
    /// `bytes`) is not two non-negative integers with a positive dimension.
    init?(firstLineOf bytes: UnsafeBufferPointer<UInt8>) {
        guard let newline = bytes.firstIndex(of: 0x0A) else { return nil }
        var fields: [Int] = []
        var index = 0
        while index < newline {
            while index < newline && DecimalFloatParser.isSeparator(bytes[index]) { index += 1 }
            guard index < newline else { break }
            var value = 0, digits = 0
            while index < newline, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                if value < 1 << 40 { value = value * 10 + Int(bytes[index] - 0x30) }
                digits += 1
                index += 1
            }
            guard digits > 0, index == newline || DecimalFloatParser.isSeparator(bytes[index]) else { return nil }
            fields.append(value)
        }
        guard fields.count == 2, fields[1] >= 1 else { return nil }
        count = fields[0]
        dimension = fields[1]
        length = newline + 1
        text = String(decoding: UnsafeBufferPointer(rebasing: bytes[..<newline]), as: UTF8.self)
    }
}
