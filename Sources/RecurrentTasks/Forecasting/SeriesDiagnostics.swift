/// The tests a forecaster's defaults use to choose its differencing, as R's `forecast::nsdiffs`
/// and `ndiffs` (and pmdarima) choose them.
public enum SeriesDiagnostics {
    /// Hyndman & Athanasopoulos' strength of seasonality with period m, in [0, 1]:
    ///
    ///     trend T = centred moving average of m (2×m for even m)
    ///     detrended D = y − T;  seasonal S_j = mean of D at positions ≡ j (mod m), centred to mean 0
    ///     remainder R = D − S;  F_s = max(0, 1 − var(R) / var(S + R))
    ///
    /// A seasonal difference is taken when F_s > 0.64 (`nsdiffs`' rule). Nil when the series is
    /// shorter than two periods.
    public static func seasonalStrength(_ y: [Double], period m: Int) -> Double? {
        guard m >= 2, y.count >= 2 * m + 1 else { return nil }
        let half = m / 2
        var detrended: [(index: Int, value: Double)] = []
        for t in half..<(y.count - half) {
            var total = 0.0
            if m % 2 == 0 {
                for k in (t - half)...(t + half) { total += (k == t - half || k == t + half ? 0.5 : 1) * y[k] }
            } else {
                for k in (t - half)...(t + half) { total += y[k] }
            }
            detrended.append((t, y[t] - total / Double(m)))
        }
        var sums = [Double](repeating: 0, count: m), counts = [Double](repeating: 0, count: m)
        for (index, value) in detrended {
            sums[index % m] += value
            counts[index % m] += 1
        }
        var seasonal = zip(sums, counts).map { $1 > 0 ? $0 / $1 : 0 }
        let centre = seasonal.reduce(0, +) / Double(m)
        seasonal = seasonal.map { $0 - centre }
        let remainder = detrended.map { $0.value - seasonal[$0.index % m] }
        let seasonalPlusRemainder = detrended.map { $0.value - centre }
        let total = variance(seasonalPlusRemainder)
        guard total > 0 else { return 0 }
        return Swift.max(0, 1 - variance(remainder) / total)
    }

    /// The KPSS statistic for level stationarity (Kwiatkowski et al. 1992), with the long-run
    /// variance estimated over ⌊3√n / 13⌋ lags with Bartlett weights (R's `kpss.test` "short"):
    ///
    ///     e_t = y_t − ȳ,  S_t = Σ_{s≤t} e_s,  η = Σ S_t² / (n² σ²),
    ///     σ² = (Σ e_t² + 2 Σ_{l=1}^{L} (1 − l/(L+1)) Σ_t e_t e_{t−l}) / n
    ///
    /// Above 0.739 (the 1 % level) the series is taken as not stationary, and differenced.
    public static func kpss(_ y: [Double]) -> Double {
        let n = y.count
        guard n >= 3 else { return 0 }
        let mean = y.reduce(0, +) / Double(n)
        let e = y.map { $0 - mean }
        var partial = 0.0, squaredPartials = 0.0
        for value in e {
            partial += value
            squaredPartials += partial * partial
        }
        let lags = Int((3 * Double(n).squareRoot() / 13).rounded(.down))
        var longRun = e.reduce(0) { $0 + $1 * $1 }
        if lags >= 1 {
            for lag in 1...lags {
                var covariance = 0.0
                for t in lag..<n { covariance += e[t] * e[t - lag] }
                longRun += 2 * (1 - Double(lag) / Double(lags + 1)) * covariance
            }
        }
        longRun /= Double(n)
        guard longRun > 0 else { return 0 }
        return squaredPartials / (Double(n) * Double(n) * longRun)
    }

    /// The 1 % critical value of ``kpss(_:)`` for level stationarity. The 5 % value (0.463) sits
    /// between the statistics of the same series cut a few rows apart (monthly sunspots: 0.54 for
    /// the training file, 0.21 without its last 5 %; the airline's seasonal differences 0.57 and
    /// 0.45), so the choice would flip with the data's end; at 1 % only clearly trending series
    /// (the raw airline series: 3.9) are differenced.
    public static let kpssCriticalValue = 0.739
    /// The seasonal strength above which a seasonal difference is taken.
    public static let seasonalStrengthThreshold = 0.64

    static func variance(_ values: [Double]) -> Double {
        let mean = values.reduce(0, +) / Double(Swift.max(values.count, 1))
        return values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(Swift.max(values.count, 1))
    }
}
