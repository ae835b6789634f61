import RecurrentTensor

/// A building block of a model: it owns parameters and child layers and has a training mode.
///
/// Names follow PyTorch's `state_dict` keys: a layer lists its own parameters by local name
/// (`weight`, `bias`) and each child under its name (`hidden`, `0`, `rnn`), joined with dots:
/// `hidden.0.weight`.
public protocol Layer: AnyObject {
    /// This layer's own parameters, by local name, in a stable order.
    var localParameters: [NamedParameter] { get }
    /// Child layers, by name, in a stable order.
    var children: [(name: String, layer: any Layer)] { get }
    /// True in training (dropout active), false in evaluation.
    var isTraining: Bool { get set }
}

extension Layer {
    public var localParameters: [NamedParameter] { [] }
    public var children: [(name: String, layer: any Layer)] { [] }

    /// Every parameter of this layer and its descendants, with dotted names, depth first.
    public var parameters: [NamedParameter] {
        var result = localParameters
        for (childName, child) in children {
            result += child.parameters.map { NamedParameter("\(childName).\($0.name)", $0.parameter) }
        }
        return result
    }

    /// The parameters that receive gradients.
    public var trainableParameters: [NamedParameter] { parameters.filter { $0.parameter.isTrainable } }

    /// The total number of scalar parameters.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.parameter.value.count } }

    /// Sets training or evaluation mode on this layer and all its descendants.
    public func setTraining(_ training: Bool) {
        isTraining = training
        for (_, child) in children { child.setTraining(training) }
    }

    /// Clears every parameter's gradient.
    public func zeroGradients() {
        for named in parameters { named.parameter.zeroGradient() }
    }

    /// The parameter with the given dotted name, if any.
    public func parameter(named name: String) -> Parameter? {
        parameters.first { $0.name == name }?.parameter
    }
}

/// A layer that maps one tensor to one tensor, so it can be composed in a ``Sequential``.
public protocol UnaryLayer: Layer {
    func callAsFunction(_ input: Tensor) -> Tensor
}
