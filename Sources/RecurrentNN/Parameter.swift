import RecurrentTensor

/// A trainable tensor owned by a layer.
///
/// `value` is a leaf of the gradient graph: use it in the forward pass, call `backward()` on
/// the loss, and ``gradient`` holds d loss / d value. Optimizers update `value` in place
/// (``update(_:)``), which keeps it a leaf. A frozen parameter (`isTrainable == false`) does not
/// require a gradient and optimizers skip it.
public final class Parameter {
    /// The current value.
    public private(set) var value: Tensor
    /// Whether the parameter receives gradients and optimizer updates.
    public private(set) var isTrainable: Bool

    public init(_ initial: Tensor, trainable: Bool = true) {
        isTrainable = trainable
        value = trainable ? initial.detached.requiringGradient() : initial.detached
    }

    /// The gradient accumulated by `backward()` since the last ``zeroGradient()``.
    public var gradient: Tensor? { value.gradient }

    /// The shape of the value.
    public var shape: [Int] { value.shape }

    /// Forgets the accumulated gradient.
    public func zeroGradient() { value.zeroGradient() }

    /// Replaces the value (for example with loaded weights); the shape must not change.
    public func assign(_ newValue: Tensor) {
        precondition(newValue.shape == value.shape, "Parameter.assign: shape \(newValue.shape) differs from \(value.shape)")
        value = isTrainable ? newValue.detached.requiringGradient() : newValue.detached
    }

    /// Freezes or unfreezes the parameter.
    public func setTrainable(_ trainable: Bool) {
        guard trainable != isTrainable else { return }
        isTrainable = trainable
        value = trainable ? value.detached.requiringGradient() : value.detached
    }

    /// Mutates the value's elements in place (optimizer steps), keeping it a leaf.
    public func update(_ body: (UnsafeMutableBufferPointer<Float>) -> Void) {
        value.withUnsafeMutableBufferPointer(body)
    }
}

/// A parameter with its hierarchical name, such as `hidden.0.weight`.
public struct NamedParameter {
    public var name: String
    public var parameter: Parameter

    public init(_ name: String, _ parameter: Parameter) {
        self.name = name
        self.parameter = parameter
    }
}
