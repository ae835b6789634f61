/// Sentences with labels (or numeric targets), one example per line:
///
/// - `label<space>sentence` lines (``readLines(_:labeled:)``), as the SST files are: the label is
///   everything before the first space or tab;
/// - or a CSV/TSV file with a header, the text and the label in columns chosen by name
///   (``readTable(_:textColumn:labelColumn:)``).
///
/// Empty lines are skipped. A line with a label and no sentence, or a missing column, is a
/// ``SequenceFileError`` (or a ``DelimitedTextError`` for the table's own syntax) naming the line.
public struct LabeledTextFile: Sendable {
    public struct Entry: Equatable, Sendable {
        public var text: String
        /// The label's text (nil for unlabelled input).
        public var label: String?
        /// Where the entry starts, and the column of its label (character position for lines,
        /// field position for tables), for error messages.
        public var line: Int
        public var labelColumn: Int
    }

    public let fileName: String
    public let entries: [Entry]

    public init(fileName: String, entries: [Entry]) {
        self.fileName = fileName
        self.entries = entries
    }

    /// Reads `label<space>sentence` lines, or with `labeled: false` one sentence per line.
    public static func readLines(_ path: String, labeled: Bool = true) throws -> LabeledTextFile {
        try parseLines(TextFile.read(path), fileName: path, labeled: labeled)
    }

    /// Parses `label<space>sentence` lines (or plain sentences); `fileName` names the text in messages.
    public static func parseLines(_ text: String, fileName: String = "<text>", labeled: Bool = true) throws -> LabeledTextFile {
        var entries: [Entry] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmed(of: " \t\r")
            guard !line.isEmpty else { continue }
            guard labeled else {
                entries.append(Entry(text: String(line), label: nil, line: index + 1, labelColumn: 0))
                continue
            }
            guard let space = line.firstIndex(where: { $0 == " " || $0 == "\t" }) else {
                throw SequenceFileError(file: fileName, line: index + 1, column: line.count + 1,
                                        problem: "expected a label, a space and the text; found only \(quotedForMessage(String(line)))")
            }
            let sentence = line[space...].trimmed(of: " \t")
            entries.append(Entry(text: String(sentence), label: String(line[..<space]), line: index + 1, labelColumn: 1))
        }
        guard !entries.isEmpty else { throw SequenceFileError(file: fileName, problem: "no examples: the file has only empty lines") }
        return LabeledTextFile(fileName: fileName, entries: entries)
    }

    /// Reads the text and label columns of a CSV (or, for `.tsv` and `.tab`, TSV) file; without a
    /// label column the entries are unlabelled.
    public static func readTable(_ path: String, textColumn: String, labelColumn: String?) throws -> LabeledTextFile {
        try table(DelimitedText(contentsOfFile: path), textColumn: textColumn, labelColumn: labelColumn)
    }

    /// The entries of a parsed table.
    public static func table(_ table: DelimitedText, textColumn: String, labelColumn: String?) throws -> LabeledTextFile {
        let text = try table.columnIndex(named: textColumn)
        let label = try labelColumn.map { try table.columnIndex(named: $0) }
        let entries = table.records.map { record in
            Entry(text: record.fields[text], label: label.map { record.fields[$0] }, line: record.line, labelColumn: (label ?? 0) + 1)
        }
        guard !entries.isEmpty else { throw SequenceFileError(file: table.fileName, problem: "no data rows after the header") }
        return LabeledTextFile(fileName: table.fileName, entries: entries)
    }
}
