/// Why a delimited text file could not be read or a column not converted, located as a compiler
/// would locate it: `file:line:column: message`.
///
///     data.csv:17:3: expected a number in column "age", found "abc"
///
/// For syntax errors (quotes, UTF-8) `column` is the character position on the line; for
/// errors about a value it is the field's 1-based position in the record. Record errors give
/// the line where the record starts.
public struct DelimitedTextError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file as named by the caller.
    public var file: String
    /// The 1-based line, when the problem has one.
    public var line: Int?
    /// The 1-based column (see above), when the problem has one.
    public var column: Int?
    /// What was wrong.
    public var problem: Problem

    public init(file: String, line: Int? = nil, column: Int? = nil, problem: Problem) {
        self.file = file
        self.line = line
        self.column = column
        self.problem = problem
    }

    /// Each way a file or a cell can be wrong.
    public enum Problem: Equatable, Sendable {
        /// The file could not be opened or read; `reason` is the system's.
        case unreadable(reason: String)
        /// No bytes at all (a byte order mark alone counts as none).
        case emptyFile
        /// Only empty lines: there is no header row.
        case noHeader
        /// The bytes are not UTF-8; `byteOffset` is the first bad byte from the file's start.
        case invalidUTF8(byteOffset: Int)
        /// A quoted field is never closed; the location is its opening quote.
        case unterminatedQuote
        /// Something other than a delimiter or line break follows a closing quote.
        case textAfterClosingQuote(found: String, delimiter: String)
        /// A record has a different number of fields from the header.
        case raggedRow(expected: Int, found: Int)
        /// No header column has this name.
        case missingColumn(name: String, available: [String])
        /// Several header columns have this name; `columns` are their 1-based positions.
        case ambiguousColumn(name: String, columns: [Int])
        /// A cell that should hold a number is empty (or only spaces).
        case emptyCell(column: String)
        /// A cell that should hold a number holds something else.
        case notANumber(column: String, found: String)
        /// A cell holds NaN, an infinity, or a number too large for `Float`.
        case notFinite(column: String, found: String)
        /// A cell holds a value the reader cannot use, such as a class label a model does not know.
        case unexpectedValue(column: String, found: String, expected: String)
    }

    public var description: String {
        var location = file
        if let line {
            location += ":\(line)"
            if let column { location += ":\(column)" }
        }
        return "\(location): \(problem.message)"
    }
}

extension DelimitedTextError.Problem {
    var message: String {
        switch self {
        case .unreadable(let reason):
            "cannot read: \(reason)"
        case .emptyFile:
            "the file is empty; expected a header row"
        case .noHeader:
            "expected a header row, found only empty lines"
        case .invalidUTF8(let byteOffset):
            "the text is not valid UTF-8 (first bad byte at offset \(byteOffset))"
        case .unterminatedQuote:
            "the quoted field starting here is never closed"
        case .textAfterClosingQuote(let found, let delimiter):
            "expected \(delimiter) or the end of the line after a closing quote, found \(quotedForMessage(found))"
        case .raggedRow(let expected, let found):
            "expected \(expected) field\(expected == 1 ? "" : "s") as in the header, found \(found)"
        case .missingColumn(let name, let available):
            "no column named \(quotedForMessage(name)); the columns are \(available.map(quotedForMessage).joined(separator: ", "))"
        case .ambiguousColumn(let name, let columns):
            "the header names \(quotedForMessage(name)) in more than one column (\(columns.map(String.init).joined(separator: ", ")))"
        case .emptyCell(let column):
            "expected a number in column \(quotedForMessage(column)), found an empty cell"
        case .notANumber(let column, let found):
            "expected a number in column \(quotedForMessage(column)), found \(quotedForMessage(found))"
        case .notFinite(let column, let found):
            "expected a finite number in column \(quotedForMessage(column)), found \(quotedForMessage(found))"
        case .unexpectedValue(let column, let found, let expected):
            "expected \(expected) in column \(quotedForMessage(column)), found \(quotedForMessage(found))"
        }
    }
}
