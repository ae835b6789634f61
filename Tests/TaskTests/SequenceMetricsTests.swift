import Foundation
import RecurrentTasks
import RecurrentTestSupport
import Testing

/// Classification and regression metrics against scikit-learn, on the fixed predictions of
/// `scripts/make_sequence_metric_fixtures.py`:
///
///     precision, recall, f1, support = precision_recall_fscore_support(truths, predictions, labels=[0, 1, 2, 3], zero_division=0)
///     "macro_f1": f1_score(truths, predictions, average="macro", zero_division=0),
///     "rmse": float(np.mean([np.sqrt(mean_squared_error(y[:, k], guess[:, k])) for k in range(2)])),
///     "mae": mean_absolute_error(y, guess), "r2": r2_score(y, guess),
@Suite struct SequenceMetricsTests {
    struct Fixture: Decodable {
        struct Classification: Decodable {
            var truths: [Int], predictions: [Int]
            var accuracy: Double, macro_f1: Double
            var precision: [Double], recall: [Double], f1: [Double], support: [Int]
            var confusion: [[Int]]
        }
        struct Regression: Decodable {
            var truths: [[Double]], predictions: [[Double]]
            var rmse: Double, mae: Double, r2: Double
        }
        var classification: Classification
        var regression: Regression
    }

    @Test func classificationMatchesScikitLearn() throws {
        let fixture = try fixtureJSON(Fixture.self, "sequence_metrics.json").classification
        let metrics = ClassificationMetrics(predictions: fixture.predictions, truths: fixture.truths, classes: 4)
        #expect(metrics.confusion == fixture.confusion)
        #expect(Swift.abs(metrics.accuracy - fixture.accuracy) < 1e-12)
        #expect(Swift.abs(metrics.macroF1 - fixture.macro_f1) < 1e-12, "class 3 is never predicted: precision 0, still averaged")
        for c in 0..<4 {
            #expect(Swift.abs(metrics.precision(c) - fixture.precision[c]) < 1e-12 && Swift.abs(metrics.recall(c) - fixture.recall[c]) < 1e-12)
            #expect(Swift.abs(metrics.f1(c) - fixture.f1[c]) < 1e-12 && metrics.support(c) == fixture.support[c])
        }
    }

    @Test func regressionMatchesScikitLearn() throws {
        let fixture = try fixtureJSON(Fixture.self, "sequence_metrics.json").regression
        let metrics = RegressionMetrics(predictions: fixture.predictions, truths: fixture.truths)
        #expect(Swift.abs(metrics.rmse - fixture.rmse) < 1e-12 && Swift.abs(metrics.mae - fixture.mae) < 1e-12)
        #expect(Swift.abs(metrics.r2 - fixture.r2) < 1e-12)
    }
}
