import RecurrentTensor

/// How to fill a new parameter. `fanIn` and `fanOut` are the number of inputs and outputs of
/// the unit the parameter belongs to (for a `[out, in]` weight: in and out).
public enum Initializer: Sendable, Equatable {
    /// Every element equals `value`.
    case constant(Float)
    /// Uniform in [-limit, limit].
    case uniform(limit: Float)
    /// Normal with mean 0 and the given standard deviation.
    case normal(standardDeviation: Float)
    /// Glorot & Bengio (2010): uniform in ±gain·√(6 / (fanIn + fanOut)).
    case glorotUniform(gain: Float = 1)
    /// Glorot & Bengio (2010): normal with standard deviation gain·√(2 / (fanIn + fanOut)).
    case glorotNormal(gain: Float = 1)
    /// He et al. (2015), for ReLU layers: uniform in ±√(6 / fanIn).
    case heUniform
    /// He et al. (2015): normal with standard deviation √(2 / fanIn).
    case heNormal
    /// Saxe et al. (2014): a (semi-)orthogonal matrix times gain — Q of the QR factorization of
    /// a Gaussian matrix, with signs fixed so the factorization is unique. Shapes beyond rank 2
    /// are flattened to `[shape[0], rest]`.
    case orthogonal(gain: Float = 1)

    /// A new tensor of the given shape.
    public func make(_ shape: [Int], fanIn: Int, fanOut: Int, using generator: inout RandomGenerator) -> Tensor {
        switch self {
        case .constant(let value):
            return Tensor(repeating: value, shape: shape)
        case .uniform(let limit):
            return Tensor.randomUniform(shape, limit: limit, using: &generator)
        case .normal(let standardDeviation):
            return Tensor.randomNormal(shape, standardDeviation: standardDeviation, using: &generator)
        case .glorotUniform(let gain):
            return Tensor.randomUniform(shape, limit: gain * (6 / Float(Swift.max(fanIn + fanOut, 1))).squareRoot(), using: &generator)
        case .glorotNormal(let gain):
            return Tensor.randomNormal(shape, standardDeviation: gain * (2 / Float(Swift.max(fanIn + fanOut, 1))).squareRoot(), using: &generator)
        case .heUniform:
            return Tensor.randomUniform(shape, limit: (6 / Float(Swift.max(fanIn, 1))).squareRoot(), using: &generator)
        case .heNormal:
            return Tensor.randomNormal(shape, standardDeviation: (2 / Float(Swift.max(fanIn, 1))).squareRoot(), using: &generator)
        case .orthogonal(let gain):
            return Initializer.orthogonalMatrix(shape, gain: gain, using: &generator)
        }
    }

    static func orthogonalMatrix(_ shape: [Int], gain: Float, using generator: inout RandomGenerator) -> Tensor {
        precondition(shape.count >= 2, "Initializer.orthogonal: needs rank >= 2, got \(shape)")
        let rows = shape[0], columns = Shape.count(Array(shape.dropFirst()))
        // Orthonormalize the columns of a tall Gaussian matrix (Householder QR in Double).
        let (tall, wide) = rows >= columns ? (rows, columns) : (columns, rows)
        var a = (0..<(tall * wide)).map { _ in Double(generator.nextNormal()) }  // tall x wide, row-major
        let q = householderQ(&a, rows: tall, columns: wide)
        return Tensor(shape: shape) { out in
            for row in 0..<rows {
                for column in 0..<columns {
                    let value = rows >= columns ? q[row * wide + column] : q[column * wide + row]
                    out[row * columns + column] = Float(value) * gain
                }
            }
        }
    }

    /// The thin Q (rows x columns, rows >= columns) of A = QR, with R's diagonal made positive.
    static func householderQ(_ a: inout [Double], rows: Int, columns: Int) -> [Double] {
        var reflectors: [[Double]] = []
        var diagonalSigns: [Double] = []
        for column in 0..<columns {
            var v = (column..<rows).map { a[$0 * columns + column] }
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            let alpha = v[0] >= 0 ? -norm : norm
            diagonalSigns.append(alpha < 0 ? -1 : 1)  // R[column, column] = alpha
            v[0] -= alpha
            let vNorm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            if vNorm > 0 { v = v.map { $0 / vNorm } }
            for j in column..<columns {
                var dot = 0.0
                for i in column..<rows { dot += v[i - column] * a[i * columns + j] }
                for i in column..<rows { a[i * columns + j] -= 2 * v[i - column] * dot }
            }
            reflectors.append(v)
        }
        // Q = H_0 H_1 ... H_{c-1} applied to the first `columns` columns of the identity.
        var q = [Double](repeating: 0, count: rows * columns)
        for index in 0..<columns { q[index * columns + index] = 1 }
        for column in stride(from: columns - 1, through: 0, by: -1) {
            let v = reflectors[column]
            for j in 0..<columns {
                var dot = 0.0
                for i in column..<rows { dot += v[i - column] * q[i * columns + j] }
                for i in column..<rows { q[i * columns + j] -= 2 * v[i - column] * dot }
            }
        }
        // Make R's diagonal positive: flip the matching columns of Q.
        for j in 0..<columns where diagonalSigns[j] < 0 {
            for i in 0..<rows { q[i * columns + j] = -q[i * columns + j] }
        }
        return q
    }
}
