import RecurrentTensor

/// A recurrent stack with its cell type erased, for models that let the user pick RNN, GRU or
/// LSTM. States are flattened in PyTorch's order: every cell's h (layer-major, forward first),
/// then, for an LSTM, every cell's c, so `states[0..<cells]` are PyTorch's `h_n` and
/// `states[cells...]` its `c_n`.
public protocol RecurrentNetwork: Layer {
    var inputSize: Int { get }
    var hiddenSize: Int { get }
    var layerCount: Int { get }
    var directions: Int { get }
    /// Tensors per cell state (1 for RNN and GRU, 2 for LSTM).
    var stateTensorsPerCell: Int { get }
    /// Zero states for `batchSize` sequences, flattened.
    func zeroStateTensors(batchSize: Int) -> [Tensor]
    /// Runs the stack; see ``RecurrentLayer/callAsFunction(_:initialStates:lengths:)``.
    func run(_ input: Tensor, states: [Tensor]?, lengths: [Int]?) -> (output: Tensor, states: [Tensor])
    /// Runs the stack over tokens and the embedding they index; see
    /// ``RecurrentLayer/callAsFunction(_:initialStates:lengths:)-(EmbeddedTokens,_,_)``.
    func run(_ tokens: EmbeddedTokens, states: [Tensor]?, lengths: [Int]?) -> (output: Tensor, states: [Tensor])
}

extension RecurrentLayer: RecurrentNetwork {
    public var stateTensorsPerCell: Int { Cell.State.tensorCount }

    public func zeroStateTensors(batchSize: Int) -> [Tensor] {
        flatten(zeroStates(batchSize: batchSize))
    }

    public func run(_ input: Tensor, states: [Tensor]?, lengths: [Int]?) -> (output: Tensor, states: [Tensor]) {
        let (output, final) = self(input, initialStates: unflatten(states), lengths: lengths)
        return (output, flatten(final))
    }

    public func run(_ tokens: EmbeddedTokens, states: [Tensor]?, lengths: [Int]?) -> (output: Tensor, states: [Tensor]) {
        let (output, final) = self(tokens, initialStates: unflatten(states), lengths: lengths)
        return (output, flatten(final))
    }

    private func unflatten(_ states: [Tensor]?) -> [Cell.State]? {
        states.map { flat -> [Cell.State] in
            precondition(flat.count == cells.count * Cell.State.tensorCount,
                         "RecurrentNetwork: \(flat.count) state tensors for \(cells.count) cells of \(Cell.State.tensorCount)")
            return (0..<cells.count).map { cell in
                Cell.State(tensors: (0..<Cell.State.tensorCount).map { flat[$0 * cells.count + cell] })
            }
        }
    }

    private func flatten(_ states: [Cell.State]) -> [Tensor] {
        (0..<Cell.State.tensorCount).flatMap { index in states.map { $0.tensors[index] } }
    }
}

/// The recurrent cell types a model can be built with.
public enum CellKind: String, Codable, Sendable, CaseIterable {
    case lstm, gru, rnn, rnnRelu = "rnn_relu"

    /// A stack of this kind.
    public func makeNetwork(inputSize: Int, hiddenSize: Int, layers: Int, bidirectional: Bool = false, batchFirst: Bool,
                            dropout: Float = 0, options: RecurrentCellOptions = RecurrentCellOptions(),
                            generator: inout RandomGenerator) -> any RecurrentNetwork {
        switch self {
        case .lstm:
            return LSTM(inputSize: inputSize, hiddenSize: hiddenSize, layers: layers, bidirectional: bidirectional,
                        batchFirst: batchFirst, dropout: dropout, options: options, generator: &generator)
        case .gru:
            return GRU(inputSize: inputSize, hiddenSize: hiddenSize, layers: layers, bidirectional: bidirectional,
                       batchFirst: batchFirst, dropout: dropout, options: options, generator: &generator)
        case .rnn, .rnnRelu:
            return RNN(inputSize: inputSize, hiddenSize: hiddenSize, layers: layers, nonlinearity: self == .rnn ? .tanh : .relu,
                       bidirectional: bidirectional, batchFirst: batchFirst, dropout: dropout, options: options, generator: &generator)
        }
    }
}
