extension Tensor {
    /// Applies `operation` elementwise to two tensors broadcast against each other (NumPy
    /// rules). Not recorded: the differentiable operators are built on it.
    @inline(__always)
    static func broadcastingZip(_ lhs: Tensor, _ rhs: Tensor, _ function: StaticString,
                                _ operation: (Float, Float) -> Float) -> Tensor {
        if lhs.shape == rhs.shape {
            return Tensor(shape: lhs.shape) { out in
                let a = lhs.storage.pointer, b = rhs.storage.pointer
                for index in 0..<out.count { out[index] = operation(a[index], b[index]) }
            }
        }
        guard let shape = Shape.broadcast(lhs.shape, rhs.shape) else {
            preconditionFailure("\(function): shapes \(lhs.shape) and \(rhs.shape) cannot be broadcast together")
        }
        if rhs.count == 1 {
            let value = rhs.storage.pointer[0]
            return Tensor(shape: shape) { out in
                let a = lhs.storage.pointer
                if lhs.count == out.count {
                    for index in 0..<out.count { out[index] = operation(a[index], value) }
                } else {
                    for index in 0..<out.count { out[index] = operation(a[0], value) }
                }
            }
        }
        if lhs.count == 1 {
            let value = lhs.storage.pointer[0]
            return Tensor(shape: shape) { out in
                let b = rhs.storage.pointer
                if rhs.count == out.count {
                    for index in 0..<out.count { out[index] = operation(value, b[index]) }
                } else {
                    for index in 0..<out.count { out[index] = operation(value, b[0]) }
                }
            }
        }
        let lhsStrides = broadcastStrides(lhs.shape, to: shape), rhsStrides = broadcastStrides(rhs.shape, to: shape)
        return Tensor(shape: shape) { out in
            let a = lhs.storage.pointer, b = rhs.storage.pointer
            let inner = shape.last ?? 1
            let lhsInner = lhsStrides.last ?? 0, rhsInner = rhsStrides.last ?? 0
            forEachRow(of: shape, lhsStrides, rhsStrides) { outOffset, lhsOffset, rhsOffset in
                let o = out.baseAddress! + outOffset, x = a + lhsOffset, y = b + rhsOffset
                switch (lhsInner, rhsInner) {
                case (1, 1): for j in 0..<inner { o[j] = operation(x[j], y[j]) }
                case (1, _): for j in 0..<inner { o[j] = operation(x[j], y[0]) }
                case (_, 1): for j in 0..<inner { o[j] = operation(x[0], y[j]) }
                default: for j in 0..<inner { o[j] = operation(x[0], y[0]) }
                }
            }
        }
    }

    /// The strides to read a tensor of `shape` as if broadcast to `target` (0 on broadcast axes).
    static func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
        let own = Shape.strides(shape)
        let offset = target.count - shape.count
        return (0..<target.count).map { axis in
            axis < offset || shape[axis - offset] == 1 ? 0 : own[axis - offset]
        }
    }

    /// Calls `body(outputOffset, offsetA, offsetB)` for the start of every innermost row of a
    /// row-major tensor of `shape`, with the matching offsets under two stride lists.
    @inline(__always)
    static func forEachRow(of shape: [Int], _ stridesA: [Int], _ stridesB: [Int],
                           _ body: (Int, Int, Int) -> Void) {
        let rank = shape.count
        let inner = shape.last ?? 1
        let rows = inner == 0 ? 0 : Shape.count(shape) / inner
        guard rows > 0 else { return }
        var counter = [Int](repeating: 0, count: Swift.max(rank - 1, 0))
        var offsetA = 0, offsetB = 0
        for row in 0..<rows {
            body(row * inner, offsetA, offsetB)
            var axis = rank - 2
            while axis >= 0 {
                counter[axis] += 1
                offsetA += stridesA[axis]
                offsetB += stridesB[axis]
                if counter[axis] < shape[axis] { break }
                offsetA -= stridesA[axis] * shape[axis]
                offsetB -= stridesB[axis] * shape[axis]
                counter[axis] = 0
                axis -= 1
            }
        }
    }

    /// Sums this tensor down to `target`, a shape it was broadcast from: the reverse of
    /// broadcasting, used by the pullbacks of broadcasting operations.
    public func summed(toShape target: [Int]) -> Tensor {
        if shape == target { return self }
        precondition(Shape.broadcast(shape, target) == shape,
                     "Tensor.summed(toShape:): shape \(shape) is not a broadcast of \(target)")
        let targetStrides = Tensor.broadcastStrides(target, to: shape)
        var result = Tensor.zeros(target)
        let source = storage.pointer
        let inner = shape.last ?? 1
        let innerStride = targetStrides.last ?? 0
        result.withUnsafeMutableBufferPointer { out in
            let o = out.baseAddress!
            Tensor.forEachRow(of: shape, targetStrides, targetStrides) { sourceOffset, targetOffset, _ in
                let x = source + sourceOffset, y = o + targetOffset
                if innerStride == 1 {
                    for j in 0..<inner { y[j] += x[j] }
                } else {
                    var sum: Float = 0
                    for j in 0..<inner { sum += x[j] }
                    y[0] += sum
                }
            }
        }
        return result
    }

    /// This tensor broadcast (copied) to a larger shape. Differentiable.
    public func broadcast(to target: [Int]) -> Tensor {
        if shape == target { return self }
        precondition(Shape.broadcast(shape, target) == target,
                     "Tensor.broadcast(to:): shape \(shape) cannot be broadcast to \(target)")
        let result = Tensor.broadcastingZip(self, Tensor.zeros(target), "Tensor.broadcast(to:)") { value, _ in value }
        let own = shape
        return Tensor.record(result, [self]) { gradient in [gradient.summed(toShape: own)] }
    }
}
