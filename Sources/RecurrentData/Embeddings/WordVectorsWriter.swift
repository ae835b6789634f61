import Foundation

/// Writes word vectors in the formats ``WordVectorsReader`` reads, as gensim's
/// `KeyedVectors.load_word2vec_format` and the original word2vec C tool read them:
///
/// - text (`word2vec`, `fasttext`): `COUNT DIMENSIONS\n`, then `word v1 … vD\n` per word, each value
///   the shortest decimal that reads back as the same `Float` (so a round trip is exact);
/// - `glove`: the same rows without the header;
/// - `word2vec-binary`: the header, then per word its UTF-8 bytes, a space, D little-endian float32
///   and a newline, as the C tool writes them.
///
/// Files are written atomically (``writeAtomically(_:to:)``): a failure leaves no partial file.
public enum WordVectorsWriter {
    /// The format a file name asks for: `.bin` is binary, `.vec` fastText text, anything else
    /// word2vec text.
    public static func format(forPath path: String) -> WordVectorFormat {
        let lowercased = path.lowercased()
        if lowercased.hasSuffix(".bin") { return .word2vecBinary }
        if lowercased.hasSuffix(".vec") { return .fastText }
        return .word2vec
    }

    /// Writes `vectors` to `path` in `format`.
    /// - Throws: ``WordVectorsError`` when a word is empty or holds whitespace (no format could
    ///   separate it from its values), or ``AtomicWriteError`` when the file cannot be written.
    public static func write(_ vectors: WordVectors, to path: String, format: WordVectorFormat) throws {
        if let bad = vectors.words.firstIndex(where: { $0.isEmpty || $0.unicodeScalars.contains(where: \.properties.isWhitespace) }) {
            throw WordVectorsError(file: path, problem: .unwritableWord(vectors.words[bad]))
        }
        try writeAtomically(Data(encoded(vectors, format: format)), to: path)
    }

    /// The bytes of `vectors` in `format` (words are assumed free of whitespace).
    public static func encoded(_ vectors: WordVectors, format: WordVectorFormat) -> [UInt8] {
        var bytes: [UInt8] = []
        let dimension = vectors.dimension
        bytes.reserveCapacity(vectors.count * (format.isBinary ? 4 * dimension + 16 : 12 * dimension + 16))
        if format.hasHeader { bytes.append(contentsOf: "\(vectors.count) \(dimension)\n".utf8) }
        vectors.values.withUnsafeBufferPointer { values in
            for (row, word) in vectors.words.enumerated() {
                bytes.append(contentsOf: word.utf8)
                let rowValues = UnsafeBufferPointer(rebasing: values[(row * dimension)..<((row + 1) * dimension)])
                if format.isBinary {
                    bytes.append(0x20)
                    for value in rowValues {
                        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
                    }
                } else {
                    for value in rowValues {
                        bytes.append(0x20)
                        bytes.append(contentsOf: shortestDecimal(value).utf8)
                    }
                }
                bytes.append(0x0A)
            }
        }
        return bytes
    }

    /// Swift's shortest round-trip form, with its `1e-05` exponent style, which C's `strtof`,
    /// Python's `float` and every reader here accept.
    @inline(__always)
    static func shortestDecimal(_ value: Float) -> String { value.description }
}
