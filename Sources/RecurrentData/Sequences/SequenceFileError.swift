/// Why a file of sequences (a `.ts` time-series file, labelled sentences) cannot be read,
/// located as a compiler would locate it: `file:line:column: message`.
///
///     BasicMotions_TRAIN.ts:12:803: expected a number in dimension 2, found "1.2.3"
///
/// `column` is the 1-based character position on the line where the offending text starts.
public struct SequenceFileError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file as named by the caller.
    public var file: String
    /// The 1-based line, when the problem has one.
    public var line: Int?
    /// The 1-based column, when the problem has one.
    public var column: Int?
    /// What was wrong, and what was expected instead.
    public var problem: String

    public init(file: String, line: Int? = nil, column: Int? = nil, problem: String) {
        self.file = file
        self.line = line
        self.column = column
        self.problem = problem
    }

    public var description: String {
        var location = file
        if let line {
            location += ":\(line)"
            if let column { location += ":\(column)" }
        }
        return "\(location): \(problem)"
    }
}

