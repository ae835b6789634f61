import RecurrentTensor

/// The tutorial's "simplified LSTM", a teaching variant that shows what the gates do without
/// the candidate transform: input, forget and output gates as in the LSTM, but the input
/// itself (not a tanh of it) enters the cell:
///
///     i, f, o = σ(x W_iᵀ + b_i + h W_hᵀ + b_h)   (three gate blocks, in that order)
///     c' = c ∘ f + x ∘ i
///     h' = tanh(c') ∘ o
///
/// Because x enters the cell directly, inputSize must equal hiddenSize. Parameters:
/// `weight_ih` `[3·hidden, hidden]`, `weight_hh` `[3·hidden, hidden]`, `bias_ih`, `bias_hh`.
/// There is no fused kernel: it runs the plain loop (in inference one sequence at a time, so a
/// sequence gets the same bits in a padded batch as alone, as with the fused cells).
public final class SimplifiedLSTMCell: RecurrentCell {
    public typealias State = LSTMState
    public let weights: RecurrentWeights
    public var isTraining = true
    public var inputSize: Int { weights.inputSize }
    public var hiddenSize: Int { weights.hiddenSize }

    public init(hiddenSize: Int, options: RecurrentCellOptions = RecurrentCellOptions(), generator: inout RandomGenerator) {
        weights = RecurrentWeights(gates: 3, inputSize: hiddenSize, hiddenSize: hiddenSize, options: options,
                                   forgetGateBlock: 1, generator: &generator)
    }

    public var localParameters: [NamedParameter] { weights.localParameters }

    public func runSequence(_ input: Tensor, initialState: LSTMState, mask: Tensor?, reverse: Bool) -> (states: Tensor, final: LSTMState) {
        let batch = input.rank == 3 ? input.shape[1] : 0
        guard !GradientMode.isEnabled, batch > 1 else {
            return referenceSequence(input, initialState: initialState, mask: mask, reverse: reverse)
        }
        // The products' kernels depend on the number of rows; one row at a time they do not.
        let rows = (0..<batch).map { b in
            referenceSequence(input.slice(alongAxis: 1, b..<(b + 1)),
                              initialState: LSTMState(tensors: initialState.tensors.map { $0[b..<(b + 1)] }),
                              mask: mask?.slice(alongAxis: 1, b..<(b + 1)), reverse: reverse)
        }
        return (Tensor.concatenate(rows.map(\.states), alongAxis: 1),
                LSTMState(tensors: (0..<2).map { index in Tensor.concatenate(rows.map { $0.final.tensors[index] }) }))
    }

    public func step(_ input: Tensor, _ state: LSTMState) -> LSTMState {
        let gates = (weights.inputProjection(input) + weights.recurrentProjection(state.h)).sigmoid()
        let blocks = gates.split(sizes: Array(repeating: hiddenSize, count: 3), alongAxis: 1)
        let c = state.c * blocks[1] + input * blocks[0]
        return LSTMState(h: c.tanh() * blocks[2], c: c)
    }
}
