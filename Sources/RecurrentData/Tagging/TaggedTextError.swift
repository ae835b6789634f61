/// Why a tagged (or to-be-tagged) text file cannot be used, located as a compiler locates an
/// error: `file:line:column: message`, where the column is the 1-based character position on the
/// line where the problem starts.
///
///     dev.conllu:1207:14: expected 10 tab-separated columns (CoNLL-U), found 9
///     train.txt:33:9: unknown tag "NNPX"; the model's tags are ADJ, ADP, ...
public struct TaggedTextError: Error, CustomStringConvertible, Equatable, Sendable {
    public var file: String
    public var line: Int?
    public var column: Int?
    public var problem: Problem

    public init(file: String, line: Int? = nil, column: Int? = nil, problem: Problem) {
        self.file = file
        self.line = line
        self.column = column
        self.problem = problem
    }

    public enum Problem: Equatable, Sendable {
        /// The file could not be opened or read; `reason` is the system's.
        case unreadable(reason: String)
        /// The bytes are not UTF-8; `byteOffset` is the first bad byte from the file's start.
        case invalidUTF8(byteOffset: Int)
        /// A NUL byte: this is a binary file.
        case binary(byteOffset: Int)
        /// No sentence at all.
        case noSentences
        /// A token line with fewer columns than the format or the tag column needs.
        case tooFewColumns(expected: Int, found: Int, format: String)
        /// A CoNLL-U token line with more than 10 columns.
        case tooManyColumns(found: Int)
        /// A CoNLL-U ID that is neither a word index `n`, a range `n-m` nor an empty node `n.k`.
        case invalidID(found: String)
        /// A word index out of sequence (words are numbered 1, 2, 3, ... in each sentence).
        case wordOutOfSequence(found: Int, expected: Int)
        /// A multiword range `n-m` that does not start at the next word or does not span two words or more.
        case rangeOutOfPlace(found: String, nextWord: Int)
        /// An empty field where a word or tag belongs.
        case emptyField(what: String)
        /// A tag the model does not know (evaluation data).
        case unknownTag(tag: String, known: [String])
        /// The sentence count of a prediction does not match its source.
        case mismatch(String)
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

extension TaggedTextError.Problem {
    var message: String {
        switch self {
        case .unreadable(let reason):
            "cannot read: \(reason)"
        case .invalidUTF8(let byteOffset):
            "the text is not valid UTF-8 (first bad byte at offset \(byteOffset))"
        case .binary(let byteOffset):
            "this looks like a binary file (a NUL byte at offset \(byteOffset)); expected text"
        case .noSentences:
            "the file holds no sentence"
        case .tooFewColumns(let expected, let found, let format):
            "expected \(expected) column\(expected == 1 ? "" : "s") (\(format)), found \(found)"
        case .tooManyColumns(let found):
            "expected 10 tab-separated columns (CoNLL-U), found \(found)"
        case .invalidID(let found):
            "expected a word ID (n), a multiword range (n-m) or an empty node (n.k), found \(quotedForMessage(found))"
        case .wordOutOfSequence(let found, let expected):
            "expected word ID \(expected) (words are numbered 1, 2, 3, ... in each sentence), found \(found)"
        case .rangeOutOfPlace(let found, let nextWord):
            "the multiword range \(quotedForMessage(found)) is out of place: a range must start at the next word (\(nextWord)) and span at least two words"
        case .emptyField(let what):
            "expected \(what), found an empty field"
        case .unknownTag(let tag, let known):
            "unknown tag \(quotedForMessage(tag)); the model's tags are \(known.joined(separator: ", "))"
        case .mismatch(let message):
            message
        }
    }
}
