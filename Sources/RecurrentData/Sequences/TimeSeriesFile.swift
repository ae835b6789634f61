/// A time-series classification or regression file in the sktime / UEA `.ts` format:
///
///     # free text
///     @problemName BasicMotions
///     @timeStamps false
///     @missing false
///     @univariate false
///     @dimensions 6
///     @equalLength true
///     @seriesLength 100
///     @classLabel true Standing Running Walking Badminton
///     @data
///     v,v,v,…:v,v,v,…:…:Standing
///
/// After `@data`, one case per line: the dimensions (channels) separated by `:`, the values of
/// one dimension separated by `,`, then (with `@classLabel true` or `@targetLabel true`) the
/// class label or numeric target after the last `:`. `?` is a missing value (read as NaN). All
/// dimensions of one case have the same length; lengths may differ between cases unless
/// `@equalLength true`. Time stamps (`@timeStamps true`) are not supported.
///
/// Every way a file can be wrong is a ``SequenceFileError`` naming the line and column: a value
/// that is not a number, a case whose dimension count differs from the header's or the first
/// case's, dimensions of different lengths inside a case, a label the header does not declare.
public struct TimeSeriesFile: Sendable {
    /// One series: `values` frame after frame, `values[t · dimensions + d]`.
    public struct Case: Equatable, Sendable {
        public var values: [Float]
        /// Time steps.
        public var length: Int
        /// The class label or the numeric target's text (nil when the file has none).
        public var target: String?
        /// The 1-based line of the case, and column of its target, for error messages.
        public var line: Int
        public var targetColumn: Int
    }

    public let fileName: String
    public let problemName: String?
    /// Values per time step (channels).
    public let dimensions: Int
    /// The labels `@classLabel true …` declares (nil without class labels).
    public let classLabels: [String]?
    /// Whether each case ends with a numeric target (`@targetLabel true`, regression).
    public let hasNumericTargets: Bool
    public let cases: [Case]

    /// Reads a `.ts` file (UTF-8; CRLF line ends are fine).
    public init(contentsOfFile path: String) throws {
        try self.init(string: try TextFile.read(path), fileName: path)
    }

