extension Tensor {
    /// The rows `indices` of the leading axis, in order (an index may repeat): shape
    /// `[indices.count] + shape.dropFirst()`. This is an embedding lookup. Gradient: the
    /// output gradient's rows scatter-added back to the rows they came from.
    public func gatherRows(_ indices: [Int]) -> Tensor {
        precondition(rank >= 1, "Tensor.gatherRows: needs rank >= 1")
        let rows = shape[0], width = count / Swift.max(rows, 1)
        for index in indices {
            precondition(index >= 0 && index < rows, "Tensor.gatherRows: index \(index) is out of range for \(rows) rows")
        }
        let result = Tensor(shape: [indices.count] + shape.dropFirst()) { out in
            let source = storage.pointer
            for (position, index) in indices.enumerated() {
                (out.baseAddress! + position * width).update(from: source + index * width, count: width)
            }
        }
        return Tensor.record(result, [self]) { g in [Tensor.scatterAddValues(g, rows: indices, rowCount: rows)] }
    }

    /// A tensor of `rowCount` rows, zero except that row `indices[i]` accumulates
    /// `source[i]`: the inverse of ``gatherRows(_:)``. Gradient: the output gradient's rows
    /// gathered at `indices`.
    public static func scatterAdd(_ source: Tensor, rows indices: [Int], rowCount: Int) -> Tensor {
        precondition(source.rank >= 1 && source.shape[0] == indices.count,
                     "Tensor.scatterAdd: \(indices.count) indices for source shape \(source.shape)")
        for index in indices {
            precondition(index >= 0 && index < rowCount, "Tensor.scatterAdd: index \(index) is out of range for \(rowCount) rows")
        }
        let result = scatterAddValues(source, rows: indices, rowCount: rowCount)
        return record(result, [source]) { g in [g.gatherRows(indices).detached] }
    }

    static func scatterAddValues(_ source: Tensor, rows indices: [Int], rowCount: Int) -> Tensor {
        let width = source.shape.dropFirst().reduce(1, *)
        var result = Tensor.zeros([rowCount] + source.shape.dropFirst())
        result.withUnsafeMutableBufferPointer { out in
            let values = source.storage.pointer
            for (position, index) in indices.enumerated() {
                let target = out.baseAddress! + index * width, row = values + position * width
                for j in 0..<width { target[j] += row[j] }
            }
        }
        return result
    }

    /// One element from every slice along `axis`: `indices` holds, for each position of the
    /// other axes (row-major), the index to take along `axis`. The axis is removed. For
    /// logits `[n, classes]` and targets `[n]`, `gather(alongAxis: 1, indices: targets)` is
    /// each row's target logit. Gradient: scattered back to the picked positions.
    public func gather(alongAxis axis: Int, indices: [Int]) -> Tensor {
        let axis = Shape.normalize(axis: axis, rank: rank)
        let (outer, length, inner) = split(at: axis)
        precondition(indices.count == outer * inner,
                     "Tensor.gather: \(indices.count) indices for \(outer * inner) slices along axis \(axis) of \(shape)")
        for index in indices {
            precondition(index >= 0 && index < length, "Tensor.gather: index \(index) is out of range for axis size \(length)")
        }
        var outputShape = shape
        outputShape.remove(at: axis)
        let result = Tensor(shape: outputShape) { out in
            let source = storage.pointer
            for (position, index) in indices.enumerated() {
                let block = position / Swift.max(inner, 1), j = position % Swift.max(inner, 1)
                out[position] = source[(block * length + index) * inner + j]
            }
        }
        let own = shape
        return Tensor.record(result, [self]) { g in
            var full = Tensor.zeros(own)
            full.withUnsafeMutableBufferPointer { out in
                for (position, index) in indices.enumerated() {
                    let block = position / Swift.max(inner, 1), j = position % Swift.max(inner, 1)
                    out[(block * length + index) * inner + j] += g.storage.pointer[position]
                }
            }
            return [full]
        }
    }
}
