import RecurrentNN

/// The architecture of an agent's policy: a body (feed-forward or recurrent) and two heads on its
/// features, the actor (action logits) and the critic (the state's value).
public struct PolicySettings: Codable, Equatable, Sendable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case mlp, rnn, gru, lstm

        public var isRecurrent: Bool { self != .mlp }
    }

    public var kind: Kind
    /// The recurrent layer's hidden size, or the width of each of the MLP body's layers.
    public var hiddenSize: Int
    /// Layers of the MLP body (ignored by recurrent bodies).
    public var mlpLayers: Int
    /// Hidden layer sizes of each head (empty: the heads are linear).
    public var headSizes: [Int]
    public var activation: Activation

    public static let defaultHiddenSize = 64
    public static let defaultHeadSizes = [64]

    public init(kind: Kind = .lstm, hiddenSize: Int = defaultHiddenSize, mlpLayers: Int = 2, headSizes: [Int] = defaultHeadSizes,
                activation: Activation = .tanh) {
        self.kind = kind
        self.hiddenSize = hiddenSize
        self.mlpLayers = mlpLayers
        self.headSizes = headSizes
        self.activation = activation
    }

    /// Why these settings are invalid, or nil.
    public var problem: String? {
        if !(1...4096).contains(hiddenSize) { return "the hidden size must be in 1...4096" }
        if !(1...8).contains(mlpLayers) { return "the MLP body needs 1 to 8 layers" }
        if !headSizes.allSatisfy({ (1...4096).contains($0) }) || headSizes.count > 8 {
            return "head sizes must be in 1...4096 (at most 8 layers)"
        }
        return nil
    }
}
