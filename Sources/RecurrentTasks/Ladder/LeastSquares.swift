import RecurrentTensor

/// Linear least squares and ridge regression solved exactly, in one pass, in double precision.
///
/// Given features `X` `[n, p]` and targets `Y` `[n, k]`, finds weights `W` `[p, k]` and intercepts
/// `b` `[k]` that minimize
///
///     ‖Y − X W − 1 bᵀ‖²  +  λ ‖W‖²          (λ = `l2` ≥ 0; the intercept is not penalized)
///
/// which is scikit-learn's `LinearRegression` for λ = 0 and `Ridge(alpha=λ)` otherwise.
///
/// How it is solved:
///
/// 1. Center and scale the columns: `Z = (X − 1 μᵀ) S⁻¹` with `μ` the column means and
///    `S = diag(s)` their standard deviations (``ColumnStandardization``), and `Yc = Y − 1 ȳᵀ`.
///    Centering removes the intercept from the problem (at the optimum `b = ȳ − Wᵀ μ`), and with
///    `V = S W` the objective becomes `‖Yc − Z V‖² + Σⱼ (λ / sⱼ²) ‖Vⱼ‖²`.
/// 2. Write the penalty as p extra rows of data:
///
///         A = [ Z ]      B = [ Yc ]      D = diag(dⱼ),   dⱼ² = λ / sⱼ² + ε n
///             [ D ]          [ 0  ]
///
///    so that `‖B − A V‖²` is the objective (plus `ε n ‖V‖²`, the stabilizer below).
/// 3. Householder QR, `A = Q R` (R `[p, p]` upper triangular): V solves `R V = (Qᵀ B)[0..<p]` by
///    back-substitution. The rows go through in blocks, each one reduced together with the R of
///    the rows before it (`[R; next rows] = Q' R'`), so the working memory is O(p · (p + block))
///    doubles, not O(n · p).
/// 4. Undo the scaling: `W = S⁻¹ V`, `b = ȳ − Wᵀ μ`.
///
/// Why QR rather than Cholesky on the normal equations `(XᵀX + λI) W = XᵀY`: forming `XᵀX`
/// squares the condition number, so nearly collinear columns lose twice the digits before the
/// solve begins; QR works on `Z` itself. Standardizing first puts every column on one scale, so
/// a single relative stabilizer means the same for each.
///
/// Why the stabilizer `ε n` (ε = ``stabilizer``, 1e-10): a constant column, two collinear columns
/// or more columns than rows make `Z` rank-deficient, R singular, and the plain solution
/// undefined. With the extra `√(ε n)` on D's diagonal, R's diagonal is at least `√(ε n)` in size,
/// the back-substitution never divides by zero, and of the many exact fits it returns the one
/// with the smallest `‖V‖` (the limit of ridge as λ → 0; the predictions are those of any exact
/// fit). Each column of Z has squared norm n, so on a well-conditioned problem the stabilizer
/// moves the answer by about ε relative: far below Float32 resolution.
public enum LeastSquares {
    /// The stabilizing ridge relative to a standardized column's squared norm (see above).
    public static let stabilizer = 1e-10

    /// The weights and intercepts minimizing `‖Y − XW − 1bᵀ‖² + l2 ‖W‖²`.
    ///
    /// - Parameters:
    ///   - features: `X` `[n, p]`, n ≥ 1.
    ///   - targets: `Y` `[n, k]`.
    ///   - l2: the ridge penalty λ ≥ 0 on the weights (not the intercepts).
    ///   - blockRows: rows reduced at a time (memory only; the answer does not depend on it beyond rounding).
    public static func solve(features: Tensor, targets: Tensor, l2: Double = 0, blockRows: Int = 256) -> LeastSquaresSolution {
        precondition(features.rank == 2 && targets.rank == 2 && features.shape[0] == targets.shape[0] && features.shape[0] >= 1,
                     "LeastSquares: features \(features.shape) and targets \(targets.shape) must be [n, _] with equal n ≥ 1")
        precondition(l2 >= 0 && l2.isFinite, "LeastSquares: l2 must be a finite number ≥ 0, got \(l2)")
        let n = features.shape[0], p = features.shape[1], k = targets.shape[1]
        let scaling = ColumnStandardization(columnsOf: features)
        let targetMeans = ColumnStandardization(columnsOf: targets).means

        // The working matrix [R; block | QᵀB; block targets], column-major: p + k columns of
        // `height` rows. Rows 0..<p carry R and the reduced targets from one block to the next.
        let block = Swift.max(blockRows, p, 1), height = p + block
        var work = [Double](repeating: 0, count: height * (p + k))
        work.withUnsafeMutableBufferPointer { work in
            features.withUnsafeBufferPointer { x in
                targets.withUnsafeBufferPointer { y in
                    var start = 0
                    while start < n {
                        let count = Swift.min(block, n - start)
                        for offset in 0..<count {
                            let row = start + offset
                            for column in 0..<p {
                                work[column * height + p + offset] = (Double(x[row * p + column]) - scaling.means[column]) / scaling.deviations[column]
                            }
                            for output in 0..<k {
                                work[(p + output) * height + p + offset] = Double(y[row * k + output]) - targetMeans[output]
                            }
                        }
                        triangularize(work, height: height, rows: p + count, columns: p, rightHandSides: k)
                        start += count
                    }
                }
            }
            // The penalty rows D (targets 0) go through as one last block.
            for offset in 0..<block {
                for column in 0..<(p + k) { work[column * height + p + offset] = 0 }
            }
            for column in 0..<p {
                let deviation = scaling.deviations[column]
                work[column * height + p + column] = (l2 / (deviation * deviation) + stabilizer * Double(n)).squareRoot()
            }
            triangularize(work, height: height, rows: 2 * p, columns: p, rightHandSides: k)
        }

        // Back-substitution R V = QᵀB, then W = S⁻¹ V and b = ȳ − Wᵀ μ.
        var weights = [Double](repeating: 0, count: p * k)
        for output in 0..<k {
            for row in stride(from: p - 1, through: 0, by: -1) {
                var sum = work[(p + output) * height + row]
                for column in (row + 1)..<p { sum -= work[column * height + row] * weights[column * k + output] }
                weights[row * k + output] = sum / work[row * height + row]
            }
        }
        for column in 0..<p {
            for output in 0..<k { weights[column * k + output] /= scaling.deviations[column] }
        }
        let intercepts = (0..<k).map { output in
            targetMeans[output] - (0..<p).reduce(0.0) { $0 + weights[$1 * k + output] * scaling.means[$1] }
        }
        return LeastSquaresSolution(featureCount: p, outputCount: k, weights: weights, intercepts: intercepts)
    }

