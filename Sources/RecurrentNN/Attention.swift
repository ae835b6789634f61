import RecurrentTensor

/// How an ``Attention`` layer scores a query q (a decoder state) against a memory row m (an
/// encoder state).
public enum AttentionKind: String, Codable, Sendable, CaseIterable {
    /// No attention.
    case none
    /// Bahdanau et al. (2015), "concat" or "mlp": e = vᵀ tanh(W_q q + W_m m + b).
    case additive
    /// Luong et al. (2015), "general": e = qᵀ W m.
    case general
    /// Luong et al. (2015), "dot": e = qᵀ m (the query and memory sizes must be equal).
    case dot
}

/// Attention of queries over a memory (Bahdanau et al. 2015; Luong et al. 2015): for each query
/// q_t, a score e_ts for every memory row m_s, weights α_t = softmax_s(e_t) over the rows before
/// the memory's length (padding gets weight exactly 0), and the context c_t = Σ_s α_ts m_s.
///
/// Shapes (batch-first): queries `[batch, time, querySize]`, memory `[batch, memoryTime,
/// memorySize]`; context `[batch, time, memorySize]`, weights `[batch, time, memoryTime]`.
///
/// Parameters (names as below):
/// - additive: `query_projection.weight` W_q `[attention, query]`, `memory_projection.weight` W_m
///   `[attention, memory]` and `memory_projection.bias` b `[attention]`, `score.weight` v `[1, attention]`;
/// - general: `memory_projection.weight` W `[query, memory]`;
/// - dot: none.
///
/// The memory's side of a score (W_m m + b, or W m) does not depend on the query, so
/// ``prepare(memory:lengths:)`` computes it once per memory, and each call (a whole target
/// sequence in training, one step in decoding) only adds the queries' side.
public final class Attention: Layer {
    public let kind: AttentionKind
    public let querySize: Int, memorySize: Int, attentionSize: Int
    public let queryProjection: Linear?
    public let memoryProjection: Linear?
    public let score: Linear?
    public var isTraining = true

    /// - Parameter attentionSize: the width of the additive score's hidden layer (default: the query size).
    public init(kind: AttentionKind, querySize: Int, memorySize: Int, attentionSize: Int? = nil, generator: inout RandomGenerator) {
        precondition(kind != .none, "Attention: kind none has no layer")
        precondition(kind != .dot || querySize == memorySize, "Attention: dot attention needs equal query and memory sizes")
        self.kind = kind
        self.querySize = querySize
        self.memorySize = memorySize
        let width = attentionSize ?? querySize
        self.attentionSize = width
        switch kind {
        case .additive:
            queryProjection = Linear(inputSize: querySize, outputSize: width, bias: false, generator: &generator)
            memoryProjection = Linear(inputSize: memorySize, outputSize: width, generator: &generator)
            score = Linear(inputSize: width, outputSize: 1, bias: false, generator: &generator)
        case .general:
            queryProjection = nil
            memoryProjection = Linear(inputSize: memorySize, outputSize: querySize, bias: false, generator: &generator)
            score = nil
        case .dot, .none:
            (queryProjection, memoryProjection, score) = (nil, nil, nil)
        }
    }

    public var children: [(name: String, layer: any Layer)] {
        var result: [(String, any Layer)] = []
        if let queryProjection { result.append(("query_projection", queryProjection)) }
        if let memoryProjection { result.append(("memory_projection", memoryProjection)) }
        if let score { result.append(("score", score)) }
        return result
    }

    /// A memory ready to be attended over: its rows, their side of the score, and the mask.
    public struct Memory {
        /// The memory `[batch, memoryTime, memorySize]`.
        public let values: Tensor
        /// W_m m + b (additive, `[batch, memoryTime, attention]`), W m (general, `[batch, memoryTime,
        /// query]`) or m (dot).
        public let keys: Tensor
        /// Each row's length.
        public let lengths: [Int]
        /// 0 before each row's length and -∞ after, `[batch, 1, memoryTime]`, added to the scores.
        public let maskBias: Tensor

        public var batch: Int { values.shape[0] }
        public var time: Int { values.shape[1] }

        /// The same memory for the rows `rows` (in that order, repeats allowed): beam search
        /// keeps one copy of a sentence's memory per hypothesis.
        public func selecting(rows: [Int]) -> Memory {
            Memory(values: values.gatherRows(rows), keys: keys.gatherRows(rows), lengths: rows.map { lengths[$0] },
                   maskBias: maskBias.gatherRows(rows))
        }
    }

    /// Prepares `memory` `[batch, memoryTime, memorySize]` whose row b has `lengths[b]` valid
    /// positions (each at least 1).
    public func prepare(memory: Tensor, lengths: [Int]) -> Memory {
        precondition(memory.rank == 3 && memory.shape[2] == memorySize,
                     "Attention: memory shape \(memory.shape) is not [batch, time, \(memorySize)]")
        let (batch, time) = (memory.shape[0], memory.shape[1])
        precondition(lengths.count == batch && lengths.allSatisfy { $0 >= 1 && $0 <= time },
                     "Attention: lengths \(lengths) do not fit memory shape \(memory.shape) (each must be in 1...\(time))")
        let keys = memoryProjection.map { $0(memory) } ?? memory
        let maskBias = Tensor(shape: [batch, 1, time]) { out in
            for b in 0..<batch {
                for s in 0..<time { out[b * time + s] = s < lengths[b] ? 0 : -.infinity }
            }
        }
        return Memory(values: memory, keys: keys, lengths: lengths, maskBias: maskBias)
    }

    /// The scores e `[batch, time, memoryTime]` of queries `[batch, time, querySize]`, before masking.
    public func scores(_ queries: Tensor, memory: Memory) -> Tensor {
        precondition(queries.rank == 3 && queries.shape[0] == memory.batch && queries.shape[2] == querySize,
                     "Attention: queries shape \(queries.shape) is not [\(memory.batch), time, \(querySize)]")
        switch kind {
        case .additive:
            return AdditiveScores.compute(queries: queryProjection!(queries), keys: memory.keys, weight: score!.weight.value)
        case .general, .dot, .none:
            return queries.matmul(memory.keys, transposeOther: true)
        }
    }

    /// The context `[batch, time, memorySize]` and weights `[batch, time, memoryTime]` of queries
    /// `[batch, time, querySize]`.
    public func callAsFunction(_ queries: Tensor, memory: Memory) -> (context: Tensor, weights: Tensor) {
        let weights = (scores(queries, memory: memory) + memory.maskBias).softmax()
        return (weights.matmul(memory.values), weights)
    }
}
