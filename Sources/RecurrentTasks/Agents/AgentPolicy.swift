import RecurrentNN
import RecurrentTensor

/// An actor-critic policy over discrete actions: a body (``PolicyBody``: an MLP, or an RNN, GRU
/// or LSTM whose state carries memory across steps), then two heads on the body's features f:
///
///     logits = actor(f)     π(a | history) = softmax(logits)_a        [batch, actions]
///     value  = critic(f)    V(history), the expected discounted return  [batch]
///
/// Each head is `Linear → activation` layers then a Linear output. Initialization follows
/// Stable-Baselines3 and CleanRL: orthogonal weights (gain √2 in hidden layers, 0.01 for the
/// actor's output so the first policy is nearly uniform, 1 for the critic's), zero biases; the
/// recurrent layer keeps PyTorch's default.
///
/// Parameters: `body.…` (`body.rnn.weight_ih_l0`, … or `body.layers.0.weight`, …), `actor.N.weight`,
/// `critic.N.weight` and biases.
public final class AgentPolicy: Layer {
    public let settings: PolicySettings
    public let observationSize: Int
    public let actionCount: Int
    public let body: any PolicyBody
    public let actor: Sequential
    public let critic: Sequential
    public var isTraining = true

    public init(settings: PolicySettings, observationSize: Int, actionCount: Int, generator: inout RandomGenerator) {
        precondition(settings.problem == nil && observationSize >= 1 && actionCount >= 1, "AgentPolicy: invalid settings")
        self.settings = settings
        self.observationSize = observationSize
        self.actionCount = actionCount
        let hidden = settings.hiddenSize
        switch settings.kind {
        case .mlp:
            body = FeedForwardBody(inputSize: observationSize, hiddenSizes: Array(repeating: hidden, count: settings.mlpLayers),
                                   activation: settings.activation, generator: &generator)
        case .rnn: body = RecurrentBody(RNN(inputSize: observationSize, hiddenSize: hidden, generator: &generator))
        case .gru: body = RecurrentBody(GRU(inputSize: observationSize, hiddenSize: hidden, generator: &generator))
        case .lstm: body = RecurrentBody(LSTM(inputSize: observationSize, hiddenSize: hidden, generator: &generator))
        }
        actor = Self.head(inputSize: body.featureSize, sizes: settings.headSizes, outputs: actionCount, outputGain: 0.01,
                          activation: settings.activation, generator: &generator)
        critic = Self.head(inputSize: body.featureSize, sizes: settings.headSizes, outputs: 1, outputGain: 1,
                           activation: settings.activation, generator: &generator)
    }

    private static func head(inputSize: Int, sizes: [Int], outputs: Int, outputGain: Float, activation: Activation,
                             generator: inout RandomGenerator) -> Sequential {
        var layers: [any UnaryLayer] = []
        var width = inputSize
        for size in sizes {
            layers.append(Linear(inputSize: width, outputSize: size, weightInitializer: .orthogonal(gain: Float(2).squareRoot()),
                                 biasInitializer: .constant(0), generator: &generator))
            layers.append(ActivationLayer(activation))
            width = size
        }
        layers.append(Linear(inputSize: width, outputSize: outputs, weightInitializer: .orthogonal(gain: outputGain),
                             biasInitializer: .constant(0), generator: &generator))
        return Sequential(layers)
    }

    public var children: [(name: String, layer: any Layer)] { [("body", body), ("actor", actor), ("critic", critic)] }

    public var isRecurrent: Bool { body.isRecurrent }

    /// The state at an episode's start for `batch` copies (empty for an MLP).
    public func initialState(batch: Int) -> [Tensor] { body.zeroState(batch: batch) }

    /// One step for a batch of copies: observations `[batch, observationSize]` and the state →
    /// logits `[batch, actions]`, values `[batch]` and the next state.
    public func step(_ observations: Tensor, state: [Tensor]) -> (logits: Tensor, values: Tensor, state: [Tensor]) {
        let (features, next) = body.step(observations, state: state)
        return (actor(features), critic(features).reshaped([observations.shape[0]]), next)
    }

    /// Replays rollout sequences with gradients (truncated backpropagation through each segment):
    /// `observations` sequence-major `[sequences · time, observationSize]`, `episodeStarts[s][t]`,
    /// and each sequence's state at its first step (`[sequences, hidden]` tensors). The state is
    /// reset to zero at every episode start inside a sequence (see ``EpisodePieces``).
    /// Returns logits `[sequences · time, actions]` and values `[sequences · time]`, sequence-major.
    public func replay(observations: Tensor, episodeStarts: [[Bool]], initialState: [Tensor]) -> (logits: Tensor, values: Tensor) {
        let rows = observations.shape[0]
        let features: Tensor
        if body.isRecurrent {
            let pieces = EpisodePieces(episodeStarts: episodeStarts)
            let input = observations.withUnsafeBufferPointer { pieces.input($0, features: observationSize) }
            let output = body.sequences(input, initialState: initialState.map { pieces.initialState($0.detached) },
                                        lengths: pieces.lengths)
            features = output.reshaped([pieces.pieces.count * pieces.longest, body.featureSize]).gatherRows(pieces.outputRows)
        } else {
            features = body.sequences(observations, initialState: [], lengths: [])
        }
        return (actor(features), critic(features).reshaped([rows]))
    }
}
