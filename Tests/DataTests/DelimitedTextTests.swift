import Foundation
import RecurrentTestSupport
import RecurrentData
import RecurrentTensor
import Testing

@Suite struct DelimitedTextTests {
    // MARK: - Syntax

    @Test func parsesHeaderAndRecordsWithTheirLines() throws {
        let table = try DelimitedText(string: "name,age\nada,36\n\nalan,41\n", fileName: "people.csv")
        #expect(table.header == ["name", "age"])
        #expect(table.headerLine == 1)
        #expect(table.records == [.init(fields: ["ada", "36"], line: 2), .init(fields: ["alan", "41"], line: 4)])
    }

    @Test func quotedFields() throws {
        let text = #"""
            a,b,c
            "x, with comma","say ""hi""",""
            "multi
            line",plain,"tail"
            "","",
            """#
        let table = try DelimitedText(string: text)
        #expect(table.records.map(\.fields) == [
            ["x, with comma", "say \"hi\"", ""],
            ["multi\nline", "plain", "tail"],
            ["", "", ""],
        ])
        #expect(table.records.map(\.line) == [2, 3, 5])
    }

    @Test func emptyFieldsAndTrailingDelimiters() throws {
        let table = try DelimitedText(string: "a,b,c\n,,\n1,,\n,,3")
        #expect(table.records.map(\.fields) == [["", "", ""], ["1", "", ""], ["", "", "3"]])
    }

    @Test func bareQuoteInsideAnUnquotedFieldIsText() throws {
        let table = try DelimitedText(string: "height\n5'3\"\n")
        #expect(table.records.map(\.fields) == [["5'3\""]])
    }

    @Test func lineEndingsCRLFAndCR() throws {
        let crlf = try DelimitedText(string: "a,b\r\n1,\"x\r\ny\"\r\n2,3\r\n")
        #expect(crlf.records.map(\.fields) == [["1", "x\r\ny"], ["2", "3"]])
        #expect(crlf.records.map(\.line) == [2, 4])
        let cr = try DelimitedText(string: "a,b\r1,2\r3,4")
        #expect(cr.records.map(\.fields) == [["1", "2"], ["3", "4"]])
        #expect(cr.records.map(\.line) == [2, 3])
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let table = try DelimitedText(data: Data([0xEF, 0xBB, 0xBF]) + Data("name,x\nü,1\n".utf8))
        #expect(table.header == ["name", "x"])
        #expect(table.records.map(\.fields) == [["ü", "1"]])
    }

    @Test func headerOnlyFileHasNoRecords() throws {
        let table = try DelimitedText(string: "a,b")
        #expect(table.header == ["a", "b"] && table.records.isEmpty)
    }

    @Test func tabSeparated() throws {
        let text = "word\ttag\nHello, world\tX\n\"quoted\ttab\"\tY\n"
        let table = try DelimitedText(string: text, format: .tsv)
        #expect(table.records.map(\.fields) == [["Hello, world", "X"], ["quoted\ttab", "Y"]])

        let unquoted = try #require(DelimitedTextFormat(delimiter: "\t", quoting: false))
        let tokens = try DelimitedText(string: "token\ttag\n\"\tPUNCT\n", format: unquoted)
        #expect(tokens.records.map(\.fields) == [["\"", "PUNCT"]])
    }

    @Test func formatFollowsTheFileExtension() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for name in ["data.tsv", "data.TAB", "data.csv", "data.txt"] {
            let path = directory.appendingPathComponent(name).path
            try writeAtomically(Data("a\tb,c\n1\t2,3\n".utf8), to: path)
            let table = try DelimitedText(contentsOfFile: path)
            let isTabular = name.lowercased().hasSuffix(".tsv") || name.lowercased().hasSuffix(".tab")
            #expect(table.header == (isTabular ? ["a", "b,c"] : ["a\tb", "c"]), "\(name)")
            #expect(table.fileName == path)
        }
    }

    @Test func customDelimiters() throws {
        let semicolon = try #require(DelimitedTextFormat(delimiter: ";"))
        #expect(try DelimitedText(string: "a;b\n1,5;2\n", format: semicolon).records[0].fields == ["1,5", "2"])
        #expect(DelimitedTextFormat(delimiter: "\"") == nil)
        #expect(DelimitedTextFormat(delimiter: "\n") == nil)
        #expect(DelimitedTextFormat(delimiter: "é") == nil)
    }

    // MARK: - Syntax errors

    @Test func emptyFile() throws {
        #expect(throws: DelimitedTextError(file: "e.csv", problem: .emptyFile)) { try DelimitedText(data: Data(), fileName: "e.csv") }
        #expect(throws: DelimitedTextError(file: "e.csv", problem: .emptyFile)) {
            try DelimitedText(data: Data([0xEF, 0xBB, 0xBF]), fileName: "e.csv")
        }
    }

    @Test func noHeader() throws {
        let error = try #require(throws: DelimitedTextError.self) { try DelimitedText(string: "\n\r\n\n", fileName: "blank.csv") }
        #expect(error == DelimitedTextError(file: "blank.csv", problem: .noHeader))
        #expect(error.description == "blank.csv: expected a header row, found only empty lines")
    }

    @Test func raggedRow() throws {
        let error = try #require(throws: DelimitedTextError.self) {
            try DelimitedText(string: "a,b,c\n1,2,3\n\"x\ny\",2\n", fileName: "data.csv")
        }
        #expect(error == DelimitedTextError(file: "data.csv", line: 3, problem: .raggedRow(expected: 3, found: 2)))
        #expect(error.description == "data.csv:3: expected 3 fields as in the header, found 2")
    }

    @Test func unterminatedQuoteReportsWhereItOpened() throws {
        let error = try #require(throws: DelimitedTextError.self) {
            try DelimitedText(string: "a,b\n1,2\nü,\"never closed\n3,4\n", fileName: "data.csv")
        }
        #expect(error == DelimitedTextError(file: "data.csv", line: 3, column: 3, problem: .unterminatedQuote))
        #expect(error.description == "data.csv:3:3: the quoted field starting here is never closed")
    }

    @Test func textAfterClosingQuote() throws {
        let error = try #require(throws: DelimitedTextError.self) {
            try DelimitedText(string: "a,b\n\"x\"y,2\n", fileName: "data.csv")
        }
        #expect(error == DelimitedTextError(file: "data.csv", line: 2, column: 4, problem: .textAfterClosingQuote(found: "y", delimiter: "','")))
        #expect(error.description == #"data.csv:2:4: expected ',' or the end of the line after a closing quote, found "y""#)
    }

    @Test func invalidUTF8() throws {
        let bytes = Data("a,b\nok,fine\nbad,".utf8) + Data([0xC3, 0x28]) + Data("\n".utf8)
        let error = try #require(throws: DelimitedTextError.self) { try DelimitedText(data: bytes, fileName: "data.csv") }
        #expect(error == DelimitedTextError(file: "data.csv", line: 3, column: 5, problem: .invalidUTF8(byteOffset: 16)))
        #expect(error.description == "data.csv:3:5: the text is not valid UTF-8 (first bad byte at offset 16)")
    }

    @Test func unreadableFile() throws {
        #expect(throws: DelimitedTextError(file: "/nonexistent/x.csv", problem: .unreadable(reason: "No such file or directory"))) {
            try DelimitedText(contentsOfFile: "/nonexistent/x.csv")
        }
    }

    // MARK: - Columns

    static let people = """
        name,age,height
        ada,36, 1.65
        alan,41,1.78
        """

    @Test func columnsByName() throws {
        let table = try DelimitedText(string: Self.people, fileName: "people.csv")
        #expect(try table.columnIndex(named: "age") == 1)
        #expect(try table.strings(inColumn: "name") == ["ada", "alan"])
        #expect(try table.floats(inColumn: "height") == [1.65, 1.78])
        let tensor = try table.floatTensor(columns: ["height", "age"])
        #expect(tensor.shape == [2, 2])
        #expect(tensor.scalars == [1.65, 36, 1.78, 41])
    }

    @Test func missingColumnListsTheAvailableOnes() throws {
        let table = try DelimitedText(string: Self.people, fileName: "people.csv")
        let error = try #require(throws: DelimitedTextError.self) { try table.floats(inColumn: "weight") }
        #expect(error.problem == .missingColumn(name: "weight", available: ["name", "age", "height"]))
        #expect(error.description == #"people.csv:1: no column named "weight"; the columns are "name", "age", "height""#)
    }

    @Test func ambiguousColumn() throws {
        let table = try DelimitedText(string: "x,y,x\n1,2,3\n", fileName: "dup.csv")
        #expect(throws: DelimitedTextError(file: "dup.csv", line: 1, problem: .ambiguousColumn(name: "x", columns: [1, 3]))) {
            try table.columnIndex(named: "x")
        }
        #expect(try table.floats(inColumn: "y") == [2])
    }

    @Test(arguments: [
        ("abc", DelimitedTextError.Problem.notANumber(column: "age", found: "abc"), #"expected a number in column "age", found "abc""#),
        ("1.5.2", .notANumber(column: "age", found: "1.5.2"), #"expected a number in column "age", found "1.5.2""#),
        ("1,5", .notANumber(column: "age", found: "1,5"), #"expected a number in column "age", found "1,5""#),
        ("", .emptyCell(column: "age"), #"expected a number in column "age", found an empty cell"#),
        ("  ", .emptyCell(column: "age"), #"expected a number in column "age", found an empty cell"#),
        ("NaN", .notFinite(column: "age", found: "NaN"), #"expected a finite number in column "age", found "NaN""#),
        ("-inf", .notFinite(column: "age", found: "-inf"), #"expected a finite number in column "age", found "-inf""#),
        ("1e39", .notFinite(column: "age", found: "1e39"), #"expected a finite number in column "age", found "1e39""#),
    ])
    func badNumbers(cell: String, problem: DelimitedTextError.Problem, message: String) throws {
        var lines = Array(repeating: "x,1,2", count: 16)
        lines.append("x,1,\"\(cell)\"")
        let table = try DelimitedText(string: "name,height,age\n" + lines.joined(separator: "\n"), fileName: "data.csv")
        let error = try #require(throws: DelimitedTextError.self) { try table.floats(inColumn: "age") }
        #expect(error == DelimitedTextError(file: "data.csv", line: 18, column: 3, problem: problem))
        #expect(error.description == "data.csv:18:3: " + message)
    }

    @Test func numbersMayHaveSpacesAndSigns() throws {
        let table = try DelimitedText(string: "v\n +7 \n-0.5\n2e-3\n\t3\t\n")
        #expect(try table.floats(inColumn: "v") == [7, -0.5, 2e-3, 3])
    }

    // MARK: - Scale

    /// A larger file parses correctly: every record and line number accounted for.
    @Test func manyRecords() throws {
        var text = "id,text,value\n"
        for index in 0..<20_000 {
            text += index % 3 == 0 ? "\(index),\"quoted, \"\"text\"\"\nline\",\(index).5\n" : "\(index),plain,\(index).5\r\n"
        }
        let table = try DelimitedText(string: text)
        #expect(table.records.count == 20_000)
        let values = try table.floats(inColumn: "value")
        #expect(values.enumerated().allSatisfy { $0.element == Float($0.offset) + 0.5 })
        #expect(table.records[3].line == 2 + 3 + 1)  // record 0 spans two lines
        #expect(table.records[3].fields[1] == "quoted, \"text\"\nline")
    }
}
