import RecurrentTensor

/// Options shared by the recurrent cells.
public struct RecurrentCellOptions: Sendable {
    /// Whether the cell has `bias_ih` and `bias_hh`.
    public var bias = true
    /// The initializer of `weight_ih`; nil means PyTorch's default, uniform in ±1/√hiddenSize.
    public var inputInitializer: Initializer?
    /// The initializer of each gate's `[hidden, hidden]` block of `weight_hh` (for example
    /// `.orthogonal()`); nil means PyTorch's default, uniform in ±1/√hiddenSize.
    public var recurrentInitializer: Initializer?
    /// The value the bias of the gate that keeps the old state starts at: an LSTM's forget gate
    /// (Jozefowicz et al. 2015 suggest 1; larger values help over long spans) or a GRU's update
    /// gate z. It is put in `bias_ih`'s block, and `bias_hh`'s block is zero, so the sum is
    /// exactly this value. nil keeps the default initialization.
    public var forgetGateBias: Float?

    public init(bias: Bool = true, inputInitializer: Initializer? = nil, recurrentInitializer: Initializer? = nil,
                forgetGateBias: Float? = nil) {
        self.bias = bias
        self.inputInitializer = inputInitializer
        self.recurrentInitializer = recurrentInitializer
        self.forgetGateBias = forgetGateBias
    }
}

/// The four parameters of a recurrent cell with `gates` gate blocks, stored as PyTorch stores
/// them: `weight_ih` `[gates·hidden, input]`, `weight_hh` `[gates·hidden, hidden]`, `bias_ih`
/// and `bias_hh` `[gates·hidden]`.
public final class RecurrentWeights {
    public let gates: Int, inputSize: Int, hiddenSize: Int
    public let weightIH: Parameter, weightHH: Parameter
    public let biasIH: Parameter?, biasHH: Parameter?

    public init(gates: Int, inputSize: Int, hiddenSize: Int, options: RecurrentCellOptions,
                forgetGateBlock: Int? = nil, generator: inout RandomGenerator) {
        precondition(inputSize >= 0 && hiddenSize >= 1, "recurrent cell: invalid sizes input \(inputSize), hidden \(hiddenSize)")
        self.gates = gates
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        let rows = gates * hiddenSize
        let limit = 1 / Float(hiddenSize).squareRoot()
        let defaultInitializer = Initializer.uniform(limit: limit)
        weightIH = Parameter((options.inputInitializer ?? defaultInitializer).make([rows, inputSize], fanIn: inputSize, fanOut: hiddenSize, using: &generator))
        if let recurrent = options.recurrentInitializer {
            let blocks = (0..<gates).map { _ in recurrent.make([hiddenSize, hiddenSize], fanIn: hiddenSize, fanOut: hiddenSize, using: &generator) }
            weightHH = Parameter(Tensor.concatenate(blocks))
        } else {
            weightHH = Parameter(defaultInitializer.make([rows, hiddenSize], fanIn: hiddenSize, fanOut: hiddenSize, using: &generator))
        }
        if options.bias {
            var input = defaultInitializer.make([rows], fanIn: hiddenSize, fanOut: hiddenSize, using: &generator)
            var recurrent = defaultInitializer.make([rows], fanIn: hiddenSize, fanOut: hiddenSize, using: &generator)
            if let value = options.forgetGateBias, let block = forgetGateBlock {
                input.withUnsafeMutableBufferPointer { for j in 0..<hiddenSize { $0[block * hiddenSize + j] = value } }
                recurrent.withUnsafeMutableBufferPointer { for j in 0..<hiddenSize { $0[block * hiddenSize + j] = 0 } }
            }
            biasIH = Parameter(input)
            biasHH = Parameter(recurrent)
        } else {
            biasIH = nil
            biasHH = nil
        }
    }

    public var localParameters: [NamedParameter] {
        [NamedParameter("weight_ih", weightIH), NamedParameter("weight_hh", weightHH)]
            + (biasIH.map { [NamedParameter("bias_ih", $0)] } ?? [])
            + (biasHH.map { [NamedParameter("bias_hh", $0)] } ?? [])
    }

    /// x W_ihᵀ + b_ih, `[..., gates·hidden]`.
    public func inputProjection(_ x: Tensor) -> Tensor {
        let product = x.matmul(weightIH.value, transposeOther: true)
        return biasIH.map { product + $0.value } ?? product
    }

    /// h W_hhᵀ + b_hh, `[batch, gates·hidden]`.
    public func recurrentProjection(_ h: Tensor) -> Tensor {
        let product = h.matmul(weightHH.value, transposeOther: true)
        return biasHH.map { product + $0.value } ?? product
    }
}
