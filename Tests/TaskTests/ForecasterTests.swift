import Foundation
import RecurrentNN
import RecurrentTasks
import RecurrentTensor
import RecurrentTestSupport
import Testing

/// The forecaster's transform, the tests that choose it, its walk-forward evaluation and a series
/// it must learn.
@Suite struct ForecasterTests {
    /// A trend, a period-12 season and noise.
    static func seasonalSeries(_ count: Int, seed: UInt64 = 1) -> [Double] {
        var generator = RandomGenerator(seed: seed)
        return (0..<count).map { t in 100 + 2 * Double(t) + 20 * _sin(2 * Double.pi * Double(t) / 12) + Double(generator.nextNormal()) }
    }

    @Test("restoring the true transformed values gives back the series", arguments: [(0, false), (0, true), (12, false), (12, true)])
    func transformRoundTrip(season: Int, difference: Bool) {
        let y = Self.seasonalSeries(60)
        let transform = SeriesTransform.fit([Array(y[..<40])], season: season, difference: difference)
        let x = transform.transformed(y, column: 0)
        #expect(x.count == 60 - transform.offset)
        let restored = transform.restore(Array(x[(40 - transform.offset)...]), after: Array(y[..<40]), column: 0)
        #expect(zip(restored, y[40...]).allSatisfy { Swift.abs($0 - $1) < 1e-9 }, "\(restored.prefix(3)) vs \(y[40..<43])")
    }

    @Test func theDiagnosticsTellSeasonAndTrendFromNoise() {
        var generator = RandomGenerator(seed: 2)
        let noise = (0..<200).map { _ in Double(generator.nextNormal()) }
        let trend = noise.enumerated().map { 0.05 * Double($0.offset) + $0.element }
        let seasonal = Self.seasonalSeries(200)
        #expect(SeriesDiagnostics.seasonalStrength(seasonal, period: 12)! > 0.9)
        #expect(SeriesDiagnostics.seasonalStrength(noise, period: 12)! < 0.3)
        #expect(SeriesDiagnostics.seasonalStrength(Array(noise.prefix(24)), period: 12) == nil, "two periods are not enough")
        #expect(SeriesDiagnostics.kpss(trend) > SeriesDiagnostics.kpssCriticalValue, "a trend is not level-stationary")
        #expect(SeriesDiagnostics.kpss(noise) < SeriesDiagnostics.kpssCriticalValue, "white noise is")
    }

    static func forecaster(window: Int, horizon: Int, transform: SeriesTransform, period: Int = 12, autoregressive: Bool = true,
                           seed: UInt64 = 3) -> Forecaster {
        var generator = RandomGenerator(seed: seed)
        let model = SequenceModel(.init(input: .frames, features: 1, hiddenSize: 16, pooling: .last, outputs: horizon), generator: &generator)
        return Forecaster(model: model, configuration: .init(columns: ["y"], window: window, horizon: horizon, transform: transform,
                                                             seasonalPeriod: period, autoregressive: autoregressive), generator: &generator)
    }

    @Test func theBaselinesAndErrorsFollowTheirFormulas() {
        let history = [[10.0, 12, 11, 13]], data = [[15.0, 14, 16]]
        let evaluation = ForecastEvaluation(Self.forecaster(window: 2, horizon: 2, transform: .init(season: 0, difference: false, means: [0], deviations: [1]),
                                                            period: 2), history: history, data: data)
        // Naive, one step: origins 13, 15, 14 forecast 15, 14, 16: errors −2, 1, −2.
        #expect(evaluation.naive[0].count == 3 && Swift.abs(evaluation.naive[0].rmse - 3.0.squareRoot()) < 1e-12)
        #expect(Swift.abs(evaluation.naive[0].mae - 5.0 / 3) < 1e-12)
        // MASE's scale: the history's mean one-step change, (2 + 1 + 2) / 3.
        #expect(Swift.abs(evaluation.naive[0].mase - (5.0 / 3) / (5.0 / 3)) < 1e-12)
        let terms: [Double] = [4 / 28, 2 / 29, 4 / 30]  // 2|ŷ − y| / (|ŷ| + |y|)
        let smape = 100 * terms.reduce(0, +) / 3
        #expect(Swift.abs(evaluation.naive[0].smape - smape) < 1e-12)
        // Seasonal naive with m = 2, one step ahead forecasts y_{t+1} by y_{t−1}: 11, 13, 15 for 15, 14, 16.
        #expect(Swift.abs(evaluation.seasonalNaive[0].mae - (4.0 + 1 + 1) / 3) < 1e-12)
        // Two steps ahead: origins 13 and 15 (14 has no second step left); naive forecasts 13 → 14 and 15 → 16.
        #expect(evaluation.naive[1].count == 2 && Swift.abs(evaluation.naive[1].mae - 1) < 1e-12)
    }

    @Test func theForecasterLearnsASeasonalSeriesAndIteratesPastItsHorizon() throws {
        let y = Self.seasonalSeries(180, seed: 4)
        let training = Array(y[..<156]), validation = Array(y[156...])
        let transform = SeriesTransform.fit([training], season: 12, difference: true)
        let forecaster = Self.forecaster(window: 12, horizon: 2, transform: transform)
        let task = ForecastTask(forecaster: forecaster, training: [training], validation: [validation], batchSize: 16)
        var options = TrainingOptions()
        options.epochs = 40
        options.showsProgress = false
        options.selection = .byName("rmse")
        try Trainer(optimizer: Adam(forecaster.parameters, learningRate: 0.01), options: options).fit(task)
        let evaluation = ForecastEvaluation(forecaster, history: [training], data: [validation])
        // The noise's deviation is 1; the naive forecast misses the trend and season by far more.
        #expect(evaluation.model[0].rmse < 2 && evaluation.model[0].rmse < evaluation.naive[0].rmse / 3,
                "model \(evaluation.model[0].rmse), naive \(evaluation.naive[0].rmse)")
        let five = forecaster.forecast(after: [training], steps: 5)
        #expect(five.count == 5 && five.allSatisfy { $0.count == 1 })
        #expect(five.prefix(2).map { $0[0] } == forecaster.forecasts([training], origins: [155])[0].map { $0[0] }, "the first horizon is one direct forecast")
        #expect(zip(five.map { $0[0] }, y[156..<161]).allSatisfy { Swift.abs($0 - $1) < 6 }, "\(five) vs \(y[156..<161])")
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

private func _sin(_ x: Double) -> Double { sin(x) }