    /// Householder QR of the first `rows` rows of the first `columns` columns of the column-major
    /// matrix `a` (leading dimension `height`), applying the same reflections to the next
    /// `rightHandSides` columns. Afterwards rows 0..<columns hold R (zeros below the diagonal)
    /// and Qᵀ times the right-hand sides.
    ///
    /// Reflection j maps column j's entries from row j down onto `α e_j` (`|α|` = their norm, its
    /// sign opposite to the diagonal entry's so that `v = x − α e_j` loses no digits), and every
    /// later column `c` becomes `c − (2 vᵀc / vᵀv) v`.
    static func triangularize(_ a: UnsafeMutableBufferPointer<Double>, height: Int, rows: Int, columns: Int, rightHandSides: Int) {
        guard let base = a.baseAddress else { return }
        for j in 0..<Swift.min(columns, rows) {
            let x = base + j * height
            var squaredNorm = 0.0
            for row in j..<rows { squaredNorm += x[row] * x[row] }
            guard squaredNorm > 0 else { continue }
            let diagonal = x[j]
            let alpha = diagonal > 0 ? -squaredNorm.squareRoot() : squaredNorm.squareRoot()
            x[j] = diagonal - alpha  // x[j..<rows] is now v
            // vᵀv = ‖x‖² − 2α x_j + α² = 2 (‖x‖² + |α| |x_j|) > 0: no cancellation.
            let vv = 2 * (squaredNorm - alpha * diagonal)
            for other in (j + 1)..<(columns + rightHandSides) {
                let c = base + other * height
                var dot = 0.0
                for row in j..<rows { dot += x[row] * c[row] }
                let factor = 2 * dot / vv
                for row in j..<rows { c[row] -= factor * x[row] }
            }
            x[j] = alpha
            for row in (j + 1)..<rows { x[row] = 0 }
        }
    }
}

/// Weights `[features, outputs]` (row-major) and intercepts `[outputs]` of a linear model
/// `y = xW + b`, in double precision, as ``LeastSquares/solve(features:targets:l2:blockRows:)`` found them.
public struct LeastSquaresSolution: Equatable, Sendable {
    public var featureCount: Int
    public var outputCount: Int
    /// W, `[featureCount, outputCount]` row-major.
    public var weights: [Double]
    /// b, `[outputCount]`.
    public var intercepts: [Double]

    /// `W[feature, output]`.
    public func weight(feature: Int, output: Int) -> Double { weights[feature * outputCount + output] }

    /// `X W + b` for features `[n, featureCount]`: `[n, outputCount]` row-major, in double precision.
    public func predict(_ features: Tensor) -> [Double] {
        precondition(features.rank == 2 && features.shape[1] == featureCount, "LeastSquaresSolution: features \(features.shape) must be [n, \(featureCount)]")
        let rows = features.shape[0]
        var result = [Double](repeating: 0, count: rows * outputCount)
        features.withUnsafeBufferPointer { x in
            for row in 0..<rows {
                for output in 0..<outputCount {
                    var sum = intercepts[output]
                    for feature in 0..<featureCount { sum += Double(x[row * featureCount + feature]) * weight(feature: feature, output: output) }
                    result[row * outputCount + output] = sum
                }
            }
        }
        return result
    }
}
