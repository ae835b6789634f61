import RecurrentData

/// Sentences as word indices: split on whitespace, optionally lower-cased, each word looked up
/// in a vocabulary built from the training sentences; a word it lacks is `<unk>` (index 0).
public struct WordEncoding: Codable, Equatable, Sendable {
    /// `<unk>` first, then the words seen at least `minimumCount` times in training, most
    /// frequent first (ties: first appearance), so the same data always gives the same indices.
    public var vocabulary: Vocabulary
    public var lowercase: Bool

    public init(vocabulary: Vocabulary, lowercase: Bool) {
        self.vocabulary = vocabulary
        self.lowercase = lowercase
    }

    /// The vocabulary of `sentences`: words seen at least `minimumCount` times, at most
    /// `maximumSize` of them (with `<unk>`).
    public static func build(from sentences: [String], minimumCount: Int = 1, maximumSize: Int? = nil, lowercase: Bool = false) throws -> WordEncoding {
        var counts: [Substring: Int] = [:], order: [Substring] = []
        for sentence in sentences {
            let text = lowercase ? sentence.lowercased() : sentence
            for word in words(in: text) {
                if counts[word] == nil { order.append(word) }
                counts[word, default: 0] += 1
            }
        }
        let rank = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        var kept = order.filter { counts[$0]! >= minimumCount && $0 != Substring(Vocabulary.unknown) }
            .sorted { counts[$0]! != counts[$1]! ? counts[$0]! > counts[$1]! : rank[$0]! < rank[$1]! }
        if let maximumSize { kept = Array(kept.prefix(Swift.max(maximumSize - 1, 0))) }
        return WordEncoding(vocabulary: try Vocabulary(level: .word, tokens: [Vocabulary.unknown] + kept.map(String.init)), lowercase: lowercase)
    }

    /// The indices of a sentence's words.
    public func encode(_ sentence: String) -> [Int] {
        let unknown = vocabulary.unknownIndex ?? 0
        return Self.words(in: lowercase ? sentence.lowercased() : sentence).map { vocabulary.index(of: String($0)) ?? unknown }
    }

    /// The whitespace-separated words of a text.
    static func words(in text: String) -> [Substring] {
        text.split(whereSeparator: \.isWhitespace)
    }
}
