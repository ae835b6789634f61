import RecurrentTasks
import RecurrentTensor
import Testing

/// ``LeastSquares``: exact answers, the ridge closed form, and designs that defeat a plain solve.
@Suite struct LeastSquaresTests {
    /// `x` `[rows, columns]` with column j scaled by `scales[j]` and shifted by `offsets[j]`.
    static func features(rows: Int, scales: [Float], offsets: [Float], seed: UInt64) -> Tensor {
        var generator = RandomGenerator(seed: seed)
        let columns = scales.count
        return Tensor(shape: [rows, columns], scalars: (0..<(rows * columns)).map { index in
            generator.nextNormal() * scales[index % columns] + offsets[index % columns]
        })
    }

    static func column(_ data: Tensor, _ column: Int) -> [Double] {
        (0..<data.shape[0]).map { Double(data.element(at: [$0, column])) }
    }

    static func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }

    /// The naive reference: Gaussian elimination with partial pivoting, `a x = b` (a square).
    static func solveLinearSystem(_ a: [[Double]], _ b: [Double]) -> [Double] {
        var a = a, b = b
        let n = b.count
        for pivot in 0..<n {
            let best = (pivot..<n).max { Swift.abs(a[$0][pivot]) < Swift.abs(a[$1][pivot]) }!
            a.swapAt(pivot, best)
            b.swapAt(pivot, best)
            for row in (pivot + 1)..<n {
                let factor = a[row][pivot] / a[pivot][pivot]
                for column in pivot..<n { a[row][column] -= factor * a[pivot][column] }
                b[row] -= factor * b[pivot]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for row in stride(from: n - 1, through: 0, by: -1) {
            x[row] = (b[row] - ((row + 1)..<n).reduce(0.0) { $0 + a[row][$1] * x[$1] }) / a[row][row]
        }
        return x
    }

    /// Integer features and dyadic weights, so Y = XW + b holds exactly in Float32: the solve
    /// must return W and b to near double precision (the stabilizer moves them by ~1e-10).
    @Test func recoversAnExactSolution() {
        var generator = RandomGenerator(seed: 1)
        let (rows, inputs, outputs) = (40, 3, 2)
        let x = Tensor(shape: [rows, inputs], scalars: (0..<(rows * inputs)).map { _ in Float(Int(generator.nextUniform() * 41) - 20) })
        let weights: [Double] = [2, -1, 0.5, 3, -1.5, 0.25], intercepts: [Double] = [0.75, -2]  // [inputs, outputs]
        let y = Tensor(shape: [rows, outputs], scalars: (0..<(rows * outputs)).map { index in
            let (row, output) = (index / outputs, index % outputs)
            return Float(intercepts[output] + (0..<inputs).reduce(0.0) { $0 + Double(x.element(at: [row, $1])) * weights[$1 * outputs + output] })
        })
        let solution = LeastSquares.solve(features: x, targets: y)
        for (found, expected) in zip(solution.weights + solution.intercepts, weights + intercepts) {
            #expect(Swift.abs(found - expected) < 1e-7, "\(found) vs \(expected)")
        }
        let predictions = solution.predict(x)
        #expect(zip(predictions, y.scalars).allSatisfy { Swift.abs($0 - Double($1)) < 1e-6 })
    }

    /// Ridge: W = (XcᵀXc + λI)⁻¹ Xcᵀ yc and b = ȳ − x̄ᵀW (centered X and y: the intercept is not
    /// penalized), solved here by naive elimination on the normal equations.
    @Test("ridge matches its closed form", arguments: [0.0, 0.3, 25.0])
    func ridgeMatchesClosedForm(l2: Double) {
        let scales: [Float] = [1, 10, 0.1, 3], offsets: [Float] = [0, 50, -2, 7]
        let x = Self.features(rows: 30, scales: scales, offsets: offsets, seed: 2)
        var generator = RandomGenerator(seed: 3)
        let y = Tensor(shape: [30, 1], scalars: (0..<30).map { row in
            x.element(at: [row, 0]) - 0.2 * x.element(at: [row, 1]) + 4 * x.element(at: [row, 2]) + 3 + generator.nextNormal()
        })
        let columns = (0..<4).map { Self.column(x, $0) }, targets = Self.column(y, 0)
        let centered = columns.map { column in column.map { $0 - Self.mean(column) } }
        let centeredTargets = targets.map { $0 - Self.mean(targets) }
        let normal = (0..<4).map { i in (0..<4).map { j in zip(centered[i], centered[j]).reduce(0.0) { $0 + $1.0 * $1.1 } + (i == j ? l2 : 0) } }
        let moments = (0..<4).map { i in zip(centered[i], centeredTargets).reduce(0.0) { $0 + $1.0 * $1.1 } }
        let expected = Self.solveLinearSystem(normal, moments)
        let expectedIntercept = Self.mean(targets) - (0..<4).reduce(0.0) { $0 + expected[$1] * Self.mean(columns[$1]) }

        let solution = LeastSquares.solve(features: x, targets: y, l2: l2)
        for (found, wanted) in zip(solution.weights, expected) {
            #expect(Swift.abs(found - wanted) <= 1e-8 * Swift.max(1, Swift.abs(wanted)), "λ \(l2): \(found) vs \(wanted)")
        }
        #expect(Swift.abs(solution.intercepts[0] - expectedIntercept) <= 1e-7 * Swift.max(1, Swift.abs(expectedIntercept)))
    }

    /// Columns [a, 2a, b, a + b, constant]: rank 2 of 5. A plain solve divides by zero; this one
    /// must give finite weights whose predictions are the least-squares fit on [a, b], a zero
    /// weight for the constant column, and, of all exact fits, the one with the smallest
    /// standardized weights (so a and 2a, identical once standardized, share the weight equally).
    @Test func rankDeficientDesign() {
        let base = Self.features(rows: 25, scales: [1, 2], offsets: [3, -1], seed: 4)
        let a = Self.column(base, 0), b = Self.column(base, 1)
        var rows: [Float] = [], targets: [Float] = []
        var generator = RandomGenerator(seed: 5)
        for row in 0..<25 {
            let values: [Double] = [a[row], 2 * a[row], b[row], a[row] + b[row], 4.5]
            rows += values.map { Float($0) }
            targets.append(Float(3 * a[row] - b[row] + 1) + 0.1 * generator.nextNormal())
        }
        let x = Tensor(shape: [25, 5], scalars: rows), y = Tensor(shape: [25, 1], scalars: targets)
        let solution = LeastSquares.solve(features: x, targets: y)
        let finite = solution.weights.allSatisfy { $0.isFinite } && solution.intercepts.allSatisfy { $0.isFinite }
        #expect(finite)

        let reference = LeastSquares.solve(features: base, targets: y)  // full rank: the unique fit
        for (found, expected) in zip(solution.predict(x), reference.predict(base)) {
            #expect(Swift.abs(found - expected) < 1e-5, "\(found) vs \(expected)")
        }
        #expect(solution.weight(feature: 4, output: 0) == 0)
        // Standardized weight = raw weight × the column's deviation: equal for a and 2a.
        let standardizedA: Double = solution.weight(feature: 0, output: 0)
        let standardizedTwoA: Double = 2 * solution.weight(feature: 1, output: 0)
        let gap: Double = Swift.abs(standardizedA - standardizedTwoA)
        #expect(gap < 1e-6 * Swift.abs(standardizedA), "\(standardizedA) vs \(standardizedTwoA)")
    }

    /// One row: nothing to learn about the features; the intercept is the target.
    @Test func oneRow() {
        let x = Tensor(shape: [1, 4], scalars: [1, -2, 300, 0.5]), y = Tensor(shape: [1, 2], scalars: [7, -3])
        let solution = LeastSquares.solve(features: x, targets: y)
        #expect(solution.weights.allSatisfy { $0 == 0 })
        #expect(solution.intercepts == [7, -3])
    }

    /// More columns than rows: the training rows are fitted exactly; without a penalty the fit
    /// has no larger standardized weights than another exact fit (the first n − 1 columns
    /// alone); with one, the weights are the dual closed form Xcᵀ (Xc Xcᵀ + λI)⁻¹ yc.
    @Test func manyColumns() {
        let (rows, columns) = (6, 15)
        let x = Self.features(rows: rows, scales: Array(repeating: 1, count: columns), offsets: Array(repeating: 0, count: columns), seed: 6)
        var generator = RandomGenerator(seed: 7)
        let y = Tensor(shape: [rows, 1], scalars: (0..<rows).map { _ in 10 * generator.nextNormal() })
        let solution = LeastSquares.solve(features: x, targets: y)
        #expect(solution.weights.allSatisfy { $0.isFinite })
        for (found, expected) in zip(solution.predict(x), y.scalars) {
            #expect(Swift.abs(found - Double(expected)) < 1e-4, "\(found) vs \(expected)")
        }
        let deviations = (0..<columns).map { j -> Double in
            let values = Self.column(x, j), mean = Self.mean(values)
            return (values.reduce(0.0) { $0 + ($1 - mean) * ($1 - mean) } / Double(rows)).squareRoot()
        }
        func standardizedNorm(_ solution: LeastSquaresSolution) -> Double {
            (0..<solution.featureCount).reduce(0.0) { let scaled = solution.weight(feature: $1, output: 0) * deviations[$1]; return $0 + scaled * scaled }
        }
        let firstColumns = Tensor(shape: [rows, rows - 1], scalars: (0..<rows).flatMap { row in (0..<(rows - 1)).map { x.element(at: [row, $0]) } })
        let basic = LeastSquares.solve(features: firstColumns, targets: y)
        #expect(standardizedNorm(solution) < standardizedNorm(basic))

        let l2 = 2.0
        let centered = (0..<columns).map { j in Self.column(x, j).map { $0 - Self.mean(Self.column(x, j)) } }
        let targets = Self.column(y, 0), centeredTargets = targets.map { $0 - Self.mean(targets) }
        let gram = (0..<rows).map { r in (0..<rows).map { s in (0..<columns).reduce(0.0) { $0 + centered[$1][r] * centered[$1][s] } + (r == s ? l2 : 0) } }
        let dual = Self.solveLinearSystem(gram, centeredTargets)
        let ridge = LeastSquares.solve(features: x, targets: y, l2: l2)
        for j in 0..<columns {
            let expected = (0..<rows).reduce(0.0) { $0 + centered[j][$1] * dual[$1] }
            #expect(Swift.abs(ridge.weight(feature: j, output: 0) - expected) < 1e-8 * Swift.max(1, Swift.abs(expected)))
        }
    }

    /// Rows reduced a few at a time give the answer of one block, to rounding.
    @Test func blockSizeDoesNotChangeTheAnswer() {
        let x = Self.features(rows: 50, scales: [1, 5, 0.2], offsets: [100, 0, 3], seed: 8)
        let y = Tensor(shape: [50, 1], scalars: (0..<50).map { x.element(at: [$0, 0]) * 0.5 - x.element(at: [$0, 2]) + Float($0 % 7) })
        let whole = LeastSquares.solve(features: x, targets: y), blocked = LeastSquares.solve(features: x, targets: y, blockRows: 4)
        for (a, b) in zip(whole.weights + whole.intercepts, blocked.weights + blocked.intercepts) {
            #expect(Swift.abs(a - b) <= 1e-9 * Swift.max(1, Swift.abs(a)), "\(a) vs \(b)")
        }
    }
}
