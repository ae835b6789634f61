import RecurrentData

/// Sentences as a neural tagger reads them: word rows, the distinct word forms spelled out in
/// character rows, and (for training) tag indices.
public struct EncodedSentence: Equatable, Sendable {
    /// Word embedding rows.
    public var words: [Int]
    /// Indices into the corpus's ``EncodedCorpus/forms``, one per token.
    public var forms: [Int]
    /// Tag indices (empty for untagged text).
    public var tags: [Int]
}

/// A corpus encoded once, before training: each sentence's rows, and each distinct word form's
/// character rows (so a batch encodes each form once, however often it occurs).
public struct EncodedCorpus: Sendable {
    public var sentences: [EncodedSentence]
    /// Character rows of every distinct form, by form index.
    public var forms: [[Int]]

    /// Encodes `sentences` with `vocabulary`; `tags` numbers the tags (nil: untagged).
    public init(_ sentences: [[String]], tags: [[String]]? = nil, vocabulary: NeuralTaggerVocabulary, tagSet: SymbolTable? = nil) {
        var formIndex: [String: Int] = [:], forms: [[Int]] = []
        self.sentences = sentences.enumerated().map { index, words in
            let formRows = words.map { word -> Int in
                if let known = formIndex[word] { return known }
                formIndex[word] = forms.count
                forms.append(vocabulary.characterRows(word))
                return forms.count - 1
            }
            let tagRows = tags.map { tags in tags[index].map { tagSet?.index(of: $0) ?? 0 } } ?? []
            return EncodedSentence(words: words.map(vocabulary.wordRow), forms: formRows, tags: tagRows)
        }
        self.forms = forms
    }
}

/// A padded batch of sentences, time-major `[time, batch]` like ``PaddedTokenBatch``: position
/// `t · batch + b` is word t of sentence b.
public struct NeuralTaggerBatch: Sendable {
    /// Word embedding rows (padding past each length).
    public let words: PaddedTokenBatch
    /// The batch's distinct forms, as character rows.
    public let forms: [[Int]]
    /// For every position, its row in `forms` (0 at padding, which the network masks).
    public let formOfPosition: [Int]
    /// Gold tags by position (0 at padding); empty when untagged.
    public let tags: [Int]

    public var time: Int { words.time }
    public var batch: Int { words.batch }
    public var lengths: [Int] { words.lengths }
    public var tokenCount: Int { words.lengths.reduce(0, +) }

    /// Sentences `indices` of `corpus`; `wordRows`, when given, replaces each sentence's word
    /// rows (word dropout in training).
    public init(_ corpus: EncodedCorpus, indices: [Int], wordRows: [[Int]]? = nil) {
        let sentences = indices.map { corpus.sentences[$0] }
        words = PaddedTokenBatch(wordRows ?? sentences.map(\.words), padding: NeuralTaggerVocabulary.padding)
        var local: [Int: Int] = [:], forms: [[Int]] = []
        var formOfPosition = [Int](repeating: 0, count: words.time * words.batch)
        var tags = [Int](repeating: 0, count: words.time * words.batch)
        for (b, sentence) in sentences.enumerated() {
            for (t, form) in sentence.forms.enumerated() {
                let row = local[form] ?? forms.count
                if row == forms.count {
                    local[form] = row
                    forms.append(corpus.forms[form])
                }
                formOfPosition[t * words.batch + b] = row
                if t < sentence.tags.count { tags[t * words.batch + b] = sentence.tags[t] }
            }
        }
        if forms.isEmpty { forms = [[NeuralTaggerVocabulary.unknown]] }
        self.forms = forms
        self.formOfPosition = formOfPosition
        self.tags = sentences.allSatisfy { $0.tags.count == $0.words.count } ? tags : []
    }
}
