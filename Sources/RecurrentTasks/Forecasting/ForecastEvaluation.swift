/// Walk-forward evaluation of a forecaster on the values that follow a history: from every origin
/// t (the last value of the history, then each value of the data in turn, the true values known
/// up to t) the model forecasts h = 1…H steps, and each forecast is compared with what came:
///
///     rmse = √(mean (ŷ − y)²)       mae = mean |ŷ − y|
///     smape = 100 · mean 2|ŷ − y| / (|ŷ| + |y|)   (a term with ŷ = y = 0 counts 0; in percent, as M4 has it)
///     mase = mae / mean_t |y_t − y_{t−1}|   (the one-step naive forecast's error on the history)
///
/// (per column, then averaged over columns). The same metrics are given for the naive forecast
/// (ŷ_{t+h} = y_t) and the seasonal naive one (ŷ_{t+h} = y_{t+h−m⌈h/m⌉}) with the model's period m.
public struct ForecastEvaluation: Sendable {
    public struct Errors: Equatable, Sendable {
        public var rmse = 0.0, mae = 0.0, smape = 0.0, mase = 0.0
        public var count = 0

        public var json: [String: Any] { ["rmse": rmse, "mae": mae, "smape": smape, "mase": mase, "forecasts": count] }
    }

    /// Per horizon h (index h − 1): the model's errors and the two baselines'.
    public let model: [Errors]
    public let naive: [Errors]
    public let seasonalNaive: [Errors]
    public let seasonalPeriod: Int

    /// Evaluates `forecaster` on `data` (`[c][t]`) following `history`.
    public init(_ forecaster: Forecaster, history: [[Double]], data: [[Double]]) {
        let configuration = forecaster.configuration
        let all = zip(history, data).map { $0 + $1 }
        let total = all.first?.count ?? 0, start = history.first?.count ?? 0
        let origins = Array(Swift.max(start - 1, configuration.minimumHistory - 1)..<Swift.max(total - 1, 0))
        let forecasts = origins.isEmpty ? [] : forecaster.forecasts(all, origins: origins)
        let period = configuration.seasonalPeriod
        let scales = history.map { column in
            let steps = Swift.max(column.count - 1, 1)
            let scale = zip(column.dropFirst(), column).map { Swift.abs($0 - $1) }.reduce(0, +) / Double(steps)
            return scale > 0 ? scale : 1
        }
        var model: [Errors] = [], naive: [Errors] = [], seasonal: [Errors] = []
        for h in 1...configuration.horizon {
            var pairs: (model: [[(Double, Double)]], naive: [[(Double, Double)]], seasonal: [[(Double, Double)]]) =
                (Array(repeating: [], count: all.count), Array(repeating: [], count: all.count), Array(repeating: [], count: all.count))
            for (i, origin) in origins.enumerated() where origin + h < total {
                let back = origin + h - period * ((h + period - 1) / period)
                for c in all.indices {
                    let actual = all[c][origin + h]
                    pairs.model[c].append((forecasts[i][h - 1][c], actual))
                    pairs.naive[c].append((all[c][origin], actual))
                    if back >= 0 { pairs.seasonal[c].append((all[c][back], actual)) }
                }
            }
            model.append(Self.errors(pairs.model, scales: scales))
            naive.append(Self.errors(pairs.naive, scales: scales))
            seasonal.append(Self.errors(pairs.seasonal, scales: scales))
        }
        (self.model, self.naive, seasonalNaive, seasonalPeriod) = (model, naive, seasonal, period)
    }

    static func errors(_ columns: [[(forecast: Double, actual: Double)]], scales: [Double]) -> Errors {
        var result = Errors()
        for (c, pairs) in columns.enumerated() where !pairs.isEmpty {
            let n = Double(pairs.count)
            let squares = pairs.map { ($0.forecast - $0.actual) * ($0.forecast - $0.actual) }.reduce(0, +)
            let absolutes = pairs.map { Swift.abs($0.forecast - $0.actual) }.reduce(0, +)
            let symmetric = pairs.map { pair -> Double in
                let denominator = Swift.abs(pair.forecast) + Swift.abs(pair.actual)
                return denominator == 0 ? 0 : 2 * Swift.abs(pair.forecast - pair.actual) / denominator
            }.reduce(0, +)
            result.rmse += (squares / n).squareRoot()
            result.mae += absolutes / n
            result.smape += 100 * symmetric / n
            result.mase += absolutes / n / scales[c]
            result.count = pairs.count
        }
        let columns = Double(Swift.max(columns.filter { !$0.isEmpty }.count, 1))
        result.rmse /= columns
        result.mae /= columns
        result.smape /= columns
        result.mase /= columns
        return result
    }

    /// The report: the model's one-step-ahead metrics at the top level, the baselines' beside
    /// them, and every horizon's in `per_horizon`.
    public var json: [String: Any] {
        var result = model.first?.json ?? [:]
        result["naive"] = naive.first?.json ?? [:]
        result["seasonal_naive"] = seasonalNaive.first?.json ?? [:]
        result["seasonal_period"] = seasonalPeriod
        result["per_horizon"] = model.indices.map { h in
            ["horizon": h + 1, "model": model[h].json, "naive": naive[h].json, "seasonal_naive": seasonalNaive[h].json] as [String: Any]
        }
        return result
    }
}
