import Foundation
import RecurrentTestSupport
import RecurrentData
import Testing

/// A scratch directory of hand-made vector files, removed with the value.
final class VectorFiles {
    let directory: URL

    init() throws { directory = try makeTemporaryDirectory() }
    deinit { try? FileManager.default.removeItem(at: directory) }

    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = directory.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func write(_ name: String, _ text: String) throws -> String { try write(name, Array(text.utf8)) }
}

/// A word2vec binary file: header, then per word its bytes, a space, the float32 values and,
/// when `newlines`, a line break (as the C tool writes).
func binaryVectorFile(_ rows: [(word: [UInt8], values: [Float])], header: String? = nil, newlines: Bool) -> [UInt8] {
    var bytes = Array((header ?? "\(rows.count) \(rows.first?.values.count ?? 1)\n").utf8)
    for row in rows {
        bytes += row.word + [0x20] + float32Bytes(row.values) + (newlines ? [0x0A] : [])
    }
    return bytes
}

@Suite struct WordVectorsReaderTests {
    static let expected = WordVectors(words: ["the", "cat", "é"], dimension: 3, values: [0.5, -1.25, 3, 1e-3, 2.5e2, -0.0, 7, 8, 9])!

    @Test(arguments: [
        ("w2v.txt", "3 3\nthe 0.5 -1.25 3\ncat 0.001 2.5e2 -0\né 7 8 9\n", WordVectorFormat.word2vec),
        ("trailing.txt", "3 3\r\nthe 0.5 -1.25 3 \r\ncat 1e-3 250.0 -0.0 \r\né 7.0 8 9 \r\n", .word2vec),
        ("glove.txt", "the 0.5 -1.25 3\ncat 0.001 250 -0\n\né\t7 8 9", .glove),
        ("ft.vec", "3 3\nthe 0.5 -1.25 3 \ncat .001 +250 -0. \né 7 8 9 \n", .fastText),
    ])
    func textFormatsAreDetectedAndRead(name: String, text: String, format: WordVectorFormat) throws {
        let files = try VectorFiles()
        let (vectors, report) = try WordVectorsReader.read(try files.write(name, text))
        #expect(report.format == format)
        #expect(vectors == Self.expected)
        #expect(vectors.vector(of: "cat")?.last?.sign == .minus, "-0 keeps its sign")
        #expect(report.rowsRead == 3 && report.notices.isEmpty)
    }

    @Test(arguments: [true, false])
    func binaryWithAndWithoutNewlines(newlines: Bool) throws {
        let files = try VectorFiles()
        let rows = Self.expected.words.enumerated().map { (Array($1.utf8), Array(Self.expected.vector(at: $0))) }
        let path = try files.write("v.bin", binaryVectorFile(rows, newlines: newlines))
        let (vectors, report) = try WordVectorsReader.read(path)
        #expect(report.format == .word2vecBinary)
        #expect(vectors == Self.expected)
    }

