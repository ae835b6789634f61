import RecurrentTensor

/// Gated recurrent unit (Cho et al. 2014), as PyTorch's `nn.GRUCell`, with the reset gate
/// applied after the recurrent product:
///
///     r = σ(x W_irᵀ + b_ir + h W_hrᵀ + b_hr)           reset gate
///     z = σ(x W_izᵀ + b_iz + h W_hzᵀ + b_hz)           update gate
///     n = tanh(x W_inᵀ + b_in + r ∘ (h W_hnᵀ + b_hn))  candidate
///     h' = (1 - z) ∘ n + z ∘ h
///
/// Three gate blocks (r, z, n) instead of the LSTM's four, and no separate cell state.
/// Parameters: `weight_ih` `[3·hidden, input]`, `weight_hh` `[3·hidden, hidden]`, `bias_ih`,
/// `bias_hh` `[3·hidden]`.
public final class GRUCell: RecurrentCell {
    public typealias State = HiddenState
    public let weights: RecurrentWeights
    public var isTraining = true
    public var inputSize: Int { weights.inputSize }
    public var hiddenSize: Int { weights.hiddenSize }

    public init(inputSize: Int, hiddenSize: Int, options: RecurrentCellOptions = RecurrentCellOptions(),
                generator: inout RandomGenerator) {
        weights = RecurrentWeights(gates: 3, inputSize: inputSize, hiddenSize: hiddenSize, options: options,
                                   forgetGateBlock: 1, generator: &generator)
    }

    public var localParameters: [NamedParameter] { weights.localParameters }

    public func step(_ input: Tensor, _ state: HiddenState) -> HiddenState {
        let sizes = Array(repeating: hiddenSize, count: 3)
        let fromInput = weights.inputProjection(input).split(sizes: sizes, alongAxis: 1)
        let fromHidden = weights.recurrentProjection(state.h).split(sizes: sizes, alongAxis: 1)
        let r = (fromInput[0] + fromHidden[0]).sigmoid()
        let z = (fromInput[1] + fromHidden[1]).sigmoid()
        let n = (fromInput[2] + r * fromHidden[2]).tanh()
        return HiddenState(h: (1 - z) * n + z * state.h)
    }

    public func runSequence(_ input: Tensor, initialState: HiddenState, mask: Tensor?, reverse: Bool) -> (states: Tensor, final: HiddenState) {
        FusedGRU.run(weights, input: .dense(input), initialState: initialState, mask: mask, reverse: reverse)
    }

    public func runSequence(_ tokens: EmbeddedTokens, initialState: HiddenState, mask: Tensor?, reverse: Bool) -> (states: Tensor, final: HiddenState) {
        FusedGRU.run(weights, input: FusedInput(tokens), initialState: initialState, mask: mask, reverse: reverse)
    }
}
