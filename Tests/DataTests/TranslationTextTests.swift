import Foundation
import RecurrentData
import Testing

@Suite struct TranslationTextTests {
    let tokenizer = TranslationTokenizer()

    @Test func punctuationIsSplitOffAndApostrophesStayInWords() {
        #expect(tokenizer.tokens("Two young, White males are outside near many bushes.")
                == ["Two", "young", ",", "White", "males", "are", "outside", "near", "many", "bushes", "."])
        #expect(tokenizer.tokens("A man's T-shirt doesn't fit (it's 3.5 sizes, 1,000 yen)!")
                == ["A", "man's", "T-shirt", "doesn't", "fit", "(", "it's", "3.5", "sizes", ",", "1,000", "yen", ")", "!"])
        #expect(tokenizer.tokens("Ein Mann „Zitat“ - ein Kind: o’clock 'quoted'")
                == ["Ein", "Mann", "„", "Zitat", "“", "-", "ein", "Kind", ":", "o’clock", "'", "quoted", "'"])
        #expect(tokenizer.tokens("end. 5.") == ["end", ".", "5", "."], "a period after a number at the end is punctuation")
        #expect(tokenizer.tokens("  \t ") == [])
        #expect(tokenizer.tokens("naïve café e\u{301}") == ["naïve", "café", "e\u{301}"], "combining marks stay in words")
        #expect(TranslationTokenizer(lowercases: true).tokens("Zwei MÄNNER, ÉCOLE.") == ["zwei", "männer", ",", "école", "."])
    }

    @Test func detokenizationReversesTokenization() {
        let lines = [
            "Two young, White males are outside near many bushes.",
            "A man in a blue shirt (and a hat) says \"hello\" to a dog!",
            "Ein Mann sagt „Hallo“ zu einem Hund: 50% der Leute sind da.",
            "A 3.5-year-old child's toy costs $20 and/or more?",
            "Where are the 'dogs' going; nobody knows...",
            "¿Qué? ¡Sí!",
        ]
        for line in lines {
            #expect(TranslationTokenizer.detokenize(tokenizer.tokens(line)) == line)
        }
        #expect(TranslationTokenizer.detokenize(["a", "-", "b", "“", "c", "”"]) == "a - b “c”")
        #expect(TranslationTokenizer.detokenize([]) == "")
    }

    @Test func parallelFilesMustLineUp() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("parallel-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func write(_ name: String, _ bytes: [UInt8]) throws -> String {
            let path = folder.appendingPathComponent(name).path
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            return path
        }
        let source = try write("s.txt", Array("ein\nzwei\ndrei".utf8)), target = try write("t.txt", Array("one\ntwo\nthree\n".utf8))
        let text = try ParallelText.read(source: source, target: target)
        #expect(text.sourceLines == ["ein", "zwei", "drei"] && text.targetLines == ["one", "two", "three"])

        let short = try write("short.txt", Array("one\ntwo\n".utf8))
        #expect(throws: ParallelTextError(file: short, line: 3,
                                          problem: "\(short) has 2 lines but \(source) has 3; parallel files must have one line per sentence pair")) {
            try ParallelText.read(source: source, target: short)
        }
        let empty = try write("empty.txt", [])
        #expect(throws: TextFileError(file: empty, problem: .empty)) { try ParallelText.read(source: empty, target: target) }
        let invalid = try write("bad.txt", Array("one\ntw".utf8) + [0xC3, 0x28] + Array("\nthree\n".utf8))
        #expect(throws: TextFileError(file: invalid, line: 2, column: 3, problem: .invalidUTF8(byteOffset: 6))) {
            try ParallelText.read(source: source, target: invalid)
        }
    }

    @Test func sentenceVocabularyPutsSpecialsFirstThenFrequentWords() throws {
        let sentences = [["a", "b", "a"], ["c", "b", "a"], ["d"]]
        let vocabulary = try Vocabulary.build(sentences: sentences, minimumCount: 1)
        #expect(vocabulary.tokens == ["<pad>", "<unk>", "<s>", "</s>", "a", "b", "c", "d"])
        let frequent = try Vocabulary.build(sentences: sentences, minimumCount: 2)
        #expect(frequent.tokens == ["<pad>", "<unk>", "<s>", "</s>", "a", "b"])
        #expect(frequent.indices(of: ["b", "zzz", "a"]) == [5, 1, 4])
        #expect(try Vocabulary.build(sentences: sentences, maximumSize: 5).tokens == ["<pad>", "<unk>", "<s>", "</s>", "a"])
    }
}
