import Foundation
import RecurrentData
import Testing

@Suite struct TextTests {
    @Test func characterVocabularyIsSortedByCodePoint() throws {
        let vocabulary = try Vocabulary.build(from: "banana é\n", level: .char)
        #expect(vocabulary.tokens == ["\n", " ", "a", "b", "n", "é"])
        #expect(try vocabulary.encode("ban") == [3, 2, 4])
        #expect(vocabulary.decode([3, 2, 4]) == "ban")
        // A character is a Unicode scalar: "é" written as e + combining accent is two tokens.
        let decomposed = try Vocabulary.build(from: "e\u{301}", level: .char)
        #expect(decomposed.count == 2)
    }

    @Test func wordsAreSplitAsPyTorchsExampleDoes() throws {
        var words: [String] = []
        Tokenizer.forEachWord(in: "the cat\n\n  sat  on\tthe mat\nend") { words.append($0) }
        #expect(words == ["the", "cat", "<eos>", "<eos>", "sat", "on", "the", "mat", "<eos>", "end", "<eos>"])
        words = []
        Tokenizer.forEachWord(in: "a b\n") { words.append($0) }
        #expect(words == ["a", "b", "<eos>"])
        let vocabulary = try Vocabulary.build(from: "the cat\nthe dog\n", level: .word)
        #expect(vocabulary.tokens == ["the", "cat", "<eos>", "dog"])
        #expect(try vocabulary.encode("the dog\n") == [0, 3, 2])
        #expect(vocabulary.decode([0, 3, 2, 0, 1]) == "the dog\nthe cat")
    }

    @Test func wordVocabularyCapsAndUnknowns() throws {
        let text = "a a a b b c d\n"
        let capped = try Vocabulary.build(from: text, level: .word, maximumSize: 3)
        #expect(capped.tokens == ["a", "<eos>", "<unk>"], "<eos> is always kept")
        #expect(try capped.encode("a z\n") == [0, 2, 1])
        let frequent = try Vocabulary.build(from: text, level: .word, minimumCount: 2)
        #expect(frequent.tokens == ["a", "b", "<eos>", "<unk>"])
        let complete = try Vocabulary.build(from: "x y\n", level: .word)
        #expect(throws: VocabularyError.unknownToken("z", file: "f.txt", line: 2)) { try complete.encode("x\nz\n", file: "f.txt") }
    }

    @Test func vocabularyJSONIsTheInterchangeFormat() throws {
        let vocabulary = try Vocabulary(level: .word, tokens: ["<unk>", "a", "<eos>"])
        let json = try JSONEncoder().encode(vocabulary)
        let object = try #require(JSONSerialization.jsonObject(with: json) as? [String: Any])
        #expect(object["level"] as? String == "word")
        #expect(object["tokens"] as? [String] == ["<unk>", "a", "<eos>"])
        #expect(try JSONDecoder().decode(Vocabulary.self, from: json) == vocabulary)
        #expect(throws: (any Error).self) { try JSONDecoder().decode(Vocabulary.self, from: Data(#"{"level":"char","tokens":["a","a"]}"#.utf8)) }
        #expect(throws: (any Error).self) { try JSONDecoder().decode(Vocabulary.self, from: Data(#"{"level":"char","tokens":["ab"]}"#.utf8)) }
        #expect(throws: (any Error).self) { try JSONDecoder().decode(Vocabulary.self, from: Data(#"{"level":"byte","tokens":["a"]}"#.utf8)) }
    }

    @Test func textFilesAreValidatedWithTheirLocation() {
        #expect(throws: TextFileError(file: "t.txt", problem: .empty)) { try TextFile.decode([], file: "t.txt") }
        #expect(throws: TextFileError(file: "t.txt", line: 2, column: 2, problem: .binary(byteOffset: 4))) {
            try TextFile.decode(Array("ab\nc\0d".utf8), file: "t.txt")
        }
        #expect(throws: TextFileError(file: "t.txt", line: 1, column: 3, problem: .invalidUTF8(byteOffset: 2))) {
            try TextFile.decode([0x61, 0x62, 0xFF, 0x63], file: "t.txt")
        }
        #expect((try? TextFile.decode(Array("a\r\nb\rc".utf8), file: "t")) == "a\nb\nc")
        #expect(throws: TextFileError.self) { try TextFile.read("/nonexistent/file.txt") }
    }

    @Test func tokenStreamsFollowBatchifyAndGetBatch() {
        // 0...10 in 2 streams of 5 (10 is dropped): [0 1 2 3 4] and [5 6 7 8 9].
        let streams = TokenStreams(tokens: Array(0...10), batch: 2, window: 3)
        #expect(streams.length == 5)
        #expect(streams.windowCount == 2)
        #expect(streams.predictedTokens == 8)
        let first = streams.window(0)
        #expect(first.time == 3)
        #expect(first.inputs == [0, 5, 1, 6, 2, 7])   // time-major
        #expect(first.targets == [1, 6, 2, 7, 3, 8])
        let second = streams.window(1)
        #expect(second.time == 1)
        #expect(second.inputs == [3, 8])
        #expect(second.targets == [4, 9])
    }
}