    /// Parses the text of a `.ts` file; `fileName` names it in messages.
    public init(string text: String, fileName: String = "<ts>") throws {
        self.fileName = fileName
        func failure(_ line: Int, _ column: Int? = nil, _ problem: String) -> SequenceFileError {
            SequenceFileError(file: fileName, line: line, column: column, problem: problem)
        }
        var header = Header()
        var cases: [Case] = []
        var dimensions: Int?
        var inData = false
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = index + 1
            let line = rawLine.trimmingSuffix { $0 == "\r" || $0 == " " || $0 == "\t" }
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("@") {
                guard !inData else { throw failure(lineNumber, 1, "a header line after @data; the header comes before the cases") }
                inData = try header.read(line, lineNumber: lineNumber, failure: failure)
                continue
            }
            guard inData else {
                throw failure(lineNumber, 1, "a case before @data; expected header lines (@problemName, …, @classLabel) and then @data")
            }
            let parsed = try Self.parseCase(line, lineNumber: lineNumber, header: header, expectedDimensions: dimensions, failure: failure)
            dimensions = dimensions ?? parsed.values.count / Swift.max(parsed.length, 1)
            cases.append(parsed)
        }
        guard inData else { throw SequenceFileError(file: fileName, problem: "no @data line; expected a .ts file (header lines, then @data and one case per line)") }
        guard !cases.isEmpty else { throw SequenceFileError(file: fileName, problem: "no cases after @data") }
        problemName = header.problemName
        self.dimensions = dimensions ?? 0
        classLabels = header.classLabels
        hasNumericTargets = header.hasNumericTargets
        self.cases = cases
    }

    /// The header's tags as read so far.
    private struct Header {
        var problemName: String?
        var dimensions: Int?
        var univariate: Bool?
        var equalLength = false
        var seriesLength: Int?
        var classLabels: [String]?
        var hasNumericTargets = false

        var hasTargets: Bool { classLabels != nil || hasNumericTargets }

        /// Reads one `@tag value` line; true for `@data`.
        mutating func read(_ line: Substring, lineNumber: Int, failure: (Int, Int?, String) -> SequenceFileError) throws -> Bool {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            let tag = words[0].lowercased()
            func flag() throws -> Bool {
                guard words.count >= 2, let value = Bool(words[1].lowercased()) else {
                    throw failure(lineNumber, words[0].count + 2, "expected true or false after \(words[0])")
                }
                return value
            }
            func count() throws -> Int {
                guard words.count == 2, let value = Int(words[1]), value >= 1 else {
                    throw failure(lineNumber, words[0].count + 2, "expected a positive whole number after \(words[0])")
                }
                return value
            }
            switch tag {
            case "@data": return true
            case "@problemname": problemName = words.dropFirst().joined(separator: " ")
            case "@timestamps":
                if try flag() { throw failure(lineNumber, 1, "@timeStamps true is not supported; expected values without time stamps") }
            case "@missing": _ = try flag()
            case "@univariate": univariate = try flag()
            case "@dimensions": dimensions = try count()
            case "@equallength": equalLength = try flag()
            case "@serieslength": seriesLength = try count()
            case "@classlabel":
                if try flag() {
                    let labels = words.dropFirst(2).map(String.init)
                    if let duplicate = labels.first(where: { label in labels.filter { $0 == label }.count > 1 }) {
                        throw failure(lineNumber, nil, "@classLabel lists \(quotedForMessage(duplicate)) twice")
                    }
                    classLabels = labels
                }
            case "@targetlabel": hasNumericTargets = try flag()
            default: break  // other tags (sktime adds some now and then) do not change how cases read
            }
            if classLabels != nil && hasNumericTargets {
                throw failure(lineNumber, 1, "both @classLabel true and @targetLabel true; a file has class labels or numeric targets, not both")
            }
            return false
        }
    }

    private static func parseCase(_ line: Substring, lineNumber: Int, header: Header, expectedDimensions: Int?,
                                  failure: (Int, Int?, String) -> SequenceFileError) throws -> Case {
        func column(_ part: Substring) -> Int { line.distance(from: line.startIndex, to: part.startIndex) + 1 }
        var fields = line.split(separator: ":", omittingEmptySubsequences: false)
        var target: String?
        var targetColumn = 0
        if header.hasTargets {
            guard fields.count >= 2, let last = fields.popLast() else {
                throw failure(lineNumber, nil, "expected the dimensions and then \(header.hasNumericTargets ? "a target" : "a class label") after the last ':'")
            }
            let label = last.trimmed(of: " \t")
            targetColumn = column(last)
            guard !label.isEmpty else { throw failure(lineNumber, targetColumn, "expected a \(header.hasNumericTargets ? "target" : "class label") after the last ':'") }
            if let labels = header.classLabels, !labels.isEmpty, !labels.contains(String(label)) {
                throw failure(lineNumber, targetColumn, "the class label \(quotedForMessage(String(label))) is not among those @classLabel declares (\(labels.joined(separator: ", ")))")
            }
            target = String(label)
        }
        let dimensions = fields.count
        if let expected = header.dimensions ?? expectedDimensions ?? (header.univariate == true ? 1 : nil), dimensions != expected {
            throw failure(lineNumber, nil, "\(dimensions) dimension\(dimensions == 1 ? "" : "s") (fields between ':'), expected \(expected) as "
                          + (header.dimensions != nil ? "@dimensions says" : expectedDimensions != nil ? "in the first case" : "@univariate true says"))
        }
        var columns: [[Float]] = []
        columns.reserveCapacity(dimensions)
        for (dimension, field) in fields.enumerated() {
            var values: [Float] = []
            for piece in field.split(separator: ",", omittingEmptySubsequences: false) {
                let text = piece.trimmed(of: " \t")
                if text == "?" {
                    values.append(.nan)
                } else if let value = Float(text), value.isFinite {
                    values.append(value)
                } else {
                    throw failure(lineNumber, column(piece), text.isEmpty
                                  ? "an empty value in dimension \(dimension + 1); expected a number or ?"
                                  : "expected a number or ? in dimension \(dimension + 1), found \(quotedForMessage(String(text)))")
                }
            }
            if let first = columns.first, values.count != first.count {
                throw failure(lineNumber, column(field), "dimension \(dimension + 1) has \(values.count) values but dimension 1 has \(first.count); "
                              + "all dimensions of a case must have the same length")
            }
            columns.append(values)
        }
        let length = columns[0].count
        if header.equalLength, let seriesLength = header.seriesLength, length != seriesLength {
            throw failure(lineNumber, nil, "the case has \(length) values per dimension, expected \(seriesLength) as @seriesLength says")
        }
        var values = [Float](repeating: 0, count: length * dimensions)
        for (dimension, column) in columns.enumerated() {
            for (t, value) in column.enumerated() { values[t * dimensions + dimension] = value }
        }
        return Case(values: values, length: length, target: target, line: lineNumber, targetColumn: targetColumn)
    }
}

extension Substring {
    /// The text without the trailing characters that match.
    func trimmingSuffix(while matches: (Character) -> Bool) -> Substring {
        var result = self
        while let last = result.last, matches(last) { result = result.dropLast() }
        return result
    }

    /// The text without leading and trailing characters in `set`.
    func trimmed(of set: String) -> Substring {
        var result = self
        while let first = result.first, set.contains(first) { result = result.dropFirst() }
        return result.trimmingSuffix { set.contains($0) }
    }
}
