/// What a forecaster learns on instead of the raw series, and the way back. For each column y:
///
///     z_t = y_t − y_{t−S}          seasonal differencing with period S (when `season` > 0)
///     w_t = z_t − z_{t−1}          differencing (when `difference`); otherwise w_t = z_t
///     x_t = (w_t − mean) / deviation      with the training rows' statistics
///
/// A network reads windows of x and predicts the next x values; ``restore(_:after:)`` undoes the
/// steps, adding back the known (or already predicted) values of y. Differencing removes a trend
/// and seasonal differencing a seasonal pattern, so the network sees a series whose level does
/// not run away from what it trained on (the airline series climbs far above its training
/// range; its seasonal differences do not).
public struct SeriesTransform: Codable, Equatable, Sendable {
    public var season: Int
    public var difference: Bool
    /// Per column, of the differenced training values.
    public var means: [Double]
    public var deviations: [Double]

    public init(season: Int, difference: Bool, means: [Double], deviations: [Double]) {
        self.season = season
        self.difference = difference
        self.means = means
        self.deviations = deviations
    }

    /// The first time index with a transformed value: S + (1 if differencing).
    public var offset: Int { season + (difference ? 1 : 0) }

    public var columns: Int { means.count }

    /// The transform with statistics fitted on `series` (columns of values).
    public static func fit(_ series: [[Double]], season: Int, difference: Bool) -> SeriesTransform {
        var transform = SeriesTransform(season: season, difference: difference, means: [], deviations: [])
        for column in series {
            let values = transform.differenced(column)
            let mean = values.reduce(0, +) / Double(Swift.max(values.count, 1))
            let deviation = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(Swift.max(values.count, 1))).squareRoot()
            transform.means.append(mean)
            transform.deviations.append(deviation > 1e-12 * Swift.max(Swift.abs(mean), 1) ? deviation : 1)
        }
        return transform
    }

    /// w for one column: element i is w at time i + offset.
    public func differenced(_ y: [Double]) -> [Double] {
        guard y.count > offset else { return [] }
        let z = season > 0 ? (season..<y.count).map { y[$0] - y[$0 - season] } : y
        return difference ? (1..<z.count).map { z[$0] - z[$0 - 1] } : z
    }

    /// x, standardized w, for one column.
    public func transformed(_ y: [Double], column: Int) -> [Double] {
        differenced(y).map { ($0 - means[column]) / deviations[column] }
    }

    /// The values of y that follow `history` (one column) given the next standardized x values:
    /// each restored step is appended to the history the next one reads.
    public func restore(_ next: [Double], after history: [Double], column: Int) -> [Double] {
        var y = history
        for value in next {
            let w = value * deviations[column] + means[column]
            let t = y.count
            // z_{t−1} from the values so far (known or restored).
            let previousZ = difference ? (season > 0 ? y[t - 1] - y[t - 1 - season] : y[t - 1]) : 0
            let z = w + previousZ
            y.append(season > 0 ? z + y[t - season] : z)
        }
        return Array(y[history.count...])
    }

    /// Why this transform cannot be used (a model file's), or nil.
    public var problem: String? {
        if season < 0 || season > 100_000 { return "the season \(season) is outside 0...100000" }
        if means.isEmpty || means.count != deviations.count { return "\(means.count) means and \(deviations.count) deviations" }
        if !means.allSatisfy(\.isFinite) || !deviations.allSatisfy({ $0 > 0 && $0.isFinite }) { return "the statistics are not finite positive numbers" }
        return nil
    }
}
