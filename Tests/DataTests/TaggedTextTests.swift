import Foundation
import RecurrentData
import Testing

/// The CoNLL-U, column and plain-text readers of the taggers.
@Suite struct TaggedTextTests {
    /// Two sentences: comments, a multiword range (3-4 for "don't"-style tokens) and an empty node.
    static let conllu = """
        # sent_id = 1
        # text = I don't know.
        1\tI\tI\tPRON\tPRP\t_\t3\tnsubj\t_\t_
        2-3\tdon't\t_\t_\t_\t_\t_\t_\t_\t_
        2\tdo\tdo\tAUX\tVBP\t_\t4\taux\t_\t_
        3\tn't\tnot\tPART\tRB\t_\t4\tadvmod\t_\t_
        4\tknow\tknow\tVERB\tVB\t_\t0\troot\t_\t_
        4.1\tknew\tknow\tVERB\tVBD\t_\t_\t_\t4:conj\t_
        5\t.\t.\tPUNCT\t.\t_\t4\tpunct\t_\t_

        # sent_id = 2
        1\tGo\tgo\tVERB\tVB\t_\t0\troot\t_\t_
        2\t!\t!\tPUNCT\t.\t_\t1\tpunct\t_\t_

        """

    func parse(_ text: String, format: TaggedTextFormat = .conllu, tagColumn: TagColumn? = nil, requireTags: Bool = true) throws -> TaggedCorpus {
        try TaggedCorpus.parse(Array(text.utf8), file: "f", format: format, tagColumn: tagColumn, requireTags: requireTags)
    }

    func expectError(_ text: String, format: TaggedTextFormat = .conllu, line: Int, column: Int?, _ problem: TaggedTextError.Problem,
                     sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(throws: TaggedTextError(file: "f", line: line, column: column, problem: problem), sourceLocation: sourceLocation) {
            try parse(text, format: format)
        }
    }

    @Test func conlluSkipsRangesEmptyNodesAndComments() throws {
        let corpus = try parse(Self.conllu)
        #expect(corpus.sentences.count == 2)
        #expect(corpus.sentences[0].words == ["I", "do", "n't", "know", "."])
        #expect(corpus.sentences[0].tags == ["PRON", "AUX", "PART", "VERB", "PUNCT"])
        #expect(corpus.sentences[0].lines == [3, 5, 6, 7, 9])
        #expect(corpus.sentences[0].tagColumns == [7, 9, 11, 13, 7], "the character column of the UPOS field")
        #expect(corpus.sentences[1].words == ["Go", "!"])
        let xpos = try parse(Self.conllu, tagColumn: .xpos)
        #expect(xpos.sentences[0].tags == ["PRP", "VBP", "RB", "VB", "."])
        let deprel = try parse(Self.conllu, tagColumn: .number(8))
        #expect(deprel.sentences[1].tags == ["root", "punct"])
        #expect(corpus.tokenCount == 7)
    }

    @Test func conlluWithoutFinalBlankLineAndWithCRLF() throws {
        let text = Self.conllu.trimmingCharacters(in: .newlines).replacingOccurrences(of: "\n", with: "\r\n")
        let corpus = try parse(text)
        #expect(corpus.sentences.map(\.words) == [["I", "do", "n't", "know", "."], ["Go", "!"]])
    }

