import Foundation
import RecurrentData

/// Columns of a time series read from a CSV (or TSV) file with a header, one row per time step
/// in order, such as
///
///     "Month","Passengers"
///     "1949-01",112
///
/// The value columns are chosen by name; a cell that is not a number is an error naming the file,
/// line and column. The seasonal period the dates suggest (12 for `YYYY-MM`, 4 for quarters, 7 for
/// days, 24 for hours) is read from the first column that holds dates.
public struct ForecastSeries: Sendable {
    public let fileName: String
    public let columnNames: [String]
    /// `values[c][t]`: column c at time t.
    public let values: [[Double]]
    /// The period the dates suggest (nil when no column holds dates it recognizes).
    public let datePeriod: Int?

    public var count: Int { values.first?.count ?? 0 }

    public init(fileName: String, columnNames: [String], values: [[Double]], datePeriod: Int? = nil) {
        self.fileName = fileName
        self.columnNames = columnNames
        self.values = values
        self.datePeriod = datePeriod
    }

    public static func read(_ path: String, columns: [String]) throws -> ForecastSeries {
        let table = try DelimitedText(contentsOfFile: path)
        guard !table.records.isEmpty else { throw SequenceFileError(file: path, problem: "no data rows after the header") }
        let values = try columns.map { try table.floats(inColumn: $0).map(Double.init) }
        let period = table.header.indices.lazy.compactMap { column in
            Self.period(ofDates: table.records.prefix(3).map { $0.fields[column] })
        }.first
        return ForecastSeries(fileName: path, columnNames: columns, values: values, datePeriod: period)
    }

    /// The seasonal period of dates written as `YYYY-MM` (12), `YYYY-Qn` (4), `YYYY-MM-DD` (7) or
    /// `YYYY-MM-DD HH:MM…` (24); nil for anything else.
    static func period(ofDates dates: [String]) -> Int? {
        func matches(_ pattern: String) -> Bool {
            dates.allSatisfy { $0.range(of: pattern, options: .regularExpression) != nil }
        }
        guard !dates.isEmpty else { return nil }
        if matches(#"^\d{4}-\d{2}$"#) { return 12 }
        if matches(#"^\d{4}-?Q[1-4]$"#) { return 4 }
        if matches(#"^\d{4}-\d{2}-\d{2}$"#) { return 7 }
        if matches(#"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}"#) { return 24 }
        return nil
    }

    /// Rows `range` of every column.
    public func rows(_ range: Range<Int>) -> ForecastSeries {
        ForecastSeries(fileName: fileName, columnNames: columnNames, values: values.map { Array($0[range]) }, datePeriod: datePeriod)
    }

    /// This series followed by `next` (the same columns).
    public func appending(_ next: ForecastSeries) -> ForecastSeries {
        ForecastSeries(fileName: next.fileName, columnNames: columnNames, values: zip(values, next.values).map { $0 + $1 }, datePeriod: datePeriod)
    }
}
