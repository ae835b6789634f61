import Foundation

/// How text is cut into tokens.
public enum TokenLevel: String, Codable, Sendable, CaseIterable {
    /// One token per Unicode scalar value (what Python yields iterating over a `str`).
    case char
    /// Each line split on whitespace, with `<eos>` appended, as PyTorch's
    /// `word_language_model` example reads text.
    case word
}

/// The tokens a model knows, with their indices. Its JSON form is the interchange format with
/// PyTorch: `{"level": "char" | "word", "tokens": [token 0, token 1, ...]}`.
public struct Vocabulary: Codable, Equatable, Sendable {
    public static let endOfSentence = "<eos>"
    public static let unknown = "<unk>"

    public let level: TokenLevel
    public let tokens: [String]
    private let indices: [String: Int]

    /// A vocabulary of the given tokens, in index order. Throws on duplicates.
    public init(level: TokenLevel, tokens: [String]) throws {
        var indices: [String: Int] = [:]
        for (index, token) in tokens.enumerated() {
            guard indices[token] == nil else { throw VocabularyError.duplicateToken(token, index) }
            if level == .char && token.unicodeScalars.count != 1 { throw VocabularyError.notASingleCharacter(token, index) }
            if level == .word && (token.isEmpty || token.contains(where: \.isWhitespace)) { throw VocabularyError.invalidWord(token, index) }
            indices[token] = index
        }
        guard !tokens.isEmpty else { throw VocabularyError.empty }
        self.level = level
        self.tokens = tokens
        self.indices = indices
    }

    enum CodingKeys: String, CodingKey { case level, tokens }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(level: container.decode(TokenLevel.self, forKey: .level), tokens: container.decode([String].self, forKey: .tokens))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(level, forKey: .level)
        try container.encode(tokens, forKey: .tokens)
    }

    public var count: Int { tokens.count }

    /// The index of `token`, or nil when unknown.
    public func index(of token: String) -> Int? { indices[token] }

    /// The index unknown tokens map to (`<unk>`), if the vocabulary has one.
    public var unknownIndex: Int? { indices[Self.unknown] }

    /// Builds the vocabulary of a training text. Characters are sorted by code point (the same
    /// text always gives the same indices). Words keep their order of first appearance, as
    /// PyTorch's example does; with `maximumSize` or `minimumCount` only the most frequent
    /// words stay (ties: first appearance), `<eos>` always, and the rest become `<unk>`.
    public static func build(from text: String, level: TokenLevel, maximumSize: Int? = nil, minimumCount: Int = 1) throws -> Vocabulary {
        switch level {
        case .char:
            let scalars = Set(text.unicodeScalars).sorted { $0.value < $1.value }
            return try Vocabulary(level: .char, tokens: scalars.map { String($0) })
        case .word:
            var counts: [String: Int] = [:], order: [String] = []
            Tokenizer.forEachWord(in: text) { word in
                if counts[word] == nil { order.append(word) }
                counts[word, default: 0] += 1
            }
            // <eos> always stays: it marks every line end.
            var kept = order.filter { counts[$0]! >= minimumCount || $0 == endOfSentence }
            if let maximumSize, kept.count > maximumSize {
                let rank = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
                let budget = Swift.max(maximumSize - 2, 0)  // room for <eos> and <unk>
                let byFrequency = kept.filter { $0 != endOfSentence }
                    .sorted { counts[$0]! != counts[$1]! ? counts[$0]! > counts[$1]! : rank[$0]! < rank[$1]! }
                kept = (Array(byFrequency.prefix(budget)) + (counts[endOfSentence] != nil ? [endOfSentence] : []))
                    .sorted { rank[$0]! < rank[$1]! }
            }
            if kept.count < order.count && !kept.contains(unknown) { kept.append(unknown) }
            return try Vocabulary(level: .word, tokens: kept)
        }
    }

    /// The indices of a text's tokens. A token not in the vocabulary maps to `<unk>` when there
    /// is one; otherwise it is an error naming the token and its line.
    public func encode(_ text: String, file: String = "<text>") throws -> [Int] {
        var result: [Int] = []
        var line = 1
        var failure: Error?
        func add(_ token: String) -> Bool {
            if let index = indices[token] { result.append(index); return true }
            if let unknown = unknownIndex { result.append(unknown); return true }
            failure = VocabularyError.unknownToken(token, file: file, line: line)
            return false
        }
        switch level {
        case .char:
            result.reserveCapacity(text.unicodeScalars.count)
            for scalar in text.unicodeScalars {
                guard add(String(scalar)) else { break }
                if scalar == "\n" { line += 1 }
            }
        case .word:
            Tokenizer.forEachWord(in: text, onLine: { line = $0 }) { word in _ = failure == nil && add(word) }
        }
        if let failure { throw failure }
        return result
    }

    /// The text of token indices (joined with spaces at the word level, `<eos>` as a newline).
    public func decode(_ indices: [Int]) -> String {
        switch level {
        case .char:
            return indices.map { $0 >= 0 && $0 < tokens.count ? tokens[$0] : "" }.joined()
        case .word:
            var text = ""
            for index in indices where index >= 0 && index < tokens.count {
                let token = tokens[index]
                if token == Self.endOfSentence { text += "\n" } else { text += (text.isEmpty || text.hasSuffix("\n") ? "" : " ") + token }
            }
            return text
        }
    }
}

