/// Why a word-vector file could not be read, located as a compiler would locate it: text formats
/// give `file:line`, the binary format the byte offset from the file's start.
///
///     vectors.txt:17: expected 300 values after "cat", found 299
///     vectors.bin: byte 130412: the file ends inside the vector of word 2,746 ("zebra"); expected 2,747 words
public struct WordVectorsError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file as named by the caller.
    public var file: String
    /// The 1-based line (text formats), when the problem has one.
    public var line: Int?
    /// The byte offset from the file's start (binary format), when the problem has one.
    public var byteOffset: Int?
    /// What was wrong.
    public var problem: Problem

    public init(file: String, line: Int? = nil, byteOffset: Int? = nil, problem: Problem) {
        self.file = file
        self.line = line
        self.byteOffset = byteOffset
        self.problem = problem
    }

    /// Each way a word-vector file can be wrong.
    public enum Problem: Equatable, Sendable {
        /// The file could not be opened or read; `reason` is the system's.
        case unreadable(reason: String)
        /// No bytes, or only whitespace.
        case empty
        /// A word2vec header (`count dimensions`) with a count or dimension that is not usable.
        case invalidHeader(found: String)
        /// A row with the wrong number of values.
        case wrongValueCount(word: String, expected: Int, found: Int)
        /// A value that is not a decimal number.
        case notANumber(word: String, found: String)
        /// NaN, an infinity, or a number beyond `Float`'s range.
        case notFinite(word: String, found: String)
        /// A row that starts with whitespace or a separator: no word.
        case missingWord
        /// The header promises `expected` words but the file ends after `found`.
        case fewerWordsThanHeader(expected: Int, found: Int)
        /// The header promises `expected` words but more rows follow.
        case moreWordsThanHeader(expected: Int)
        /// A binary file ends inside a word or its vector (`index` is 0-based).
        case truncated(index: Int, word: String?, expected: Int)
        /// A binary word without the space that ends it within `maximumWordBytes` bytes.
        case unterminatedWord(index: Int)
        /// A word no file format can hold (empty, or containing whitespace), when writing.
        case unwritableWord(String)
        /// The format was forced (or detected) as binary but the file does not look like it, or
        /// the other way round.
        case wrongFormat(expected: String, hint: String)
    }

    public var description: String {
        var location = file
        if let line { location += ":\(line)" }
        if let byteOffset { location += ": byte \(byteOffset)" }
        return "\(location): \(problem.message)"
    }
}

extension WordVectorsError.Problem {
    var message: String {
        switch self {
        case .unreadable(let reason):
            "cannot read: \(reason)"
        case .empty:
            "the file is empty; expected word vectors"
        case .invalidHeader(let found):
            "expected a word2vec header \"COUNT DIMENSIONS\" with positive numbers, found \(quotedForMessage(found))"
        case .wrongValueCount(let word, let expected, let found):
            "expected \(expected) value\(expected == 1 ? "" : "s") after \(quotedForMessage(word)), found \(found)"
        case .notANumber(let word, let found):
            "expected a number in the vector of \(quotedForMessage(word)), found \(quotedForMessage(found))"
        case .notFinite(let word, let found):
            "expected a finite number in the vector of \(quotedForMessage(word)), found \(quotedForMessage(found))"
        case .missingWord:
            "expected a word at the start of the line, found whitespace"
        case .fewerWordsThanHeader(let expected, let found):
            "the header promises \(expected) words but the file ends after \(found)"
        case .moreWordsThanHeader(let expected):
            "the header promises \(expected) words but the file goes on"
        case .truncated(let index, let word, let expected):
            "the file ends inside \(word.map { "the vector of word \(index + 1) (\(quotedForMessage($0)))" } ?? "word \(index + 1)"); "
                + "the header promises \(expected) words"
        case .unterminatedWord(let index):
            "word \(index + 1) has no space after it within \(WordVectorsReader.maximumWordBytes) bytes; is this a binary word2vec file?"
        case .unwritableWord(let word):
            "cannot write the word \(quotedForMessage(word)): words in vector files must be non-empty and free of whitespace"
        case .wrongFormat(let expected, let hint):
            "expected \(expected): \(hint)"
        }
    }
}
