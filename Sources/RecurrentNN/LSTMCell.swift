import RecurrentTensor

/// Long short-term memory (Hochreiter & Schmidhuber 1997), as PyTorch's `nn.LSTMCell`:
///
///     i = σ(x W_iiᵀ + b_ii + h W_hiᵀ + b_hi)      input gate
///     f = σ(x W_ifᵀ + b_if + h W_hfᵀ + b_hf)      forget gate
///     g = tanh(x W_igᵀ + b_ig + h W_hgᵀ + b_hg)   candidate
///     o = σ(x W_ioᵀ + b_io + h W_hoᵀ + b_ho)      output gate
///     c' = f ∘ c + i ∘ g
///     h' = o ∘ tanh(c')
///
/// Shapes: x `[batch, inputSize]`, h and c `[batch, hiddenSize]`. Parameters: `weight_ih`
/// `[4·hidden, input]`, `weight_hh` `[4·hidden, hidden]`, `bias_ih`, `bias_hh` `[4·hidden]`,
/// gate blocks in the order i, f, g, o.
public final class LSTMCell: RecurrentCell {
    public typealias State = LSTMState
    public let weights: RecurrentWeights
    public var isTraining = true
    public var inputSize: Int { weights.inputSize }
    public var hiddenSize: Int { weights.hiddenSize }

    public init(inputSize: Int, hiddenSize: Int, options: RecurrentCellOptions = RecurrentCellOptions(),
                generator: inout RandomGenerator) {
        weights = RecurrentWeights(gates: 4, inputSize: inputSize, hiddenSize: hiddenSize, options: options,
                                   forgetGateBlock: 1, generator: &generator)
    }

    public var localParameters: [NamedParameter] { weights.localParameters }

    public func step(_ input: Tensor, _ state: LSTMState) -> LSTMState {
        let gates = weights.inputProjection(input) + weights.recurrentProjection(state.h)
        let blocks = gates.split(sizes: Array(repeating: hiddenSize, count: 4), alongAxis: 1)
        let i = blocks[0].sigmoid(), f = blocks[1].sigmoid(), g = blocks[2].tanh(), o = blocks[3].sigmoid()
        let c = f * state.c + i * g
        return LSTMState(h: o * c.tanh(), c: c)
    }

    public func runSequence(_ input: Tensor, initialState: LSTMState, mask: Tensor?, reverse: Bool) -> (states: Tensor, final: LSTMState) {
        FusedLSTM.run(weights, input: .dense(input), initialState: initialState, mask: mask, reverse: reverse)
    }

    public func runSequence(_ tokens: EmbeddedTokens, initialState: LSTMState, mask: Tensor?, reverse: Bool) -> (states: Tensor, final: LSTMState) {
        FusedLSTM.run(weights, input: FusedInput(tokens), initialState: initialState, mask: mask, reverse: reverse)
    }
}