public enum VocabularyError: Error, CustomStringConvertible, Equatable {
    case empty
    case duplicateToken(String, Int)
    case notASingleCharacter(String, Int)
    case invalidWord(String, Int)
    case unknownToken(String, file: String, line: Int)

    public var description: String {
        switch self {
        case .empty: return "the vocabulary has no tokens"
        case .duplicateToken(let token, let index): return "token \(index) \(token.debugDescription) appears twice in the vocabulary"
        case .notASingleCharacter(let token, let index):
            return "token \(index) \(token.debugDescription) is not a single character (the vocabulary is character level)"
        case .invalidWord(let token, let index): return "token \(index) \(token.debugDescription) is empty or contains whitespace (word level)"
        case .unknownToken(let token, let file, let line):
            return "\(file):\(line): \(token.debugDescription) is not in the model's vocabulary, which has no <unk>"
        }
    }
}

/// Word-level tokenization as PyTorch's `word_language_model` example does it: each line
/// split on whitespace, then `<eos>`.
public enum Tokenizer {
    /// Calls `body` with every word, and `<eos>` at the end of every line (a last line without a
    /// newline included, as Python's `for line in file` yields it); `onLine` gets each line's
    /// number before its words. Whitespace is Unicode's White_Space, as Python's `str.split()`.
    public static func forEachWord(in text: String, onLine: (Int) -> Void = { _ in }, _ body: (String) -> Void) {
        var word = String.UnicodeScalarView()
        var line = 1, lineHasContent = false
        onLine(line)
        for scalar in text.unicodeScalars {
            if scalar == "\n" {
                if !word.isEmpty { body(String(word)); word.removeAll(keepingCapacity: true) }
                body(Vocabulary.endOfSentence)
                line += 1
                lineHasContent = false
                onLine(line)
            } else if scalar.properties.isWhitespace {
                if !word.isEmpty { body(String(word)); word.removeAll(keepingCapacity: true) }
                lineHasContent = true
            } else {
                word.append(scalar)
                lineHasContent = true
            }
        }
        if !word.isEmpty { body(String(word)) }
        if lineHasContent { body(Vocabulary.endOfSentence) }
    }

    /// Text as Python reads a file in text mode: `\r\n` and a lone `\r` become `\n`.
    public static func universalNewlines(_ text: String) -> String {
        guard text.unicodeScalars.contains("\r") else { return text }
        return text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
    }
}
