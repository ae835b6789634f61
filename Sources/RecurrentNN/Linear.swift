import RecurrentTensor

/// A fully connected layer: `y = x Wᵀ + b`.
///
/// The tutorial writes the row-vector form `Y = XW`; the weight here is stored as PyTorch's
/// `nn.Linear` stores it, `[outputSize, inputSize]`, so `W_tutorial = weightᵀ` and PyTorch
/// state dicts load unchanged.
///
/// Shapes: input `[..., inputSize]` → output `[..., outputSize]`.
/// Parameters: `weight` `[outputSize, inputSize]`, `bias` `[outputSize]` (optional).
/// Default initialization is PyTorch's: uniform in ±1/√inputSize for both.
public final class Linear: UnaryLayer {
    public let inputSize: Int, outputSize: Int
    public private(set) var weight: Parameter
    public let bias: Parameter?
    public var isTraining = true
    /// In inference, multiply every batch through the packed (blocked) kernel, whose sum for a row
    /// does not depend on how many rows there are: a row gets the same bits in a batch of any size
    /// as alone (the kernel for a few rows sums in another order). Models whose answers must not
    /// depend on what else is in the batch (a padded batch of sequences) set it; it costs a little
    /// for one row.
    public var rowIndependent = false

    public init(inputSize: Int, outputSize: Int, bias: Bool = true, weightInitializer: Initializer? = nil,
                biasInitializer: Initializer? = nil, generator: inout RandomGenerator) {
        precondition(inputSize >= 0 && outputSize >= 0, "Linear: sizes must be non-negative")
        self.inputSize = inputSize
        self.outputSize = outputSize
        let limit = 1 / Float(Swift.max(inputSize, 1)).squareRoot()
        let weightInit = weightInitializer ?? .uniform(limit: limit)
        weight = Parameter(weightInit.make([outputSize, inputSize], fanIn: inputSize, fanOut: outputSize, using: &generator))
        self.bias = bias
            ? Parameter((biasInitializer ?? .uniform(limit: limit)).make([outputSize], fanIn: inputSize, fanOut: outputSize, using: &generator))
            : nil
    }

    /// Shares `weight` with another layer (weight tying, e.g. a language model's decoder and
    /// embedding); its shape must be `[outputSize, inputSize]`.
    public func tie(weight shared: Parameter) {
        precondition(shared.shape == weight.shape, "Linear.tie: shape \(shared.shape) differs from \(weight.shape)")
        weight = shared
    }

    public var localParameters: [NamedParameter] {
        [NamedParameter("weight", weight)] + (bias.map { [NamedParameter("bias", $0)] } ?? [])
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        precondition(input.rank >= 1 && input.shape[input.rank - 1] == inputSize,
                     "Linear: input shape \(input.shape) does not end in inputSize \(inputSize)")
        let recorded = GradientMode.isEnabled && (input.requiresGradient || weight.value.requiresGradient || bias?.value.requiresGradient == true)
        if !recorded {
            // Inference: multiply by the weight packed once (until it changes), or for a few rows
            // read in place, bias included.
            let rows = input.count / Swift.max(inputSize, 1)
            var output = bias.map { Tensor.zeros([rows, outputSize]) + $0.value } ?? Tensor.zeros([rows, outputSize])
            withExtendedLifetime(input) {
                WeightProduct(weight, transposed: true, batch: rowIndependent ? .max : rows)
                    .multiply(m: rows, a: input.unsafeBaseAddress, lda: Swift.max(inputSize, 1), beta: 1,
                              c: output.unsafeMutableBaseAddress(), ldc: Swift.max(outputSize, 1))
            }
            return output.reshaped(Array(input.shape.dropLast()) + [outputSize])
        }
        let product = input.matmul(weight.value, transposeOther: true)
        return bias.map { product + $0.value } ?? product
    }
}