    @Test func conlluMalformedLinesNameLineAndColumn() {
        expectError("1\tI\tI\tPRON\n", line: 1, column: 11, .tooFewColumns(expected: 10, found: 4, format: "CoNLL-U, tab-separated"))
        expectError("1\ta\tb\tc\td\te\tf\tg\th\ti\tj\n", line: 1, column: 21, .tooManyColumns(found: 11))
        let row = "\tw\tw\tX\tX\t_\t0\troot\t_\t_"
        expectError("1" + row + "\n3-4" + row + "\n2" + row + "\n", line: 2, column: 1, .rangeOutOfPlace(found: "3-4", nextWord: 2))
        expectError("1" + row + "\n2-2" + row + "\n", line: 2, column: 1, .rangeOutOfPlace(found: "2-2", nextWord: 2))
        expectError("1" + row + "\n3" + row + "\n", line: 2, column: 1, .wordOutOfSequence(found: 3, expected: 2))
        expectError("x" + row + "\n", line: 1, column: 1, .invalidID(found: "x"))
        expectError("1\t\tw\tX\tX\t_\t0\troot\t_\t_\n", line: 1, column: 3, .emptyField(what: "a word form (column 2)"))
        // A lone continuation byte on line 2, after "1\tab": column 5.
        var bytes = Array(("1" + row + "\n").utf8) + Array("1\tab".utf8) + [0x80] + Array("\n".utf8)
        #expect(throws: TaggedTextError(file: "f", line: 2, column: 5, problem: .invalidUTF8(byteOffset: bytes.count - 2))) {
            try TaggedCorpus.parse(bytes, file: "f", format: .conllu)
        }
        bytes = Array("1\ta\u{0}".utf8)
        #expect(throws: TaggedTextError(file: "f", line: 1, column: 4, problem: .binary(byteOffset: 3))) {
            try TaggedCorpus.parse(bytes, file: "f", format: .conllu)
        }
    }

    @Test func columnFilesTakeTheLastColumnByDefault() throws {
        let text = "-DOCSTART- -X- O\n\nHe PRP B-NP\nruns VBZ B-VP\n\n\nHello UH O\n"
        let corpus = try parse(text, format: .columns)
        #expect(corpus.sentences.map(\.words) == [["He", "runs"], ["Hello"]])
        #expect(corpus.sentences.map(\.tags) == [["B-NP", "B-VP"], ["O"]])
        #expect(corpus.sentences[0].lines == [3, 4])
        #expect(corpus.sentences[0].tagColumns == [8, 10])
        let pos = try parse(text, format: .columns, tagColumn: .number(2))
        #expect(pos.sentences[0].tags == ["PRP", "VBZ"])
        expectError("He PRP\nruns\n", format: .columns, line: 2, column: 5,
                    .tooFewColumns(expected: 2, found: 1, format: "a word and a tag, separated by whitespace"))
        #expect(throws: TaggedTextError(file: "f", line: 1, column: 7, problem: .tooFewColumns(expected: 3, found: 2, format: "the word and the tag in column 3"))) {
            try parse("He PRP\n", format: .columns, tagColumn: .number(3))
        }
        let untagged = try parse("He\nruns\n", format: .columns, requireTags: false)
        #expect(untagged.sentences[0].words == ["He", "runs"] && untagged.sentences[0].tags.isEmpty)
    }

    @Test func plainTextIsOneSentencePerLine() throws {
        let corpus = try parse("The dog  barks .\n\n\tA cat\n", format: .text)
        #expect(corpus.sentences.map(\.words) == [["The", "dog", "barks", "."], ["A", "cat"]])
        #expect(corpus.sentences[1].lines == [3, 3])
    }

    @Test func conlluDocumentGetsTagsWrittenBack() throws {
        let (corpus, document) = try TaggedCorpus.readCoNLLU(Array(Self.conllu.utf8), file: "f")
        let tags = corpus.sentences.map { Array(repeating: "X", count: $0.count) }
        let text = try document.filling(column: 4, with: tags)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == "# sent_id = 1")
        #expect(lines[2] == "1\tI\tI\tX\tPRP\t_\t3\tnsubj\t_\t_")
        #expect(lines[3] == "2-3\tdon't\t_\t_\t_\t_\t_\t_\t_\t_", "ranges are kept as they were")
        #expect(lines[7] == "4.1\tknew\tknow\tVERB\tVBD\t_\t_\t_\t4:conj\t_", "empty nodes are kept as they were")
        #expect(try parse(text).sentences.map(\.tags) == tags)
        #expect(throws: TaggedTextError.self) { try document.filling(column: 4, with: [["X"]]) }
    }

    @Test func tagColumnsAndSymbolTables() {
        #expect(TagColumn("UPOS") == .upos && TagColumn("xpos") == .xpos && TagColumn("3") == .number(3))
        #expect(TagColumn("0") == nil && TagColumn("pos") == nil)
        var table = SymbolTable()
        #expect(table.add("NOUN") == 0 && table.add("VERB") == 1 && table.add("NOUN") == 0)
        #expect(table.index(of: "VERB") == 1 && table.index(of: "ADJ") == nil && table.symbols == ["NOUN", "VERB"])
    }
}
