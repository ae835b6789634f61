import RecurrentTensor

/// The state a recurrent cell carries from one time step to the next.
public protocol RecurrentState {
    /// How many tensors the state holds (1 for h; 2 for h and c).
    static var tensorCount: Int { get }
    /// The state's tensors, each `[batch, hiddenSize]` (h, or h and c).
    var tensors: [Tensor] { get }
    init(tensors: [Tensor])
}

extension RecurrentState {
    /// The output of the step that produced this state (h).
    public var output: Tensor { tensors[0] }

    /// The same values cut from the gradient graph: truncated backpropagation through time
    /// carries a state across calls this way.
    public var detached: Self { Self(tensors: tensors.map(\.detached)) }

    /// Per row, this state where `keep` is 1 and `previous` where it is 0 (`keep` is `[batch, 1]`).
    public func blended(with previous: Self, keep: Tensor) -> Self {
        Self(tensors: zip(tensors, previous.tensors).map { new, old in new * keep + old * (1 - keep) })
    }
}

/// The state of an Elman RNN or a GRU: the hidden state h `[batch, hiddenSize]`.
public struct HiddenState: RecurrentState {
    public var h: Tensor
    public init(h: Tensor) { self.h = h }
    public static var tensorCount: Int { 1 }
    public init(tensors: [Tensor]) { h = tensors[0] }
    public var tensors: [Tensor] { [h] }
}

/// The state of an LSTM: hidden state h and cell state c, each `[batch, hiddenSize]`.
public struct LSTMState: RecurrentState {
    public var h: Tensor
    public var c: Tensor
    public init(h: Tensor, c: Tensor) {
        self.h = h
        self.c = c
    }
    public static var tensorCount: Int { 2 }
    public init(tensors: [Tensor]) { (h, c) = (tensors[0], tensors[1]) }
    public var tensors: [Tensor] { [h, c] }
}

/// One recurrent cell: parameters and a single time step. A sequence layer
/// (``RecurrentLayer``) runs any cell over whole sequences, stacked and in both directions.
///
/// Parameter local names are PyTorch's without the layer suffix (`weight_ih`, `weight_hh`,
/// `bias_ih`, `bias_hh`); the sequence layer adds `_l{k}` and `_reverse`.
public protocol RecurrentCell: Layer {
    associatedtype State: RecurrentState
    var inputSize: Int { get }
    var hiddenSize: Int { get }

    /// The all-zero state for `batchSize` sequences.
    func zeroState(batchSize: Int) -> State

    /// One time step: input `[batch, inputSize]` and the previous state → the new state
    /// (whose ``RecurrentState/output`` is the step's output `[batch, hiddenSize]`).
    func step(_ input: Tensor, _ state: State) -> State

    /// The whole sequence for one direction: `input` is time-major `[time, batch, inputSize]`;
    /// returns the states after each step `[time, batch, hiddenSize]` (for rows whose sequence
    /// has ended, the carried state) and the final state. `mask` is time-major `[time, batch]`
    /// (1 where a sequence has an element, 0 after its end), nil when all are full length.
    /// With `reverse`, steps run from the last time index to the first.
    ///
    /// The default is the plain loop over ``step(_:_:)``; LSTM, GRU and RNN cells replace it
    /// with a fused kernel that computes the same thing.
    func runSequence(_ input: Tensor, initialState: State, mask: Tensor?, reverse: Bool) -> (states: Tensor, final: State)

    /// The same with tokens for input, whose vectors (``EmbeddedTokens/vectors``) are `input`.
    /// The default runs ``runSequence(_:initialState:mask:reverse:)-(Tensor,_,_,_)`` on the
    /// vectors; the fused cells multiply the embedding table by W_ih once instead of every
    /// token's vector.
    func runSequence(_ tokens: EmbeddedTokens, initialState: State, mask: Tensor?, reverse: Bool) -> (states: Tensor, final: State)
}

extension RecurrentCell {
    public func zeroState(batchSize: Int) -> State {
        State(tensors: Array(repeating: Tensor.zeros([batchSize, hiddenSize]), count: State.tensorCount))
    }

    public func runSequence(_ input: Tensor, initialState: State, mask: Tensor?, reverse: Bool) -> (states: Tensor, final: State) {
        referenceSequence(input, initialState: initialState, mask: mask, reverse: reverse)
    }

    public func runSequence(_ tokens: EmbeddedTokens, initialState: State, mask: Tensor?, reverse: Bool) -> (states: Tensor, final: State) {
        runSequence(tokens.vectors, initialState: initialState, mask: mask, reverse: reverse)
    }

    /// The plain loop, equivalent to:
    ///
    ///     for t in (reverse ? time.reversed() : time) {
    ///         let next = step(input[t], state)
    ///         state = mask == nil ? next : next.blended(with: state, keep: mask[t])
    ///         states[t] = state.output
    ///     }
    ///
    /// Fused kernels are tested against it.
    public func referenceSequence(_ input: Tensor, initialState: State, mask: Tensor?, reverse: Bool) -> (states: Tensor, final: State) {
        precondition(input.rank == 3 && input.shape[2] == inputSize,
                     "\(Self.self): input shape \(input.shape) is not [time, batch, \(inputSize)]")
        let time = input.shape[0]
        var state = initialState
        var outputs = [Tensor?](repeating: nil, count: time)
        for t in reverse ? Array((0..<time).reversed()) : Array(0..<time) {
            let next = step(input[t], state)
            state = mask.map { next.blended(with: state, keep: $0[t].unsqueezed(at: 1)) } ?? next
            outputs[t] = state.output
        }
        let batch = input.shape[1]
        let states = time == 0 ? Tensor.zeros([0, batch, hiddenSize]) : Tensor.stack(outputs.map { $0! })
        return (states, state)
    }
}
