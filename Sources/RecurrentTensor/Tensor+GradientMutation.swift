// In-place access to a leaf's accumulated gradient, for gradient clipping, gradient scaling
// (loss scaling, accumulation over micro-batches) and tests that feed known gradients.

extension Tensor {
    /// Replaces the accumulated gradient of a leaf (nil clears it, like ``zeroGradient()``).
    ///
    /// The gradient must have this tensor's shape; it is stored detached from the gradient graph.
    /// Does nothing for a tensor that is not a leaf requiring a gradient, as ``gradient`` is
    /// always nil there.
    public func setGradient(_ newGradient: Tensor?) {
        guard let node, node.isLeaf else { return }
        if let newGradient {
            precondition(newGradient.shape == shape,
                         "Tensor.setGradient: gradient shape \(newGradient.shape) differs from tensor shape \(shape)")
            node.gradient = newGradient.detached
        } else {
            node.gradient = nil
        }
    }

    /// Calls `body` with the accumulated gradient of a leaf, for writing in place; returns nil
    /// without calling it when there is no gradient.
    ///
    /// The gradient's storage is copied first only when another tensor shares it (for example
    /// the same upstream gradient handed to two leaves by an addition), so the other tensor
    /// never sees the change.
    @discardableResult
    public func withUnsafeMutableGradientBuffer<Result>(
        _ body: (UnsafeMutableBufferPointer<Float>) throws -> Result
    ) rethrows -> Result? {
        guard let node, node.isLeaf, node.gradient != nil else { return nil }
        return try node.gradient!.withUnsafeMutableBufferPointer(body)
    }

    /// Replaces the accumulated gradient `g` of a leaf with `body(g)`, keeping the shape; does
    /// nothing when there is no gradient.
    public func mutateGradient(_ body: (inout Tensor) throws -> Void) rethrows {
        guard let node, node.isLeaf, var gradient = node.gradient else { return }
        node.gradient = nil  // so `gradient` is the storage's only owner and writes stay in place
        defer {
            precondition(gradient.shape == shape,
                         "Tensor.mutateGradient: the gradient's shape changed from \(shape) to \(gradient.shape)")
            node.gradient = gradient.detached
        }
        try body(&gradient)
    }

    /// Multiplies the accumulated gradient of a leaf by `factor` in place: `g ← factor · g`.
    /// Does nothing when there is no gradient.
    public func scaleGradient(by factor: Float) {
        withUnsafeMutableGradientBuffer { gradient in
            for index in gradient.indices { gradient[index] *= factor }
        }
    }
}
