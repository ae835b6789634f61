import ArgumentParser
import Foundation
import Recurrent

/// `recurrent evaluate forecast`: walk-forward errors of a forecaster and of two baselines.
struct EvaluateForecastCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forecast",
        abstract: "Walk-forward rmse, mae, mase and smape of a forecaster, beside the naive and seasonal-naive forecasts'.",
        discussion: """
            From the end of --history and then from each row of --data in turn (the true values \
            known up to there), the model forecasts its horizon; each forecast is compared with the \
            row it forecasts. JSON keys: rmse, mae, smape (percent), mase and forecasts for \
            one-step-ahead forecasts; naive and seasonal_naive (the same keys); seasonal_period; \
            per_horizon (one entry per step of the horizon).
            """
    )

    @Option(help: "A model file written by `recurrent train forecaster`.")
    var model: String

    @Option(help: "The series before --data; repeat it for consecutive files (--history train.csv --history valid.csv).")
    var history: [String]

    @Option(help: "The rows to forecast, continuing --history.")
    var data: String

    @Flag(help: "Print one JSON object.")
    var json = false

    func run() throws {
        let bundle = try ForecasterBundle.read(from: model)
        let past = try bundle.series(history, minimumRows: bundle.forecaster.configuration.minimumHistory)
        let next = try bundle.series([data])
        let evaluation = ForecastEvaluation(bundle.forecaster, history: past.values, data: next.values)
        if json {
            try printJSON(evaluation.json)
            return
        }
        print("horizon  forecasts        model rmse / mae / mase / smape      naive rmse / mae      seasonal naive (m=\(evaluation.seasonalPeriod)) rmse / mae")
        for h in evaluation.model.indices {
            let (m, n, s) = (evaluation.model[h], evaluation.naive[h], evaluation.seasonalNaive[h])
            print(String(format: "%7d  %9d  %9.3f / %7.3f / %5.3f / %6.2f%%   %9.3f / %7.3f    %9.3f / %7.3f",
                         h + 1, m.count, m.rmse, m.mae, m.mase, m.smape, n.rmse, n.mae, s.rmse, s.mae))
        }
    }
}

/// `recurrent forecast`: the next values of a series.
struct ForecastCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forecast",
        abstract: "Forecast the next values of a series with a forecaster (iterated beyond its trained horizon).",
        discussion: "Prints one line per step: the values of the model's columns, separated by tabs; --json prints {\"columns\": [...], \"forecast\": [[...], ...]}."
    )

    @Option(help: "A model file written by `recurrent train forecaster`.")
    var model: String

    @Option(help: "The series so far (a CSV file with the model's columns); repeat it for consecutive files.")
    var history: [String]

    @Option(help: "Steps to forecast.")
    var steps: Int = 1

    @Flag(help: "Print one JSON object.")
    var json = false

    func validate() throws {
        guard steps >= 1 && steps <= 1_000_000 else { throw ValidationError("--steps must be in 1...1000000") }
    }

    func run() throws {
        let bundle = try ForecasterBundle.read(from: model)
        let past = try bundle.series(history, minimumRows: bundle.forecaster.configuration.minimumHistory)
        let forecast = bundle.forecaster.forecast(after: past.values, steps: steps)
        if json {
            try printJSON(["columns": bundle.forecaster.configuration.columns, "forecast": forecast])
        } else {
            for step in forecast { print(step.map { String(format: "%.6g", $0) }.joined(separator: "\t")) }
        }
    }
}
