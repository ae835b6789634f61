extension Tensor {
    /// The sum of all elements, as a scalar tensor. Gradient: g broadcast to every element.
    public func sum() -> Tensor {
        var total: Double = 0
        withUnsafeBufferPointer { for value in $0 { total += Double(value) } }
        let result = Tensor(Float(total))
        let own = shape
        return Tensor.record(result, [self]) { g in [Tensor(repeating: g.scalar, shape: own)] }
    }

    /// The mean of all elements, as a scalar tensor.
    public func mean() -> Tensor {
        sum() * (1 / Float(Swift.max(count, 1)))
    }

    /// Sums along `axis`; the axis is removed unless `keepingDimension`. Gradient: g
    /// broadcast back along the axis.
    public func sum(alongAxis axis: Int, keepingDimension: Bool = false) -> Tensor {
        let axis = Shape.normalize(axis: axis, rank: rank)
        let (outer, length, inner) = split(at: axis)
        var keptShape = shape
        keptShape[axis] = 1
        let result = Tensor(shape: keptShape) { out in
            let source = storage.pointer
            for index in 0..<out.count { out[index] = 0 }
            for block in 0..<outer {
                let target = out.baseAddress! + block * inner
                for position in 0..<length {
                    let row = source + (block * length + position) * inner
                    for j in 0..<inner { target[j] += row[j] }
                }
            }
        }
        let own = shape
        let recorded = Tensor.record(result, [self]) { g in [g.broadcastingValues(to: own)] }
        return keepingDimension ? recorded : recorded.squeezed(at: axis)
    }

    /// Sums along several axes.
    public func sum(alongAxes axes: [Int], keepingDimensions: Bool = false) -> Tensor {
        let resolved = Set(axes.map { Shape.normalize(axis: $0, rank: rank) }).sorted(by: >)
        var result = self
        for axis in resolved { result = result.sum(alongAxis: axis, keepingDimension: keepingDimensions) }
        return result
    }

    /// The mean along `axis`.
    public func mean(alongAxis axis: Int, keepingDimension: Bool = false) -> Tensor {
        let length = shape[Shape.normalize(axis: axis, rank: rank)]
        return sum(alongAxis: axis, keepingDimension: keepingDimension) * (1 / Float(Swift.max(length, 1)))
    }

    /// The maximum along `axis`. The gradient flows to the first maximal element of each slice.
    public func max(alongAxis axis: Int, keepingDimension: Bool = false) -> Tensor {
        extremum(alongAxis: axis, keepingDimension: keepingDimension, greater: true)
    }

    /// The minimum along `axis`. The gradient flows to the first minimal element of each slice.
    public func min(alongAxis axis: Int, keepingDimension: Bool = false) -> Tensor {
        extremum(alongAxis: axis, keepingDimension: keepingDimension, greater: false)
    }

    /// The largest element (a scalar tensor); its gradient goes to the first largest element.
    public func max() -> Tensor {
        precondition(count > 0, "Tensor.max: empty tensor")
        return reshaped([count]).max(alongAxis: 0)
    }

    /// The index of the largest element along `axis` for every other position, in row-major
    /// order of the remaining axes (the first index wins ties; NaN counts as largest).
    public func argmax(alongAxis axis: Int) -> [Int] {
        let axis = Shape.normalize(axis: axis, rank: rank)
        return extremumIndices(axis: axis, greater: true)
    }

    private func extremum(alongAxis axis: Int, keepingDimension: Bool, greater: Bool) -> Tensor {
        let axis = Shape.normalize(axis: axis, rank: rank)
        precondition(shape[axis] > 0, "Tensor.max/min: axis \(axis) of shape \(shape) is empty")
        let (_, length, inner) = split(at: axis)
        let indices = extremumIndices(axis: axis, greater: greater)
        var keptShape = shape
        keptShape[axis] = 1
        let source = storage.pointer
        let result = Tensor(shape: keptShape) { out in
            for (position, index) in indices.enumerated() {
                let block = position / Swift.max(inner, 1), j = position % Swift.max(inner, 1)
                out[position] = source[(block * length + index) * inner + j]
            }
        }
        let own = shape
        let recorded = Tensor.record(result, [self]) { g in
            var full = Tensor.zeros(own)
            full.withUnsafeMutableBufferPointer { out in
                for (position, index) in indices.enumerated() {
                    let block = position / Swift.max(inner, 1), j = position % Swift.max(inner, 1)
                    out[(block * length + index) * inner + j] += g.storage.pointer[position]
                }
            }
            return [full]
        }
        return keepingDimension ? recorded : recorded.squeezed(at: axis)
    }

    private func extremumIndices(axis: Int, greater: Bool) -> [Int] {
        let (outer, length, inner) = split(at: axis)
        let source = storage.pointer
        var indices = [Int](repeating: 0, count: outer * inner)
        for block in 0..<outer {
            for j in 0..<inner {
                var best = 0
                var bestValue = source[block * length * inner + j]
                for position in 1..<Swift.max(length, 1) {
                    let value = source[(block * length + position) * inner + j]
                    if bestValue.isNaN { break }
                    if value.isNaN || (greater ? value > bestValue : value < bestValue) {
                        best = position
                        bestValue = value
                    }
                }
                indices[block * inner + j] = best
            }
        }
        return indices
    }

    /// (product of the axes before `axis`, size of `axis`, product of the axes after it).
    func split(at axis: Int) -> (outer: Int, length: Int, inner: Int) {
        (Shape.count(Array(shape.prefix(axis))), shape[axis], Shape.count(Array(shape.dropFirst(axis + 1))))
    }

    /// This tensor broadcast to `target`, unrecorded.
    func broadcastingValues(to target: [Int]) -> Tensor {
        shape == target ? self : Tensor.broadcastingZip(self, Tensor.zeros(target), "broadcast") { value, _ in value }
    }
}
