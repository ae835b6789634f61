/// Words and their dense vectors, as word2vec, GloVe and fastText files hold them: row `i` of
/// `values` (`[count, dimension]`, row-major) is the vector of `words[i]`. Files list words from
/// the most to the least frequent, and that order is kept.
public struct WordVectors: Equatable, Sendable {
    /// The words, in file order; no word appears twice.
    public private(set) var words: [String]
    /// The length of every vector.
    public let dimension: Int
    /// `[count, dimension]`, row-major.
    public private(set) var values: [Float]
    private var indices: [String: Int]

    /// An empty table of vectors of `dimension` values.
    public init(dimension: Int) {
        precondition(dimension >= 1, "WordVectors: dimension \(dimension) must be positive")
        self.dimension = dimension
        words = []
        values = []
        indices = [:]
    }

    /// A table of `words` and their vectors (`values`: `[words.count, dimension]`, row-major).
    /// Returns nil when a word repeats or the sizes disagree.
    public init?(words: [String], dimension: Int, values: [Float]) {
        guard dimension >= 1, values.count == words.count * dimension else { return nil }
        self.init(dimension: dimension)
        for word in words where indices.updateValue(indices.count, forKey: word) != nil { return nil }
        self.words = words
        self.values = values
    }

    public var count: Int { words.count }

    /// The row of `word`, or nil when the table does not have it.
    public func index(of word: String) -> Int? { indices[word] }

    /// The vector of row `index`.
    public func vector(at index: Int) -> ArraySlice<Float> {
        values[(index * dimension)..<((index + 1) * dimension)]
    }

    /// The vector of `word`, or nil when the table does not have it.
    public func vector(of word: String) -> ArraySlice<Float>? { index(of: word).map(vector(at:)) }

    /// Adds `word` with the vector `row` (`dimension` values); returns false, changing nothing,
    /// when the word is already there (files with duplicates keep the first, as gensim does).
    @discardableResult
    public mutating func append<Row: Collection<Float>>(_ word: String, _ row: Row) -> Bool {
        precondition(row.count == dimension, "WordVectors.append: \(row.count) values, expected \(dimension)")
        guard indices[word] == nil else { return false }
        indices[word] = words.count
        words.append(word)
        values.append(contentsOf: row)
        return true
    }

    /// Whether the table has `word`.
    public func contains(_ word: String) -> Bool { indices[word] != nil }

    /// Reserves room for `count` rows.
    public mutating func reserveCapacity(_ count: Int) {
        words.reserveCapacity(count)
        values.reserveCapacity(count * dimension)
        indices.reserveCapacity(count)
    }

    /// The same table with every vector scaled to unit length (zero vectors stay zero), the form
    /// cosine similarities are dot products of.
    public func normalized() -> WordVectors {
        var copy = self
        let dimension = self.dimension
        copy.values.withUnsafeMutableBufferPointer { values in
            for row in 0..<count {
                let base = row * dimension
                var sum: Double = 0
                for j in 0..<dimension { sum += Double(values[base + j]) * Double(values[base + j]) }
                guard sum > 0 else { continue }
                let scale = Float(1 / sum.squareRoot())
                for j in 0..<dimension { values[base + j] *= scale }
            }
        }
        return copy
    }
}
