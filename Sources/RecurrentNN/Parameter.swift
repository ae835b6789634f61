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

    /// The gradient accumulated by `backward()` since the last ``zeroGradient()``, as a dense
    /// tensor (nil when there is none, or when only ``sparseGradient`` holds one).
    public var gradient: Tensor? { value.gradient }

    /// The gradient of the rows a row-sparse lookup touched (``Embedding/sparseGradients``),
    /// when no dense gradient reached this parameter too (see ``consolidateGradient()``).
    public private(set) var sparseGradient: RowSparseGradient?

    /// Whether a gradient, dense or sparse, has been accumulated.
    public var hasGradient: Bool { gradient != nil || sparseGradient != nil }

    /// The shape of the value.
    public var shape: [Int] { value.shape }

    /// Forgets the accumulated gradient.
    public func zeroGradient() {
        value.zeroGradient()
        sparseGradient = nil
    }

    /// Accumulates the gradient of rows `indices` of this matrix (`gradient` holds one row per
    /// index), sparsely: the gradient's cost follows the rows touched, not the matrix's size.
    public func accumulateRows(_ indices: [Int], gradient: Tensor, skipping: Int? = nil) {
        precondition(value.rank == 2, "Parameter.accumulateRows: the parameter is not a matrix: \(shape)")
        let sparse = sparseGradient ?? RowSparseGradient(rowLength: shape[1])
        gradient.withUnsafeBufferPointer { sparse.add(rows: indices, gradient: $0, skipping: skipping) }
        sparseGradient = sparse
    }

    /// Folds a sparse gradient into the dense one when both exist (a table that is looked up
    /// sparsely and also used whole, as a tied decoder), so an update sees one gradient.
    /// Optimizers and clipping call it first.
    public func consolidateGradient() {
        guard let sparse = sparseGradient, value.gradient != nil else { return }
        value.withUnsafeMutableGradientBuffer { sparse.add(into: $0) }
        sparseGradient = nil
    }

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
