/// Helpers for shapes: `[Int]` lists of dimension sizes, outermost first (row-major).
public enum Shape {
    /// The number of elements of a tensor with this shape (1 for a scalar, `[]`).
    @inlinable
    public static func count(_ shape: [Int]) -> Int {
        var result = 1
        for dimension in shape { result *= dimension }
        return result
    }

    /// Row-major strides, in elements.
    @inlinable
    public static func strides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var step = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[axis] = step
            step *= shape[axis]
        }
        return strides
    }

    /// The shape two shapes broadcast to (NumPy rules: align trailing axes; sizes must be equal
    /// or one of them 1), or nil when they are incompatible.
    public static func broadcast(_ lhs: [Int], _ rhs: [Int]) -> [Int]? {
        let rank = max(lhs.count, rhs.count)
        var result = [Int](repeating: 1, count: rank)
        for index in 0..<rank {
            let left = index < rank - lhs.count ? 1 : lhs[index - (rank - lhs.count)]
            let right = index < rank - rhs.count ? 1 : rhs[index - (rank - rhs.count)]
            if left == right || right == 1 { result[index] = left }
            else if left == 1 { result[index] = right }
            else { return nil }
        }
        return result
    }

    /// Resolves a possibly negative axis (`-1` is the last) against a rank, trapping with a
    /// message when it is out of range.
    @inlinable
    public static func normalize(axis: Int, rank: Int, function: StaticString = #function) -> Int {
        let resolved = axis < 0 ? axis + rank : axis
        precondition(resolved >= 0 && resolved < rank, "\(function): axis \(axis) is out of range for a tensor of rank \(rank)")
        return resolved
    }
}
