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
    /// Counts changes of the value; derived layouts are rebuilt when it moves.
    public private(set) var version = 0
    private var derivedValues: [String: (version: Int, value: AnyObject)] = [:]

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
        version += 1
    }

    /// Freezes or unfreezes the parameter.
    public func setTrainable(_ trainable: Bool) {
        guard trainable != isTrainable else { return }
        isTrainable = trainable
        value = trainable ? value.detached.requiringGradient() : value.detached
        version += 1
    }

    /// Mutates the value's elements in place (optimizer steps), keeping it a leaf.
    public func update(_ body: (UnsafeMutableBufferPointer<Float>) -> Void) {
        value.withUnsafeMutableBufferPointer(body)
        version += 1
    }

    /// A value derived from this parameter's current value (such as its packed layout for the
    /// GEMM kernels), built by `make` on first use and again after every change of the value.
    /// Inference that multiplies by the same weights over and over packs them once.
    public func derived<Derived: AnyObject>(_ key: String, make: (Tensor) -> Derived) -> Derived {
        if let value: Derived = derivedIfCurrent(key) { return value }
        let value = make(self.value)
        derivedValues[key] = (version, value)
        return value
    }

    /// The value `derived(key, make:)` made, if it was made from the current value.
    public func derivedIfCurrent<Derived: AnyObject>(_ key: String) -> Derived? {
        guard let cached = derivedValues[key], cached.version == version else { return nil }
        return cached.value as? Derived
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
