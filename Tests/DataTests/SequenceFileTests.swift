import RecurrentData
import Testing

/// The `.ts` reader and the labelled-sentence reader, on small files written here (modelled on
/// the UEA archive's headers) and on every malformed case the readers must name.
@Suite struct SequenceFileTests {
    static let multivariate = """
        # A description line.
        @problemName Tiny
        @timeStamps false
        @missing true
        @univariate false
        @dimensions 2
        @equalLength false
        @classLabel true up down
        @data
        1,2,3:10,20,30:up
        4,?:40,50:down\r
        """

    @Test func readsAMultivariateVariableLengthFileFrameByFrame() throws {
        let file = try TimeSeriesFile(string: Self.multivariate, fileName: "tiny.ts")
        #expect(file.problemName == "Tiny" && file.dimensions == 2 && file.classLabels == ["up", "down"] && !file.hasNumericTargets)
        #expect(file.cases.count == 2)
        #expect(file.cases[0].values == [1, 10, 2, 20, 3, 30] && file.cases[0].length == 3 && file.cases[0].target == "up")
        #expect(file.cases[1].length == 2 && file.cases[1].target == "down" && file.cases[1].line == 11)
        #expect(file.cases[1].values[0] == 4 && file.cases[1].values[1] == 40 && file.cases[1].values[2].isNaN && file.cases[1].values[3] == 50,
                "? is missing (NaN)")
    }

    @Test func readsUnivariateFilesNumericTargetsAndUnlabelledCases() throws {
        let univariate = try TimeSeriesFile(string: "@univariate true\n@classLabel true 1 2\n@data\n0.5,-1e-3,2:2\n", fileName: "u.ts")
        #expect(univariate.dimensions == 1 && univariate.cases[0].values == [0.5, -0.001, 2] && univariate.cases[0].target == "2")
        let regression = try TimeSeriesFile(string: "@targetLabel true\n@data\n1,2:3,4:0.25\n", fileName: "r.ts")
        #expect(regression.hasNumericTargets && regression.classLabels == nil && regression.cases[0].target == "0.25")
        let unlabelled = try TimeSeriesFile(string: "@classLabel false\n@data\n1,2:3,4\n", fileName: "p.ts")
        #expect(unlabelled.dimensions == 2 && unlabelled.cases[0].target == nil)
    }

    @Test("every malformed .ts file is an error naming its line and column", arguments: [
        ("@classLabel true a b\n@data\n1,2,x:a\n", "bad.ts:3:5: expected a number or ? in dimension 1, found \"x\""),
        ("@dimensions 2\n@classLabel true a b\n@data\n1,2:3,4:a\n1,2:a\n", "bad.ts:5: 1 dimension (fields between ':'), expected 2 as @dimensions says"),
        ("@classLabel true a b\n@data\n1,2:3,4:a\n1,2:3,4:5,6:b\n", "bad.ts:4: 3 dimensions (fields between ':'), expected 2 as in the first case"),
        ("@classLabel true a b\n@data\n1,2:3:a\n", "bad.ts:3:5: dimension 2 has 1 values but dimension 1 has 2"),
        ("@classLabel true a b\n@data\n1,2:c\n", "bad.ts:3:5: the class label \"c\" is not among those @classLabel declares (a, b)"),
        ("@equalLength true\n@seriesLength 3\n@classLabel true a\n@data\n1,2:a\n", "bad.ts:5: the case has 2 values per dimension, expected 3"),
        ("@classLabel true a\n@data\n1,,2:a\n", "bad.ts:3:3: an empty value in dimension 1"),
        ("@classLabel true a\n1,2:a\n", "bad.ts:2:1: a case before @data"),
        ("@classLabel true a\n@data\n1,2:a\n@dimensions 1\n", "bad.ts:4:1: a header line after @data"),
        ("@timeStamps true\n@data\n(0,1):a\n", "bad.ts:1:1: @timeStamps true is not supported"),
        ("@dimensions two\n@data\n", "bad.ts:1:13: expected a positive whole number after @dimensions"),
        ("@problemName x\n", "bad.ts: no @data line"),
        ("@data\n", "bad.ts: no cases after @data"),
        ("@classLabel true a\n@data\n1,2\n", "bad.ts:3: expected the dimensions and then a class label after the last ':'"),
        ("@classLabel true a b a\n@data\n", "bad.ts:1: @classLabel lists \"a\" twice"),
    ])
    func malformedTimeSeriesFiles(text: String, expected: String) {
        do {
            _ = try TimeSeriesFile(string: text, fileName: "bad.ts")
            Issue.record("accepted: \(text)")
        } catch {
            #expect("\(error)".hasPrefix(expected), "\(error)")
        }
    }

    @Test func readsLabelledSentencesAndTables() throws {
        let lines = try LabeledTextFile.parseLines("1 a fine film .\n\n0\tdull , dull\n", fileName: "s.txt")
        #expect(lines.entries.map(\.label) == ["1", "0"] && lines.entries.map(\.text) == ["a fine film .", "dull , dull"])
        #expect(lines.entries.map(\.line) == [1, 3])
        let plain = try LabeledTextFile.parseLines("a fine film .\n", labeled: false)
        #expect(plain.entries[0].label == nil && plain.entries[0].text == "a fine film .")
        let table = try DelimitedText(string: "id,review,stars\n1,\"good, really\",5\n2,bad,1\n", fileName: "r.csv")
        let reviews = try LabeledTextFile.table(table, textColumn: "review", labelColumn: "stars")
        #expect(reviews.entries.map(\.text) == ["good, really", "bad"] && reviews.entries.map(\.label) == ["5", "1"])
        #expect(reviews.entries[1].line == 3 && reviews.entries[1].labelColumn == 3)
    }

    @Test func malformedSentenceFilesNameTheLine() {
        #expect(throws: SequenceFileError(file: "s.txt", line: 2, column: 5, problem: "expected a label, a space and the text; found only \"lone\"")) {
            try LabeledTextFile.parseLines("1 fine\nlone\n", fileName: "s.txt")
        }
        #expect(throws: SequenceFileError(file: "s.txt", problem: "no examples: the file has only empty lines")) {
            try LabeledTextFile.parseLines("\n \n", fileName: "s.txt")
        }
        #expect(throws: DelimitedTextError.self) {
            try LabeledTextFile.table(DelimitedText(string: "text,label\nx,1\n"), textColumn: "review", labelColumn: "label")
        }
    }
}
