extension Tensor {
    /// The same elements with a new shape of equal element count. One dimension may be -1,
    /// inferred from the others. Differentiable.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        let resolved = resolveShape(newShape)
        let result = reshapedValues(resolved)
        let own = shape
        return Tensor.record(result, [self]) { g in [g.reshapedValues(own)] }
    }

    func resolveShape(_ newShape: [Int]) -> [Int] {
        let inferred = newShape.filter { $0 == -1 }.count
        precondition(inferred <= 1 && newShape.allSatisfy { $0 >= -1 }, "Tensor.reshaped: invalid shape \(newShape)")
        var resolved = newShape
        if inferred == 1 {
            let known = newShape.filter { $0 != -1 }.reduce(1, *)
            precondition(known > 0 && count % known == 0, "Tensor.reshaped: cannot reshape \(shape) to \(newShape)")
            resolved[newShape.firstIndex(of: -1)!] = count / known
        }
        precondition(Shape.count(resolved) == count, "Tensor.reshaped: cannot reshape \(shape) (\(count) elements) to \(newShape)")
        return resolved
    }

    /// Reshape without recording (shares storage).
    @inlinable
    func reshapedValues(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, storage: storage)
    }

    /// Collapses all axes from `startAxis` on into one.
    public func flattened(from startAxis: Int = 0) -> Tensor {
        let start = rank == 0 ? 0 : Shape.normalize(axis: startAxis, rank: rank)
        return reshaped(Array(shape.prefix(start)) + [Shape.count(Array(shape.dropFirst(start)))])
    }

    /// Inserts an axis of size 1 at `axis` (which may equal rank, to append).
    public func unsqueezed(at axis: Int) -> Tensor {
        let position = axis < 0 ? axis + rank + 1 : axis
        precondition(position >= 0 && position <= rank, "Tensor.unsqueezed: axis \(axis) out of range for shape \(shape)")
        var newShape = shape
        newShape.insert(1, at: position)
        return reshaped(newShape)
    }

    /// Removes an axis of size 1.
    public func squeezed(at axis: Int) -> Tensor {
        let position = Shape.normalize(axis: axis, rank: rank)
        precondition(shape[position] == 1, "Tensor.squeezed: axis \(axis) of shape \(shape) has size \(shape[position]), not 1")
        var newShape = shape
        newShape.remove(at: position)
        return reshaped(newShape)
    }

    /// The axes reordered: result axis i is input axis `axes[i]`. Differentiable.
    public func permuted(_ axes: [Int]) -> Tensor {
        precondition(axes.sorted() == Array(0..<rank), "Tensor.permuted: \(axes) is not a permutation of the axes of \(shape)")
        if axes == Array(0..<rank) { return self }
        let result = permutedValues(axes)
        var inverse = [Int](repeating: 0, count: rank)
        for (position, axis) in axes.enumerated() { inverse[axis] = position }
        return Tensor.record(result, [self]) { g in [g.permutedValues(inverse)] }
    }

    /// The transpose of a matrix, or of the last two axes of a higher-rank tensor.
    public func transposed() -> Tensor {
        precondition(rank >= 2, "Tensor.transposed: needs rank >= 2, shape is \(shape)")
        var axes = Array(0..<rank)
        axes.swapAt(rank - 1, rank - 2)
        return permuted(axes)
    }

    /// Swaps two axes.
    public func transposed(_ first: Int, _ second: Int) -> Tensor {
        var axes = Array(0..<rank)
        axes.swapAt(Shape.normalize(axis: first, rank: rank), Shape.normalize(axis: second, rank: rank))
        return permuted(axes)
    }

    func permutedValues(_ axes: [Int]) -> Tensor {
        let newShape = axes.map { shape[$0] }
        let sourceStrides = Shape.strides(shape)
        let readStrides = axes.map { sourceStrides[$0] }
        if rank == 2 {
            let (rows, columns) = (newShape[0], newShape[1])
            return Tensor(shape: newShape) { out in
                let source = storage.pointer
                // Blocked so both the reads and the writes stay within a few cache lines.
                let block = 32
                for rowBlock in stride(from: 0, to: rows, by: block) {
                    for columnBlock in stride(from: 0, to: columns, by: block) {
                        for row in rowBlock..<Swift.min(rowBlock + block, rows) {
                            for column in columnBlock..<Swift.min(columnBlock + block, columns) {
                                out[row * columns + column] = source[row * readStrides[0] + column * readStrides[1]]
                            }
                        }
                    }
                }
            }
        }
        return Tensor(shape: newShape) { out in
            let source = storage.pointer
            let inner = newShape.last ?? 1
            let innerStride = readStrides.last ?? 1
            Tensor.forEachRow(of: newShape, readStrides, readStrides) { outOffset, sourceOffset, _ in
                for j in 0..<inner { out[outOffset + j] = source[sourceOffset + j * innerStride] }
            }
        }
    }
}
