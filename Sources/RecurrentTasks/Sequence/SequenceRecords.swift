import Foundation
import RecurrentData

/// The file formats whole-sequence tasks read.
public enum SequenceDataFormat: String, Codable, Sendable, CaseIterable {
    /// `label<space>sentence` lines (SST).
    case text
    /// One unlabelled sentence per line (for `predict` and `embed`).
    case lines
    /// CSV (TSV for `.tsv`/`.tab`) with a text column and a label column chosen by name.
    case csv
    /// The sktime/UEA `.ts` time-series format.
    case ts

    /// The format of the file at `path`: `.ts` and files whose first line that is not a `#`
    /// comment starts with `@` are `.ts`; `.csv`, `.tsv` and `.tab` are tables; anything else is
    /// labelled text lines.
    public static func detect(_ path: String) -> SequenceDataFormat {
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "ts": return .ts
        case "csv", "tsv", "tab": return .csv
        default: break
        }
        guard let text = try? TextFile.read(path) else { return .text }  // reading again reports the problem
        let first = text.split(separator: "\n").first { line in
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            return !trimmed.isEmpty && !trimmed.hasPrefix("#")
        }
        return first?.drop { $0 == " " || $0 == "\t" }.hasPrefix("@") == true ? .ts : .text
    }
}

/// Where a task reads its examples: the format and, for tables, the columns.
public struct SequenceDataLayout: Codable, Equatable, Sendable {
    public var format: SequenceDataFormat
    /// Tables: the text column, and the label columns (several for a regression with several
    /// outputs).
    public var textColumn: String?
    public var labelColumns: [String]

    public init(format: SequenceDataFormat, textColumn: String? = nil, labelColumns: [String] = []) {
        self.format = format
        self.textColumn = textColumn
        self.labelColumns = labelColumns
    }
}

/// The examples of a file as read, before any encoding: sentences or series, and each one's
/// target text (a class label, or numbers) with where it is, for messages.
public struct SequenceRecords: Sendable {
    public enum Inputs: Sendable {
        /// Sentences.
        case texts([String])
        /// Series, frame after frame (`values[t · dimensions + d]`; NaN where missing).
        case series([[Float]], dimensions: Int)
    }

    public let fileName: String
    public var inputs: Inputs
    /// Each example's target text (nil when the file has none); for several label columns the
    /// values joined with commas.
    public var targets: [String?]
    /// Each example's line, and its target's column, for error messages.
    public var lines: [Int]
    public var targetColumns: [Int]
    /// The class labels a `.ts` header declares, in its order.
    public var declaredLabels: [String]?

    public var count: Int { lines.count }

    /// Reads a file in `layout`'s format; with `labeled: false`, text lines are plain sentences
    /// and a table needs no label column.
    public static func read(_ path: String, layout: SequenceDataLayout, labeled: Bool = true) throws -> SequenceRecords {
        switch layout.format {
        case .text, .lines:
            let file = try LabeledTextFile.readLines(path, labeled: layout.format == .text && labeled)
            return SequenceRecords(texts: file)
        case .csv:
            guard let textColumn = layout.textColumn else {
                throw SequenceFileError(file: path, problem: "a CSV or TSV file needs --text-column (and --label-column) to name its columns")
            }
            let table = try DelimitedText(contentsOfFile: path)
            if labeled && layout.labelColumns.isEmpty {
                throw SequenceFileError(file: path, problem: "a CSV or TSV file needs --label-column to name the column to predict")
            }
            let labelColumns = labeled ? try layout.labelColumns.map { try table.columnIndex(named: $0) } : []
            let file = try LabeledTextFile.table(table, textColumn: textColumn, labelColumn: nil)
            var records = SequenceRecords(texts: file)
            if !labelColumns.isEmpty {
                records.targets = table.records.map { record in labelColumns.map { record.fields[$0] }.joined(separator: ",") }
                records.targetColumns = table.records.map { _ in labelColumns[0] + 1 }
            }
            return records
        case .ts:
            let file = try TimeSeriesFile(contentsOfFile: path)
            return SequenceRecords(fileName: path, inputs: .series(file.cases.map(\.values), dimensions: file.dimensions),
                                   targets: file.cases.map { labeled ? $0.target : nil }, lines: file.cases.map(\.line),
                                   targetColumns: file.cases.map(\.targetColumn), declaredLabels: file.classLabels.flatMap { $0.isEmpty ? nil : $0 })
        }
    }

    private init(texts file: LabeledTextFile) {
        self.init(fileName: file.fileName, inputs: .texts(file.entries.map(\.text)), targets: file.entries.map(\.label),
                  lines: file.entries.map(\.line), targetColumns: file.entries.map(\.labelColumn), declaredLabels: nil)
    }

    public init(fileName: String, inputs: Inputs, targets: [String?], lines: [Int], targetColumns: [Int], declaredLabels: [String]? = nil) {
        self.fileName = fileName
        self.inputs = inputs
        self.targets = targets
        self.lines = lines
        self.targetColumns = targetColumns
        self.declaredLabels = declaredLabels
    }

    /// An error about example `index`, at its target's column when `atTarget`.
    public func failure(_ index: Int, atTarget: Bool = false, _ problem: String) -> SequenceFileError {
        SequenceFileError(file: fileName, line: lines[index], column: atTarget ? targetColumns[index] : nil, problem: problem)
    }
}
