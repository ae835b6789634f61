import Foundation
import RecurrentData
import RecurrentTasks
import RecurrentTensor
import RecurrentTestSupport
import Testing

/// Regression on a diabetes-like problem (10 correlated features in unrelated units, target
/// 25–346) against scikit-learn, trained through ``TabularTrainingRun`` as the CLI trains.
///
/// Fixture: `python3 scripts/make_regression_fixture.py`:
///
///     x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.3, random_state=0)
///     linear = LinearRegression().fit(x_train64, y_train64)
///     ridge = make_pipeline(StandardScaler(), Ridge(alpha=RIDGE_ALPHA)).fit(x_train64, y_train64)
///     "linear_test_r2": r2_score(y_test64, linear.predict(x_test64)),
///     "ridge_test_r2": r2_score(y_test64, ridge.predict(x_test64)),
///     "mean_predictor_test_r2": r2_score(y_test64, np.full_like(y_test64, y_train64.mean())),
@Suite struct RegressionFixtureTests {
    struct Expected: Decodable {
        var linear_test_r2: Double, linear_coefficients: [Double], linear_intercept: Double
        var ridge_alpha: Double, ridge_test_r2: Double, mean_predictor_test_r2: Double
    }

    static func table(_ name: String) throws -> DelimitedText {
        try DelimitedText(data: fixtureData(name), fileName: name)
    }

    /// Trains on the fixture's training rows with `configure`d settings; the held-out metrics in the data's units.
    static func heldOutMetrics(_ configure: (inout TabularTrainingSettings) -> Void) throws -> [String: Double] {
        var settings = TabularTrainingSettings(target: "y", classification: false)
        settings.showsProgress = false
        settings.seed = 1
        configure(&settings)
        let run = try TabularTrainingRun(table: try table("regression_train.csv"), settings: settings)
        try run.train()
        let test = try table("regression_test.csv")
        return run.bundle.evaluate(TabularData(features: try run.bundle.features(from: test), targets: try run.bundle.targets(from: test)))
    }

    /// The bar is 0.01; the exact solve agrees to rounding, so the check is tighter.
    @Test func exactLinearRegressionMatchesScikitLearn() throws {
        let expected = try fixtureJSON(Expected.self, "regression.json")
        let r2 = try #require(try Self.heldOutMetrics { _ in }["r2"])
        #expect(Swift.abs(r2 - expected.linear_test_r2) < 1e-4, "held-out R² \(r2) vs scikit-learn \(expected.linear_test_r2)")
    }

    @Test func ridgeMatchesScikitLearnsPipeline() throws {
        let expected = try fixtureJSON(Expected.self, "regression.json")
        let r2 = try #require(try Self.heldOutMetrics { $0.l2 = expected.ridge_alpha }["r2"])
        #expect(Swift.abs(r2 - expected.ridge_test_r2) < 1e-4, "held-out R² \(r2) vs scikit-learn \(expected.ridge_test_r2)")
    }

    /// The solver on the raw columns gives scikit-learn's coefficients and intercept (the
    /// intercept is ~2.6e5 because one column sits at 1000 with spread 0.01).
    @Test func leastSquaresGivesScikitLearnsCoefficients() throws {
        let expected = try fixtureJSON(Expected.self, "regression.json")
        let training = try Self.table("regression_train.csv")
        let x = try training.floatTensor(columns: (1...10).map { "x\($0)" })
        let y = try training.floats(inColumn: "y")
        let solution = LeastSquares.solve(features: x, targets: Tensor(shape: [y.count, 1], scalars: y))
        for (found, wanted) in zip(solution.weights, expected.linear_coefficients) {
            #expect(Swift.abs(found - wanted) <= 1e-6 * Swift.max(1, Swift.abs(wanted)), "\(found) vs \(wanted)")
        }
        #expect(Swift.abs(solution.intercepts[0] - expected.linear_intercept) <= 1e-6 * Swift.abs(expected.linear_intercept))
    }

    /// The gradient-trained rungs with their default settings, on standardized features and
    /// targets: the linear model gets close to the exact fit, the MLP beats the mean predictor.
    @Test("gradient-trained models at their defaults", arguments: [
        (TabularTrainingSettings.Model.linear, TabularTrainingSettings.Solver.sgd, 0.01),
        (.linear, .adam, 0.06),
        (.mlp, .adam, 0.1),
    ])
    func gradientTraining(model: TabularTrainingSettings.Model, solver: TabularTrainingSettings.Solver, tolerance: Double) throws {
        let expected = try fixtureJSON(Expected.self, "regression.json")
        let r2 = try #require(try Self.heldOutMetrics {
            $0.model = model
            $0.solver = solver
        }["r2"])
        #expect(r2 >= expected.linear_test_r2 - tolerance, "\(model) \(solver): held-out R² \(r2) vs exact \(expected.linear_test_r2)")
        #expect(r2 > expected.mean_predictor_test_r2 && r2 > 0, "\(model) \(solver): held-out R² \(r2) is no better than the mean")
    }
}
