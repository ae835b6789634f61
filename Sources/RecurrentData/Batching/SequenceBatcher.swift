import RecurrentTensor

/// Batches of variable-length sequences: which examples go together, for training (shuffled
/// each epoch with the trainer's generator) and evaluation (in order). With bucketing, examples
/// of similar length share a batch, so fewer padded steps are computed: the examples are
/// shuffled, cut into pools of `bucketPool` batches, sorted by length within each pool, cut into
/// batches, and the batches shuffled (as torchtext's BucketIterator and fairseq do).
///
/// ```swift
/// let batcher = SequenceBatcher(lengths: sentences.map(\.count), batchSize: 32)
/// for indices in batcher.shuffledBatches(using: &generator) {
///     let batch = PaddedTokenBatch(indices.map { sentences[$0] }, padding: 0)
///     let (output, _) = lstm(embedding.tokens(batch.tokens, time: batch.time, batch: batch.batch), lengths: batch.lengths)
/// }
/// ```
public struct SequenceBatcher: Sendable {
    /// The length of every example.
    public let lengths: [Int]
    public let batchSize: Int
    /// Sort by length within pools of this many batches (nil or 1: no bucketing).
    public var bucketPool: Int?

    public init(lengths: [Int], batchSize: Int, bucketPool: Int? = 50) {
        precondition(batchSize >= 1, "SequenceBatcher: the batch size must be positive")
        self.lengths = lengths
        self.batchSize = batchSize
        self.bucketPool = bucketPool
    }

    /// Batches per epoch (the last may be smaller).
    public var batchCount: Int { (lengths.count + batchSize - 1) / batchSize }

    /// One epoch's batches of example indices, every example exactly once.
    public func shuffledBatches(using generator: inout RandomGenerator) -> [[Int]] {
        var order = Array(lengths.indices)
        generator.shuffle(&order)
        if let pool = bucketPool, pool > 1 {
            let poolSize = pool * batchSize
            order = stride(from: 0, to: order.count, by: poolSize).flatMap { start in
                // Stable: equal lengths keep their shuffled order.
                order[start..<Swift.min(start + poolSize, order.count)].enumerated()
                    .sorted { (lengths[$0.element], $0.offset) < (lengths[$1.element], $1.offset) }.map(\.element)
            }
        }
        var batches = Self.cut(order, batchSize)
        generator.shuffle(&batches)
        return batches
    }

    /// Batches in order for evaluation; `sortedByLength` groups similar lengths (less padding),
    /// and callers put each result back at its example's index.
    public func orderedBatches(sortedByLength: Bool = false) -> [[Int]] {
        let order = sortedByLength
            ? lengths.indices.sorted { (lengths[$0], $0) < (lengths[$1], $1) }
            : Array(lengths.indices)
        return Self.cut(order, batchSize)
    }

    static func cut(_ order: [Int], _ size: Int) -> [[Int]] {
        stride(from: 0, to: order.count, by: size).map { Array(order[$0..<Swift.min($0 + size, order.count)]) }
    }
}

/// Token sequences of different lengths as one batch: time-major `[time, batch]` (row-major:
/// `tokens[t · batch + b]`), each sequence followed by `padding` up to the longest, and the
/// lengths a recurrent layer masks with (``RecurrentLayer`` takes them as `lengths:`).
public struct PaddedTokenBatch: Equatable, Sendable {
    public let tokens: [Int]
    public let time: Int, batch: Int
    public let lengths: [Int]

    public init(_ sequences: [[Int]], padding: Int) {
        batch = sequences.count
        lengths = sequences.map(\.count)
        time = lengths.max() ?? 0
        var tokens = [Int](repeating: padding, count: time * batch)
        for (b, sequence) in sequences.enumerated() {
            for (t, token) in sequence.enumerated() { tokens[t * batch + b] = token }
        }
        self.tokens = tokens
    }

    /// The same tokens batch-major, `[batch, time]`.
    public var batchMajor: [Int] {
        var result = [Int](repeating: 0, count: tokens.count)
        for t in 0..<time {
            for b in 0..<batch { result[b * time + t] = tokens[t * batch + b] }
        }
        return result
    }
}

/// Sequences of real-valued frames (sensor readings, time-series windows) of different lengths
/// as one batch: `values` `[batch, time, features]`, zero after each sequence's end, and the
/// lengths.
public struct PaddedFrameBatch {
    public let values: Tensor
    public let lengths: [Int]

    /// `sequences[b]` holds `lengths[b] · features` values, frame after frame.
    public init(_ sequences: [[Float]], features: Int) {
        precondition(features >= 1 && sequences.allSatisfy { $0.count % features == 0 },
                     "PaddedFrameBatch: every sequence must hold whole frames of \(features) features")
        lengths = sequences.map { $0.count / features }
        let time = lengths.max() ?? 0
        var padded = [Float](repeating: 0, count: sequences.count * time * features)
        for (b, sequence) in sequences.enumerated() {
            for (index, value) in sequence.enumerated() { padded[b * time * features + index] = value }
        }
        values = Tensor(shape: [sequences.count, time, features], scalars: padded)
    }
}
