import RecurrentTensor

/// Per-column standardization with a data set's statistics:
///
///     x' = (x − mean) / deviation        x = x' · deviation + mean
///
/// `deviation` is the population standard deviation, `sqrt(Σ (x − mean)² / n)` (scikit-learn's
/// `StandardScaler`), and 1 for a column that is constant: one whose spread is below Float32's
/// resolution at its mean, so it carries no information a Float32 file could hold.
public struct ColumnStandardization: Equatable, Sendable {
    public var means: [Double]
    public var deviations: [Double]

    public init(means: [Double], deviations: [Double]) {
        precondition(means.count == deviations.count, "ColumnStandardization: \(means.count) means, \(deviations.count) deviations")
        self.means = means
        self.deviations = deviations
    }

    /// The statistics of the columns of `data` `[n, columns]`, in two passes in double precision
    /// (the mean first, then the squared deviations from it, which loses nothing to cancellation).
    public init(columnsOf data: Tensor) {
        precondition(data.rank == 2, "ColumnStandardization: data must be [n, columns], got \(data.shape)")
        let rows = data.shape[0], columns = data.shape[1]
        var means = [Double](repeating: 0, count: columns), squares = [Double](repeating: 0, count: columns)
        data.withUnsafeBufferPointer { values in
            for row in 0..<rows {
                for column in 0..<columns { means[column] += Double(values[row * columns + column]) }
            }
            for column in 0..<columns { means[column] /= Double(Swift.max(rows, 1)) }
            for row in 0..<rows {
                for column in 0..<columns {
                    let difference = Double(values[row * columns + column]) - means[column]
                    squares[column] += difference * difference
                }
            }
        }
        let deviations = zip(squares, means).map { square, mean -> Double in
            let deviation = (square / Double(Swift.max(rows, 1))).squareRoot()
            let resolution = Double(Float.ulpOfOne) * Swift.abs(mean)
            return deviation > resolution && Float(deviation).isNormal ? deviation : 1
        }
        self.init(means: means, deviations: deviations)
    }

    /// No change: means 0, deviations 1.
    public static func identity(columns: Int) -> ColumnStandardization {
        ColumnStandardization(means: Array(repeating: 0, count: columns), deviations: Array(repeating: 1, count: columns))
    }

    public var columns: Int { means.count }

    /// `(x − mean) / deviation` for every row of `data` `[n, columns]`.
    public func standardize(_ data: Tensor) -> Tensor {
        map(data) { value, column in (Double(value) - means[column]) / deviations[column] }
    }

    /// `x' · deviation + mean` for every row of `standardized` `[n, columns]`: back to the original units.
    public func restore(_ standardized: Tensor) -> Tensor {
        map(standardized) { value, column in Double(value) * deviations[column] + means[column] }
    }

    private func map(_ data: Tensor, _ transform: (Float, Int) -> Double) -> Tensor {
        precondition(data.rank == 2 && data.shape[1] == columns, "ColumnStandardization: data \(data.shape) must be [n, \(columns)]")
        return Tensor(shape: data.shape, unsafeUninitialized: { output in
            data.withUnsafeBufferPointer { input in
                for index in 0..<input.count { output[index] = Float(transform(input[index], index % columns)) }
            }
        })
    }
}
