import RecurrentTensor

/// A lookup table from token indices to dense vectors.
///
/// Shapes: indices (any count) → `[indices.count, dimension]`; ``callAsFunction(_:shape:)``
/// reshapes to `shape + [dimension]`. Parameter: `weight` `[vocabularySize, dimension]`,
/// initialized N(0, 1) as PyTorch's `nn.Embedding`. The row of `paddingIndex`, if given,
/// starts at zero and never receives a gradient. A frozen embedding (pretrained vectors kept
/// fixed) has no trainable parameter.
public final class Embedding: Layer {
    public let vocabularySize: Int, dimension: Int
    public let paddingIndex: Int?
    public let weight: Parameter
    public var isTraining = true
    /// Whether lookups give the table a row-sparse gradient (``Parameter/sparseGradient``): only
    /// the rows looked up, so a step touching 20 words of a 100,000-word vocabulary costs O(20 · d)
    /// in the gradient, clipping and optimizer update, not O(100,000 · d). PyTorch's `sparse=True`.
    /// Exact for SGD without momentum and Adagrad; Adam becomes PyTorch's `SparseAdam` (see
    /// ``Optimizer``). Off by default: for a small vocabulary dense is as fast, and exact for all.
    public var sparseGradients = false

    public convenience init(vocabularySize: Int, dimension: Int, paddingIndex: Int? = nil, trainable: Bool = true,
                initializer: Initializer = .normal(standardDeviation: 1), generator: inout RandomGenerator) {
        var table = initializer.make([vocabularySize, dimension], fanIn: vocabularySize, fanOut: dimension, using: &generator)
        if let paddingIndex {
            precondition(paddingIndex >= 0 && paddingIndex < vocabularySize, "Embedding: padding index \(paddingIndex) out of range")
            table.withUnsafeMutableBufferPointer { values in
                for j in 0..<dimension { values[paddingIndex * dimension + j] = 0 }
            }
        }
        self.init(weights: table, paddingIndex: paddingIndex, trainable: trainable)
    }

    /// An embedding with the given table (for example vectors loaded from a GloVe file).
    public init(weights: Tensor, paddingIndex: Int? = nil, trainable: Bool = true) {
        precondition(weights.rank == 2, "Embedding: weights must be [vocabularySize, dimension], got \(weights.shape)")
        vocabularySize = weights.shape[0]
        dimension = weights.shape[1]
        self.paddingIndex = paddingIndex
        weight = Parameter(weights, trainable: trainable)
    }

    public var localParameters: [NamedParameter] { [NamedParameter("weight", weight)] }

    /// The vectors of `indices`, `[indices.count, dimension]`.
    public func callAsFunction(_ indices: [Int]) -> Tensor {
        for index in indices {
            precondition(index >= 0 && index < vocabularySize, "Embedding: index \(index) out of range 0..<\(vocabularySize)")
        }
        return gather(weight.value, indices, paddingIndex, sparseTarget: sparseGradients ? weight : nil)
    }

    /// Tokens `[time, batch]` (given time-major, row-major) with this embedding's table, as the
    /// input of a recurrent network's first layer (``RecurrentLayer/callAsFunction(_:initialStates:lengths:)-(EmbeddedTokens,_,_)``):
    /// the same values and gradients as `self(indices, shape: [time, batch])`, computed there
    /// with one input projection per row of the table instead of one per token.
    public func tokens(_ indices: [Int], time: Int, batch: Int) -> EmbeddedTokens {
        precondition(time >= 0 && batch >= 0 && time * batch == indices.count,
                     "Embedding: \(indices.count) indices do not fill shape [\(time), \(batch)]")
        for index in indices {
            precondition(index >= 0 && index < vocabularySize, "Embedding: index \(index) out of range 0..<\(vocabularySize)")
        }
        return EmbeddedTokens(indices, time: time, batch: batch, table: weight.value, paddingIndex: paddingIndex,
                              sparseTarget: sparseGradients ? weight : nil)
    }

    /// The vectors of `indices` arranged as `shape + [dimension]` (for example `[batch, time]`).
    public func callAsFunction(_ indices: [Int], shape: [Int]) -> Tensor {
        precondition(Shape.count(shape) == indices.count, "Embedding: \(indices.count) indices do not fill shape \(shape)")
        return self(indices).reshaped(shape + [dimension])
    }
}

/// Token indices, time-major `[time, batch]`, with the embedding table they pick rows of
/// (`[vocabulary, features]`; a row of `paddingIndex` receives no gradient). Made by
/// ``Embedding/tokens(_:time:batch:)``; a recurrent network reads them as it would read
/// ``vectors``.
public struct EmbeddedTokens {
    public let indices: [Int]
    public let time: Int, batch: Int
    public let table: Tensor
    public let paddingIndex: Int?
    /// The table's parameter when its gradient is row-sparse (``Embedding/sparseGradients``).
    let sparseTarget: Parameter?

    init(_ indices: [Int], time: Int, batch: Int, table: Tensor, paddingIndex: Int?, sparseTarget: Parameter? = nil) {
        self.indices = indices
        self.time = time
        self.batch = batch
        self.table = table
        self.paddingIndex = paddingIndex
        self.sparseTarget = sparseTarget
    }

    /// Whether a fused layer projects the table (fewer rows than tokens) rather than the tokens'
    /// gathered vectors. Never for a row-sparse table, whose gradient must stay row-sparse.
    public var projectsTable: Bool { sparseTarget == nil && table.shape[0] < indices.count }

    /// The tokens' vectors `[time, batch, features]` (differentiable with respect to the table,
    /// and, as in ``Embedding``, not at the padding row).
    public var vectors: Tensor {
        gather(table, indices, paddingIndex, sparseTarget: sparseTarget).reshaped([time, batch, table.shape[1]])
    }
}

/// The rows of `table` at `indices`, `[indices.count, features]`, with no gradient flowing to
/// the row of `paddingIndex` (its value is unchanged); with a `sparseTarget` (the table's
/// parameter), the gradient goes to its row-sparse accumulator instead of a dense table gradient.
private func gather(_ table: Tensor, _ indices: [Int], _ paddingIndex: Int?, sparseTarget: Parameter?) -> Tensor {
    if let sparseTarget, table.requiresGradient {
        return Tensor.record(table.detached.gatherRows(indices), [table]) { gradient in
            sparseTarget.accumulateRows(indices, gradient: gradient, skipping: paddingIndex)
            return [nil]
        }
    }
    let rows = table.gatherRows(indices)
    guard let paddingIndex, indices.contains(paddingIndex), rows.requiresGradient else { return rows }
    let keep = Tensor(shape: [indices.count, 1], scalars: indices.map { $0 == paddingIndex ? 0 : 1 })
    return rows * keep + (rows.detached * (1 - keep))
}
