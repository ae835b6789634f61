extension Vocabulary {
    /// The padding token of sequence-to-sequence vocabularies.
    public static let padding = "<pad>"
    /// The token that starts every decoder input.
    public static let sentenceStart = "<s>"
    /// The token that ends every sentence (the decoder emits it to stop).
    public static let sentenceEnd = "</s>"

    /// The special tokens at the start of every sequence-to-sequence vocabulary, in index order
    /// (`<pad>` 0, `<unk>` 1, `<s>` 2, `</s>` 3, as fairseq and OpenNMT number them).
    public static let sentenceSpecials = [padding, unknown, sentenceStart, sentenceEnd]

    /// The word vocabulary of tokenized sentences for a sequence-to-sequence model: the
    /// ``sentenceSpecials``, then the words seen at least `minimumCount` times, most frequent
    /// first (ties in order of first appearance), at most `maximumSize` tokens in all.
    public static func build(sentences: [[String]], minimumCount: Int = 1, maximumSize: Int? = nil) throws -> Vocabulary {
        var counts: [String: Int] = [:], order: [String] = []
        for sentence in sentences {
            for word in sentence {
                if counts[word] == nil { order.append(word) }
                counts[word, default: 0] += 1
            }
        }
        let specials = Set(sentenceSpecials)
        let rank = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        var words = order.filter { counts[$0]! >= minimumCount && !specials.contains($0) }
            .sorted { counts[$0]! != counts[$1]! ? counts[$0]! > counts[$1]! : rank[$0]! < rank[$1]! }
        if let maximumSize { words = Array(words.prefix(Swift.max(maximumSize - sentenceSpecials.count, 0))) }
        return try Vocabulary(level: .word, tokens: sentenceSpecials + words)
    }

    /// The indices of tokenized words, unknown words as `<unk>` (which a sentence vocabulary has).
    public func indices(of words: [String]) -> [Int] {
        let unknown = unknownIndex ?? 0
        return words.map { index(of: $0) ?? unknown }
    }
}
