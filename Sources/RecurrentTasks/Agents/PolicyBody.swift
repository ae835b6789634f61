import RecurrentNN
import RecurrentTensor

/// The part of a policy that reads observations and produces features for the actor and critic
/// heads: feed-forward (``FeedForwardBody``) or recurrent (``RecurrentBody``), whose state carries
/// what the agent has seen.
///
/// The state is a list of tensors `[batch, hiddenSize]` (none for a feed-forward body; h for an
/// RNN or GRU; h and c for an LSTM), so the agent code is the same for every body.
public protocol PolicyBody: Layer {
    /// The width of the features, `[batch, featureSize]`.
    var featureSize: Int { get }
    /// Whether the body has a state (and so needs whole sequences in training).
    var isRecurrent: Bool { get }
    /// The all-zero state of `batch` rows (the state at an episode's start).
    func zeroState(batch: Int) -> [Tensor]
    /// One time step for a batch: observations `[batch, observationSize]` → features
    /// `[batch, featureSize]` and the next state.
    func step(_ observations: Tensor, state: [Tensor]) -> (features: Tensor, state: [Tensor])
    /// Whole sequences: observations `[batch, time, observationSize]`, each row's state before its
    /// first step, and each row's length (the rest is padding) → features `[batch, time, featureSize]`.
    func sequences(_ observations: Tensor, initialState: [Tensor], lengths: [Int]) -> Tensor
}

/// A feed-forward body: `Linear → activation` layers (parameters `layers.0.weight`, ...).
public final class FeedForwardBody: PolicyBody {
    public let layers: Sequential
    public let featureSize: Int
    public var isTraining = true

    public init(inputSize: Int, hiddenSizes: [Int], activation: Activation, generator: inout RandomGenerator) {
        var modules: [any UnaryLayer] = []
        var width = inputSize
        for size in hiddenSizes {
            modules.append(Linear(inputSize: width, outputSize: size, weightInitializer: .orthogonal(gain: Float(2).squareRoot()),
                                  biasInitializer: .constant(0), generator: &generator))
            modules.append(ActivationLayer(activation))
            width = size
        }
        layers = Sequential(modules)
        featureSize = width
    }

    public var children: [(name: String, layer: any Layer)] { [("layers", layers)] }
    public var isRecurrent: Bool { false }
    public func zeroState(batch: Int) -> [Tensor] { [] }

    public func step(_ observations: Tensor, state: [Tensor]) -> (features: Tensor, state: [Tensor]) {
        (layers(observations), [])
    }

    public func sequences(_ observations: Tensor, initialState: [Tensor], lengths: [Int]) -> Tensor {
        layers(observations)
    }
}

/// A recurrent body: one ``RecurrentLayer`` of any cell (`weight_ih_l0`, `weight_hh_l0`, ...,
/// PyTorch's names), whose hidden state h is the feature vector.
public final class RecurrentBody<Cell: RecurrentCell>: PolicyBody {
    public let network: RecurrentLayer<Cell>
    public var isTraining = true

    public init(_ network: RecurrentLayer<Cell>) {
        precondition(network.directions == 1, "RecurrentBody: a policy reads time forwards only")
        self.network = network
    }

    public var children: [(name: String, layer: any Layer)] { [("rnn", network)] }
    public var featureSize: Int { network.hiddenSize }
    public var isRecurrent: Bool { true }

    public func zeroState(batch: Int) -> [Tensor] {
        network.zeroStates(batchSize: batch).flatMap(\.tensors)
    }

    /// Flat tensors (layer by layer, each cell's h then c) → the layer's states.
    private func states(_ tensors: [Tensor]) -> [Cell.State] {
        let perCell = Cell.State.tensorCount
        precondition(tensors.count == perCell * network.cells.count, "RecurrentBody: \(tensors.count) state tensors")
        return (0..<network.cells.count).map { Cell.State(tensors: Array(tensors[(perCell * $0)..<(perCell * $0 + perCell)])) }
    }

    public func step(_ observations: Tensor, state: [Tensor]) -> (features: Tensor, state: [Tensor]) {
        let batch = observations.shape[0]
        let (output, next) = network(observations.reshaped([batch, 1, observations.shape[1]]), initialStates: states(state))
        return (output.reshaped([batch, featureSize]), next.flatMap(\.tensors))
    }

    public func sequences(_ observations: Tensor, initialState: [Tensor], lengths: [Int]) -> Tensor {
        let full = lengths.allSatisfy { $0 == observations.shape[1] }
        return network(observations, initialStates: states(initialState), lengths: full ? nil : lengths).output
    }
}
