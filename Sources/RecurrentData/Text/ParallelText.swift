/// Line-aligned parallel text: line i of the source file and line i of the target file are
/// translations of each other (Multi30k's `train.de` and `train.en`, Moses-style corpora).
///
/// Both files must be UTF-8 text with the same number of lines; a final line without a line
/// break counts as a line, and a final line break does not start an empty one. Errors name the
/// file, the line and what was expected.
public struct ParallelText: Equatable, Sendable {
    public let sourceLines: [String]
    public let targetLines: [String]
    public let sourceFile: String, targetFile: String

    public var count: Int { sourceLines.count }

    /// Pairs of lines given directly (for example generated text), named `source` and `target` in messages.
    public init(sourceLines: [String], targetLines: [String], sourceFile: String = "<source>", targetFile: String = "<target>") throws {
        guard sourceLines.count == targetLines.count else {
            let shorter = sourceLines.count < targetLines.count ? sourceFile : targetFile
            let longer = sourceLines.count < targetLines.count ? targetFile : sourceFile
            throw ParallelTextError(file: shorter, line: Swift.min(sourceLines.count, targetLines.count) + 1,
                                    problem: "\(shorter) has \(Swift.min(sourceLines.count, targetLines.count)) lines but \(longer) has "
                                        + "\(Swift.max(sourceLines.count, targetLines.count)); parallel files must have one line per sentence pair")
        }
        self.sourceLines = sourceLines
        self.targetLines = targetLines
        self.sourceFile = sourceFile
        self.targetFile = targetFile
    }

    /// Reads two line-aligned files.
    public static func read(source: String, target: String) throws -> ParallelText {
        try ParallelText(sourceLines: lines(ofFile: source), targetLines: lines(ofFile: target), sourceFile: source, targetFile: target)
    }

    /// The lines of a UTF-8 text file (not empty; see ``TextFile``).
    public static func lines(ofFile path: String) throws -> [String] {
        lines(of: try TextFile.read(path))
    }

    /// The lines of a text: split at line breaks, a final line break ending the last line.
    public static func lines(of text: String) -> [String] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if text.hasSuffix("\n") { lines.removeLast() }
        return lines
    }
}

/// Parallel files that do not line up.
public struct ParallelTextError: Error, CustomStringConvertible, Equatable, Sendable {
    public var file: String
    public var line: Int
    public var problem: String

    public init(file: String, line: Int, problem: String) {
        self.file = file
        self.line = line
        self.problem = problem
    }

    public var description: String { "\(file):\(line): \(problem)" }
}
