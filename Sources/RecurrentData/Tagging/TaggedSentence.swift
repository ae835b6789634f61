/// One sentence of a tagging corpus: its words and, when the file has them, one tag per word.
///
/// `lines` and `tagColumns` say where each token came from (1-based line, and the character
/// column where its tag field starts), so a later check, such as a tag a model does not know,
/// can point at the exact place in the file. Sentences built in memory leave them empty.
public struct TaggedSentence: Equatable, Sendable {
    public var words: [String]
    /// One tag per word, or empty for untagged text.
    public var tags: [String]
    public var lines: [Int]
    public var tagColumns: [Int]

    public init(words: [String], tags: [String] = [], lines: [Int] = [], tagColumns: [Int] = []) {
        self.words = words
        self.tags = tags
        self.lines = lines
        self.tagColumns = tagColumns
    }

    public var count: Int { words.count }
    public var isTagged: Bool { !words.isEmpty && tags.count == words.count }
}
