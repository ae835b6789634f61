import RecurrentTensor

/// The simple (Elman) recurrent network, the tutorial's `S_t = f(X_t W_in + S_{t-1} W_recur)`,
/// as PyTorch's `nn.RNNCell`:
///
///     h' = f(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh),   f = tanh or ReLU
///
/// so `W_in = weight_ihᵀ` and `W_recur = weight_hhᵀ`. Parameters: `weight_ih`
/// `[hidden, input]`, `weight_hh` `[hidden, hidden]`, `bias_ih`, `bias_hh` `[hidden]`.
public final class RNNCell: RecurrentCell {
    public typealias State = HiddenState

    public enum Nonlinearity: String, Sendable, Codable {
        case tanh, relu
    }

    public let weights: RecurrentWeights
    public let nonlinearity: Nonlinearity
    public var isTraining = true
    public var inputSize: Int { weights.inputSize }
    public var hiddenSize: Int { weights.hiddenSize }

    public init(inputSize: Int, hiddenSize: Int, nonlinearity: Nonlinearity = .tanh,
                options: RecurrentCellOptions = RecurrentCellOptions(), generator: inout RandomGenerator) {
        self.nonlinearity = nonlinearity
        weights = RecurrentWeights(gates: 1, inputSize: inputSize, hiddenSize: hiddenSize, options: options, generator: &generator)
    }

    public var localParameters: [NamedParameter] { weights.localParameters }

    public func step(_ input: Tensor, _ state: HiddenState) -> HiddenState {
        let preactivation = weights.inputProjection(input) + weights.recurrentProjection(state.h)
        return HiddenState(h: nonlinearity == .tanh ? preactivation.tanh() : preactivation.relu())
    }

    public func runSequence(_ input: Tensor, initialState: HiddenState, mask: Tensor?, reverse: Bool) -> (states: Tensor, final: HiddenState) {
        FusedRNN.run(weights, relu: nonlinearity == .relu, input: .dense(input), initialState: initialState, mask: mask, reverse: reverse)
    }

    public func runSequence(_ tokens: EmbeddedTokens, initialState: HiddenState, mask: Tensor?, reverse: Bool) -> (states: Tensor, final: HiddenState) {
        FusedRNN.run(weights, relu: nonlinearity == .relu, input: FusedInput(tokens), initialState: initialState, mask: mask,
                     reverse: reverse)
    }
}
