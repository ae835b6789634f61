import RecurrentTensor

/// The nonlinearities of the model ladder, as values (for ``MLP`` and recurrent cells) and as
/// layers (for ``Sequential``).
public enum Activation: String, Sendable, CaseIterable, Codable {
    case tanh, sigmoid, relu, identity

    public func callAsFunction(_ x: Tensor) -> Tensor {
        switch self {
        case .tanh: return x.tanh()
        case .sigmoid: return x.sigmoid()
        case .relu: return x.relu()
        case .identity: return x
        }
    }
}

/// An elementwise activation as a layer.
public final class ActivationLayer: UnaryLayer {
    public let activation: Activation
    public var isTraining = true
    public init(_ activation: Activation) { self.activation = activation }
    public func callAsFunction(_ input: Tensor) -> Tensor { activation(input) }
}

/// Softmax over the last axis, as a layer.
public final class Softmax: UnaryLayer {
    public var isTraining = true
    public init() {}
    public func callAsFunction(_ input: Tensor) -> Tensor { input.softmax() }
}

/// Log-softmax over the last axis, as a layer.
public final class LogSoftmax: UnaryLayer {
    public var isTraining = true
    public init() {}
    public func callAsFunction(_ input: Tensor) -> Tensor { input.logSoftmax() }
}

/// Layers applied in order; children are named "0", "1", ... as in PyTorch's `nn.Sequential`.
public final class Sequential: UnaryLayer {
    public let layers: [any UnaryLayer]
    public var isTraining = true

    public init(_ layers: [any UnaryLayer]) { self.layers = layers }

    public var children: [(name: String, layer: any Layer)] {
        layers.enumerated().map { ("\($0.offset)", $0.element as any Layer) }
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        layers.reduce(input) { $1($0) }
    }
}
