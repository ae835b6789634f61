import RecurrentData
import RecurrentTensor

/// Cosine similarity between word vectors: the vectors scaled to unit length once, so that the
/// similarity of every word to a query is one matrix-vector product, `scores = V̂ q`.
///
/// Nearest neighbors and analogies follow gensim's `most_similar`: an analogy "a is to b as c is
/// to ?" (3CosAdd, Mikolov et al. 2013) is the word w, other than a, b and c, maximizing
///
///     cos(w, b̂ - â + ĉ)        (x̂ = x / |x|)
///
/// With `restrict`, only the first `restrict` words of the file (the most frequent, in files sorted
/// by frequency) are candidates, as gensim's `restrict_vocab` does.
public struct WordSimilarity: Sendable {
    /// The vectors, each scaled to unit length.
    public let unitVectors: WordVectors
    /// Candidates are rows 0..<candidateCount.
    public let candidateCount: Int

    public init(_ vectors: WordVectors, restrict: Int? = nil) {
        unitVectors = vectors.normalized()
        candidateCount = Swift.min(restrict ?? vectors.count, vectors.count)
    }

    public var dimension: Int { unitVectors.dimension }

    /// A word and its cosine similarity to a query.
    public struct Match: Equatable, Sendable {
        public var word: String
        public var index: Int
        public var similarity: Float
    }

    /// The `k` words most similar to `word` (itself excluded), or nil when it has no vector.
    public func neighbors(of word: String, k: Int) -> [Match]? {
        guard let index = unitVectors.index(of: word) else { return nil }
        return nearest(to: Array(unitVectors.vector(at: index)), k: k, excluding: [index])
    }

    /// The `k` best answers to "a is to b as c is to ?" by 3CosAdd, or nil naming the first of
    /// the three words without a vector.
    public func analogy(_ a: String, _ b: String, _ c: String, k: Int) -> Result<[Match], MissingWord> {
        var indices: [Int] = []
        for word in [a, b, c] {
            guard let index = unitVectors.index(of: word) else { return .failure(MissingWord(word: word)) }
            indices.append(index)
        }
        return .success(nearest(to: offsetQuery(a: indices[0], b: indices[1], c: indices[2]), k: k, excluding: Set(indices)))
    }

    /// A word an analogy needs and the vectors lack.
    public struct MissingWord: Error, Equatable {
        public var word: String
        public init(word: String) { self.word = word }
    }

    /// b̂ - â + ĉ.
    func offsetQuery(a: Int, b: Int, c: Int) -> [Float] {
        let va = unitVectors.vector(at: a), vb = unitVectors.vector(at: b), vc = unitVectors.vector(at: c)
        return (0..<dimension).map { vb[vb.startIndex + $0] - va[va.startIndex + $0] + vc[vc.startIndex + $0] }
    }

    /// The `k` candidates with the largest cosine to `query`, best first, other than `excluding`.
    public func nearest(to query: [Float], k: Int, excluding: Set<Int> = []) -> [Match] {
        guard k > 0, candidateCount > 0, query.count == dimension else { return [] }
        var scores = [Float](repeating: 0, count: candidateCount)
        let norm = query.reduce(0) { $0 + $1 * $1 }.squareRoot()
        unitVectors.values.withUnsafeBufferPointer { matrix in
            query.withUnsafeBufferPointer { query in
                scores.withUnsafeMutableBufferPointer { scores in
                    Kernels.gemm(transposeB: true, m: 1, n: candidateCount, k: dimension, alpha: norm > 0 ? 1 / norm : 0,
                                 a: query.baseAddress!, lda: dimension, b: matrix.baseAddress!, ldb: dimension,
                                 c: scores.baseAddress!, ldc: candidateCount)
                }
            }
        }
        var best: [(index: Int, score: Float)] = []
        for (index, score) in scores.enumerated() where !excluding.contains(index) {
            guard best.count < k || score > best[best.count - 1].score else { continue }
            let position = best.firstIndex { score > $0.score } ?? best.count
            best.insert((index, score), at: position)
            if best.count > k { best.removeLast() }
        }
        return best.map { Match(word: unitVectors.words[$0.index], index: $0.index, similarity: $0.score) }
    }
}
