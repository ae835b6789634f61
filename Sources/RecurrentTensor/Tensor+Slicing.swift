extension Tensor {
    /// The sub-tensor at `index` along the leading axis (rank drops by one). Differentiable.
    public subscript(index: Int) -> Tensor {
        precondition(rank >= 1 && index >= 0 && index < shape[0], "Tensor[\(index)]: out of range for shape \(shape)")
        return self[index..<(index + 1)].reshaped(Array(shape.dropFirst()))
    }

    /// The rows `range` along the leading axis. Differentiable.
    public subscript(range: Range<Int>) -> Tensor {
        slice(alongAxis: 0, range)
    }

    /// The elements whose index along `axis` lies in `range`. Differentiable.
    public func slice(alongAxis axis: Int, _ range: Range<Int>) -> Tensor {
        let axis = Shape.normalize(axis: axis, rank: rank)
        precondition(range.lowerBound >= 0 && range.upperBound <= shape[axis],
                     "Tensor.slice: range \(range) is out of bounds for axis \(axis) of shape \(shape)")
        let result = sliceValues(axis: axis, range)
        let own = shape
        return Tensor.record(result, [self]) { g in
            var full = Tensor.zeros(own)
            full.copyBlock(from: g, axis: axis, at: range.lowerBound)
            return [full]
        }
    }

    /// Row `index` of the leading axis, unrecorded.
    func row(_ index: Int) -> Tensor {
        sliceValues(axis: 0, index..<(index + 1)).reshapedValues(Array(shape.dropFirst()))
    }

    func sliceValues(axis: Int, _ range: Range<Int>) -> Tensor {
        if range.lowerBound == 0 && range.upperBound == shape[axis] { return detached }
        var newShape = shape
        newShape[axis] = range.count
        let outer = Shape.count(Array(shape.prefix(axis)))
        let inner = Shape.count(Array(shape.dropFirst(axis + 1)))
        let sourceBlock = shape[axis] * inner, targetBlock = range.count * inner
        return Tensor(shape: newShape) { out in
            let source = storage.pointer
            for block in 0..<outer {
                (out.baseAddress! + block * targetBlock)
                    .update(from: source + block * sourceBlock + range.lowerBound * inner, count: targetBlock)
            }
        }
    }

    /// Writes `block` into this tensor along `axis` starting at `offset` (unrecorded).
    mutating func copyBlock(from block: Tensor, axis: Int, at offset: Int) {
        let outer = Shape.count(Array(shape.prefix(axis)))
        let inner = Shape.count(Array(shape.dropFirst(axis + 1)))
        let targetBlock = shape[axis] * inner, sourceBlock = block.shape[axis] * inner
        let source = block.storage.pointer
        withUnsafeMutableBufferPointer { out in
            for index in 0..<outer {
                (out.baseAddress! + index * targetBlock + offset * inner)
                    .update(from: source + index * sourceBlock, count: sourceBlock)
            }
        }
    }

    /// Joins tensors along an existing axis; all other dimensions must agree. Differentiable.
    public static func concatenate(_ tensors: [Tensor], alongAxis axis: Int = 0) -> Tensor {
        precondition(!tensors.isEmpty, "Tensor.concatenate: no tensors")
        let first = tensors[0]
        let axis = Shape.normalize(axis: axis, rank: first.rank)
        for tensor in tensors {
            precondition(tensor.rank == first.rank && (0..<first.rank).allSatisfy { $0 == axis || tensor.shape[$0] == first.shape[$0] },
                         "Tensor.concatenate: shape \(tensor.shape) does not match \(first.shape) off axis \(axis)")
        }
        var shape = first.shape
        shape[axis] = tensors.reduce(0) { $0 + $1.shape[axis] }
        var result = Tensor.zeros(shape)
        var offset = 0
        var offsets: [Int] = []
        for tensor in tensors {
            offsets.append(offset)
            result.copyBlock(from: tensor, axis: axis, at: offset)
            offset += tensor.shape[axis]
        }
        return record(result, tensors) { g in
            zip(tensors, offsets).map { tensor, start in
                tensor.requiresGradient ? g.sliceValues(axis: axis, start..<(start + tensor.shape[axis])) : nil
            }
        }
    }

    /// Splits along `axis` into pieces of the given sizes (which must add up to the axis size).
    /// Differentiable.
    public func split(sizes: [Int], alongAxis axis: Int = 0) -> [Tensor] {
        let axis = Shape.normalize(axis: axis, rank: rank)
        precondition(sizes.reduce(0, +) == shape[axis] && sizes.allSatisfy { $0 >= 0 },
                     "Tensor.split: sizes \(sizes) do not add up to \(shape[axis]) (axis \(axis) of \(shape))")
        var start = 0
        return sizes.map { size in
            defer { start += size }
            return slice(alongAxis: axis, start..<(start + size))
        }
    }

    /// Stacks equally shaped tensors along a new leading axis (or a new axis at `axis`).
    /// Differentiable.
    public static func stack(_ tensors: [Tensor], alongAxis axis: Int = 0) -> Tensor {
        precondition(!tensors.isEmpty, "Tensor.stack: no tensors")
        let first = tensors[0]
        for tensor in tensors {
            precondition(tensor.shape == first.shape, "Tensor.stack: shape \(tensor.shape) differs from \(first.shape)")
        }
        return concatenate(tensors.map { $0.unsqueezed(at: axis) }, alongAxis: axis)
    }

    /// Equally shaped tensors stacked along a new leading axis, unrecorded, with the result's
    /// full shape given (which also covers an empty list).
    static func stackValues(_ tensors: [Tensor], shape: [Int]) -> Tensor {
        Tensor(shape: shape) { out in
            var offset = 0
            for tensor in tensors {
                (out.baseAddress! + offset).update(from: tensor.storage.pointer, count: tensor.count)
                offset += tensor.count
            }
            precondition(offset == out.count, "Tensor.stack: pieces do not fill shape \(shape)")
        }
    }
}