    @Test func writtenFilesReadBackIdentically() throws {
        let files = try VectorFiles()
        var generator = SystemRandomNumberGenerator()
        let words = (0..<50).map { "w\($0)" } + ["naïve", "日本"]
        var values = (0..<(words.count * 7)).map { _ in Float.random(in: -4...4, using: &generator) * Float(pow(10, Double(Int.random(in: -8...8, using: &generator)))) }
        values[0...5] = [0, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, -.leastNormalMagnitude, Float(bitPattern: 0x0001_16C2)]
        let original = try #require(WordVectors(words: words, dimension: 7, values: values))
        for format in WordVectorFormat.allCases {
            let path = try files.write("out-\(format.rawValue)", [])
            try WordVectorsWriter.write(original, to: path, format: format)
            let (read, report) = try WordVectorsReader.read(path)
            #expect(report.format == (format == .fastText ? .word2vec : format), "detected from the content")
            #expect(read.words == original.words)
            #expect(read.values.map(\.bitPattern) == original.values.map(\.bitPattern), "\(format): every bit read back")
        }
        #expect(throws: WordVectorsError.self) {
            try WordVectorsWriter.write(WordVectors(words: ["new york"], dimension: 1, values: [1])!, to: files.directory.path + "/x.txt", format: .word2vec)
        }
    }

    @Test(arguments: [
        ("3 2\na 1 2\nb 1\nc 1 2\n", WordVectorsError(file: "F", line: 3, problem: .wrongValueCount(word: "b", expected: 2, found: 1))),
        ("3 2\na 1 2\nb 1 2 3\n", WordVectorsError(file: "F", line: 3, problem: .wrongValueCount(word: "b", expected: 2, found: 3))),
        ("3 2\na 1 2\nb 1 2\n", WordVectorsError(file: "F", line: 3, problem: .fewerWordsThanHeader(expected: 3, found: 2))),
        ("1 2\na 1 2\nb 1 2\n", WordVectorsError(file: "F", line: 3, problem: .moreWordsThanHeader(expected: 1))),
        ("2 2\na 1 2\nb nan 2\n", WordVectorsError(file: "F", line: 3, problem: .notFinite(word: "b", found: "nan"))),
        ("2 2\na 1 2\nb 1 1e39\n", WordVectorsError(file: "F", line: 3, problem: .notFinite(word: "b", found: "1e39"))),
        ("2 2\na 1 2\nb 1 x2\n", WordVectorsError(file: "F", line: 3, problem: .notANumber(word: "b", found: "x2"))),
        ("2 2\na 1 2\n 1 2\n", WordVectorsError(file: "F", line: 3, problem: .missingWord)),
        ("a 1 2\nb 1 2 3\n", WordVectorsError(file: "F", line: 2, problem: .wrongValueCount(word: "b", expected: 2, found: 3))),
        (" \n\n", WordVectorsError(file: "F", problem: .empty)),
    ])
    func malformedTextNamesTheLine(text: String, expected: WordVectorsError) throws {
        let files = try VectorFiles()
        let path = try files.write("F", text)
        var located = expected
        located.file = path
        #expect(throws: located) { try WordVectorsReader.read(path) }
    }

    @Test func malformedBinaryNamesTheByte() throws {
        let files = try VectorFiles()
        let rows: [(word: [UInt8], values: [Float])] = [(Array("ab".utf8), [1, 2]), (Array("cd".utf8), [3, 4])]
        let whole = binaryVectorFile(rows, newlines: false)  // "2 2\n" + "ab " + 8 + "cd " + 8 = 26 bytes
        let cases: [([UInt8], WordVectorsError.Problem, Int)] = [
            (Array(whole.prefix(20)), .truncated(index: 1, word: "cd", expected: 2), 20),
            (Array(whole.prefix(16)), .truncated(index: 1, word: nil, expected: 2), 16),
            (binaryVectorFile(rows, header: "3 2\n", newlines: true), .truncated(index: 2, word: nil, expected: 3), 28),
            (binaryVectorFile(rows, header: "1 2\n", newlines: true), .moreWordsThanHeader(expected: 1), 16),
            (binaryVectorFile([(Array("ab".utf8), [1, .nan])], newlines: false), .notFinite(word: "ab", found: "nan"), 11),
            (Array("1 2\n".utf8) + [UInt8](repeating: 0x01, count: 5000), .unterminatedWord(index: 0), 4),
        ]
        for (bytes, problem, offset) in cases {
            let path = try files.write("F.bin", bytes)
            #expect(throws: WordVectorsError(file: path, byteOffset: offset, problem: problem)) {
                try WordVectorsReader.read(path, format: .word2vecBinary)
            }
        }
    }

    @Test func forcedFormatsThatContradictTheFileAreRejected() throws {
        let files = try VectorFiles()
        let text = try files.write("v.txt", "2 2\na 1 2\nb 3 4\n")
        #expect(throws: WordVectorsError.self) { try WordVectorsReader.read(text, format: .glove) }
        let glove = try files.write("g.txt", "a 1 2\nb 3 4\n")
        #expect(throws: WordVectorsError.self) { try WordVectorsReader.read(glove, format: .word2vecBinary) }
        let binary = try files.write("b.bin", binaryVectorFile([(Array("ab".utf8), [1, 2])], newlines: true))
        #expect(throws: WordVectorsError.self) { try WordVectorsReader.read(binary, format: .word2vec) }
        #expect(throws: WordVectorsError(file: files.directory.path + "/none", problem: .unreadable(reason: "No such file or directory"))) {
            try WordVectorsReader.read(files.directory.path + "/none")
        }
    }

    @Test func latin1WordsAndDuplicatesAreReadAndReportedOnce() throws {
        let files = try VectorFiles()
        let bytes = Array("4 1\n".utf8) + Array("clich".utf8) + [0xE9, 0x73] + Array(" 1\n".utf8) + [0x97] + Array(" 2\nok 3\nok 4\n".utf8)
        let (vectors, report) = try WordVectorsReader.read(try files.write("cp1252.vec", bytes))
        #expect(vectors.words == ["clichés", "\u{97}", "ok"])
        #expect(vectors.vector(of: "ok") == [3], "the first of a repeated word is kept")
        #expect(report.latin1Words == 2 && report.duplicateWords == 1)
        #expect(report.notices.count == 2)
        #expect(report.notices[0].contains("2 words are not valid UTF-8") && report.notices[0].contains("line 2"), "\(report.notices)")
        #expect(report.notices[1].contains("line 5"), "\(report.notices)")
    }

    @Test func keepingAndLimitReadOnlyWhatIsAsked() throws {
        let files = try VectorFiles()
        // Row "junk" is malformed: skipped rows are not parsed, so it goes unnoticed.
        let path = try files.write("v.txt", "4 2\nthe 1 2\njunk 1\ncat 5 6\ndog 7 8\n")
        let (kept, report) = try WordVectorsReader.read(path, keeping: { $0 == "cat" || $0 == "the" })
        #expect(kept.words == ["the", "cat"] && kept.values == [1, 2, 5, 6])
        #expect(report.rowsRead == 4)
        let (first, _) = try WordVectorsReader.read(path, limit: 1)
        #expect(first.words == ["the"])
        #expect(throws: WordVectorsError.self) { try WordVectorsReader.read(path) }
    }

    @Test func wordsWithSpacesTakeAllButTheLastFields() throws {
        let files = try VectorFiles()
        let (vectors, _) = try WordVectorsReader.read(try files.write("g.txt", "a 1 2\n. . . 3 4\nat name@x.com 5 6\n"))
        #expect(vectors.words == ["a", ". . .", "at name@x.com"])
        #expect(vectors.values == [1, 2, 3, 4, 5, 6])
    }

    @Test func decimalsParseAsStrtofDoes() throws {
        let files = try VectorFiles()
        var generator = SystemRandomNumberGenerator()
        var texts: [String] = ["0", "-0.5", "1e-45", "3.4028235e38", "1.17549435e-38", "123456789012345678901234", "0.000000000000000000001",
                               "16777217", "1.000000059604644775390625", "1.00000005960464477539062", ".5", "5.", "1E+2", "-1.671300083398818970e-02"]
        for _ in 0..<3000 {
            let value = Float(bitPattern: UInt32.random(in: 0..<0x7F80_0000, using: &generator))
            texts.append(String(format: ["%.9g", "%.17e", "%.6f", "%.3g", "%.20g"][Int.random(in: 0..<5, using: &generator)], Double(value)))
        }
        let path = try files.write("g.txt", "w " + texts.joined(separator: " ") + "\n")
        let (vectors, _) = try WordVectorsReader.read(path)
        for (text, value) in zip(texts, vectors.values) {
            #expect(value.bitPattern == strtof(text, nil).bitPattern, "\(text)")
        }
    }
}

