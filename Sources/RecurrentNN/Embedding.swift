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
        let table = weight.value
        let rows = table.gatherRows(indices)
        guard let paddingIndex, indices.contains(paddingIndex), rows.requiresGradient else { return rows }
        // Zero the padding row's contribution to the gradient (its value is unchanged).
        let keep = Tensor(shape: [indices.count, 1], scalars: indices.map { $0 == paddingIndex ? 0 : 1 })
        return rows * keep + (rows.detached * (1 - keep))
    }

    /// The vectors of `indices` arranged as `shape + [dimension]` (for example `[batch, time]`).
    public func callAsFunction(_ indices: [Int], shape: [Int]) -> Tensor {
        precondition(Shape.count(shape) == indices.count, "Embedding: \(indices.count) indices do not fill shape \(shape)")
        return self(indices).reshaped(shape + [dimension])
    }
}
