/// A table that parses but cannot train the model asked for (no data rows, no feature
/// columns, a single class...): names the file and what was expected.
public struct TabularDataError: Error, CustomStringConvertible, Equatable, Sendable {
    public var file: String
    public var problem: String

    public init(file: String, problem: String) {
        self.file = file
        self.problem = problem
    }

    public var description: String { "\(file): \(problem)" }
}