let sharedVectorFolder = "/work/shared/data/embeddings"

/// The real files in the shared data folder (skipped where it is absent).
@Suite(.enabled(if: FileManager.default.fileExists(atPath: sharedVectorFolder)))
struct SharedVectorFileTests {

    @Test(arguments: [
        ("glove.6B.100d.sample.txt", WordVectorFormat.glove, 100, 100, "the" as String?),
        ("glove.6B.300d.sample.txt", .glove, 100, 300, "the"),
        ("test_glove.txt", .glove, 76, 50, "the"),
        ("euclidean_vectors.bin", .word2vecBinary, 2747, 10, nil),
        ("EN.1-10.cbow1_wind5_hs0_neg10_size300_smpl1e-05.txt", .word2vec, 20, 300, "one"),
        ("lee_fasttext.vec", .fastText, 1762, 10, nil),
        ("pang_lee_polarity_fasttext.vec", .fastText, 1694, 100, nil),
    ])
    func readsEachFile(name: String, format: WordVectorFormat, count: Int, dimension: Int, first: String?) throws {
        let (vectors, report) = try WordVectorsReader.read(sharedVectorFolder + "/" + name)
        #expect(report.format == format)
        #expect(vectors.count == count && vectors.dimension == dimension)
        if let first { #expect(vectors.words.first == first) }
        #expect(report.latin1Words == (name.hasPrefix("pang") ? 5 : 0))
        #expect(report.notices.count == (name.hasPrefix("pang") ? 1 : 0), "\(report.notices)")
        #expect(vectors.values.allSatisfy { $0.isFinite })
    }
}

/// Files gensim wrote (scripts/make_gensim_vector_fixtures.py) read back with gensim's values:
///
///     WORDS = ["the", "naïve", "東京", "x"]
///     VALUES = np.array([[0.5, -1.25, 3.0], [1e-3, 250.0, -0.0], [7.0, 8.0, 9.0], [0.1, 1e-30, -3.4e38]], dtype=np.float32)
///     vectors.save_word2vec_format(..., binary=False) and (..., binary=True)
@Suite struct GensimVectorFileTests {
    @Test(arguments: [("gensim_vectors.txt", WordVectorFormat.word2vec), ("gensim_vectors.bin", .word2vecBinary)])
    func readsWhatGensimWrites(name: String, format: WordVectorFormat) throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/" + name).path
        let (vectors, report) = try WordVectorsReader.read(path)
        #expect(report.format == format && report.notices.isEmpty)
        #expect(vectors.words == ["the", "naïve", "東京", "x"])
        let expected: [Float] = [0.5, -1.25, 3.0, 1e-3, 250.0, -0.0, 7.0, 8.0, 9.0, 0.1, 1e-30, -3.4e38]
        #expect(vectors.values.map(\.bitPattern) == expected.map(\.bitPattern))
    }
}
