import Foundation
import RecurrentNN
import RecurrentTasks
import RecurrentTensor
import RecurrentTestSupport
import Testing

/// The non-recurrent rungs of the ladder on generated data.
@Suite struct LadderTests {
    static func quietOptions(epochs: Int, seed: UInt64 = 1) -> TrainingOptions {
        var options = TrainingOptions()
        options.epochs = epochs
        options.seed = seed
        options.showsProgress = false
        return options
    }

    @Test func linearRegressionRecoversKnownWeights() throws {
        var generator = RandomGenerator(seed: 1)
        let trueWeights = Tensor(shape: [3, 2], scalars: [2, -1, 0.5, 3, -1.5, 0.25]), trueBias = Tensor([0.7, -2])
        let x = Tensor.randomNormal([500, 3], using: &generator)
        let y = x.matmul(trueWeights) + trueBias + Tensor.randomNormal([500, 2], standardDeviation: 0.01, using: &generator)
        let model = LinearRegression(inputSize: 3, outputs: 2, generator: &generator)
        try model.fit(TabularData(features: x, targets: y), optimizer: Adam(model.parameters, learningRate: 0.05), batchSize: 50,
                      options: Self.quietOptions(epochs: 60))
        expectClose(model.linear.weight.value.transposed(), trueWeights, relative: 0, absolute: 0.01)
        expectClose(model.linear.bias!.value, trueBias, relative: 0, absolute: 0.01)
        let metrics = model.evaluate(TabularData(features: x, targets: y))
        #expect(metrics["r2"]! > 0.9999)
        #expect(metrics["mse"]! < 2e-4)
    }

    struct LogisticFixture: Decodable {
        struct Problem: Decodable {
            var features: [[Float]], labels: [Int], coefficients: [[Double]], intercepts: [Double], log_loss: Double
        }
        var binary: Problem, multiclass: Problem
    }

    /// Fixture: `python3 scripts/make_logistic_fixture.py`:
    ///
    ///     model = LogisticRegression(C=np.inf, tol=1e-10, max_iter=10000).fit(x, y)
    ///     fixture = {"coefficients": model.coef_, "intercepts": model.intercept_,
    ///                "log_loss": log_loss(y, model.predict_proba(x))}
    @Test("logistic regression matches scikit-learn", arguments: ["binary", "multiclass"])
    func logisticRegressionMatchesScikitLearn(kind: String) throws {
        let fixture = try fixtureJSON(LogisticFixture.self, "logistic.json")
        let problem = kind == "binary" ? fixture.binary : fixture.multiclass
        let classes = problem.coefficients.count == 1 ? 2 : problem.coefficients.count
        let features = Tensor(shape: [problem.features.count, problem.features[0].count], scalars: problem.features.flatMap { $0 })
        let data = TabularData(features: features, labels: problem.labels)
        var generator = RandomGenerator(seed: 2)
        let model = LogisticRegression(inputSize: features.shape[1], classes: classes, generator: &generator)
        // Full-batch Adam to the maximum-likelihood estimate (no regularization, like C=inf).
        try model.fit(data, optimizer: Adam(model.parameters, learningRate: 0.02), batchSize: data.count,
                      options: Self.quietOptions(epochs: 4000))
        let logLoss = try #require(model.evaluate(data)["log_loss"])
        #expect(Swift.abs(logLoss - problem.log_loss) / problem.log_loss < 0.005, "log-loss \(logLoss) vs \(problem.log_loss)")
        // Softmax coefficients are defined up to a shift shared by all classes: compare them centered.
        func centered(_ rows: [[Double]]) -> [[Double]] {
            guard rows.count > 1 else { return rows }
            let mean = (0..<rows[0].count).map { j in rows.map { $0[j] }.reduce(0, +) / Double(rows.count) }
            return rows.map { row in zip(row, mean).map { $0 - $1 } }
        }
        let weights = model.linear.weight.value, bias = model.linear.bias!.value.scalars
        let ours = centered((0..<weights.shape[0]).map { row in weights[row].scalars.map(Double.init) + [Double(bias[row])] })
        let theirs = centered(zip(problem.coefficients, problem.intercepts).map { $0 + [$1] })
        let scale = theirs.flatMap { $0 }.map { Swift.abs($0) }.max()!
        for (a, b) in zip(ours.flatMap { $0 }, theirs.flatMap { $0 }) {
            #expect(Swift.abs(a - b) <= 0.005 * scale, "coefficient \(a) vs scikit-learn \(b)")
        }
    }

    /// XOR: no line separates it; one hidden layer does.
    @Test func mlpLearnsXOR() throws {
        let x = Tensor(shape: [4, 2], scalars: [0, 0, 0, 1, 1, 0, 1, 1])
        let data = TabularData(features: x, labels: [0, 1, 1, 0])
        var generator = RandomGenerator(seed: 3)
        let mlp = MLP(inputSize: 2, hiddenSizes: [8], activation: .tanh, objective: .binary, generator: &generator)
        try mlp.fit(data, optimizer: Adam(mlp.parameters, learningRate: 0.05), batchSize: 4, options: Self.quietOptions(epochs: 500))
        #expect(mlp.predictClasses(x) == [0, 1, 1, 0])
        let linear = LogisticRegression(inputSize: 2, generator: &generator)
        try linear.fit(data, optimizer: Adam(linear.parameters, learningRate: 0.05), batchSize: 4, options: Self.quietOptions(epochs: 500))
        #expect(linear.evaluate(data)["accuracy"]! <= 0.75, "a linear model cannot separate XOR")
    }

    /// Two interleaved spirals (Lang & Witbrock 1988): hard for a linear model, learnable by an MLP.
    @Test func mlpLearnsTwoSpirals() throws {
        var generator = RandomGenerator(seed: 4)
        let perArm = 150
        var points: [Float] = [], labels: [Int] = []
        for arm in 0..<2 {
            for index in 0..<perArm {
                let t = Float(index) / Float(perArm) * 3 * .pi + 0.3
                let sign: Float = arm == 0 ? 1 : -1
                points += [sign * t * cosf(t) / 10 + 0.02 * generator.nextNormal(), sign * t * sinf(t) / 10 + 0.02 * generator.nextNormal()]
                labels.append(arm)
            }
        }
        let data = TabularData(features: Tensor(shape: [2 * perArm, 2], scalars: points), labels: labels)
        let mlp = MLP(inputSize: 2, hiddenSizes: [32, 32], activation: .tanh, objective: .multiclass(classes: 2), generator: &generator)
        try mlp.fit(data, optimizer: Adam(mlp.parameters, learningRate: 0.01), batchSize: 32, options: Self.quietOptions(epochs: 300))
        let mlpAccuracy = mlp.evaluate(data)["accuracy"]!
        #expect(mlpAccuracy >= 0.97, "MLP accuracy \(mlpAccuracy)")
        let linear = LogisticRegression(inputSize: 2, generator: &generator)
        try linear.fit(data, optimizer: Adam(linear.parameters, learningRate: 0.01), batchSize: 32, options: Self.quietOptions(epochs: 100))
        let linearAccuracy = linear.evaluate(data)["accuracy"]!
        #expect(linearAccuracy < 0.75, "linear accuracy \(linearAccuracy)")
    }

    @Test func metricsFollowTheirDefinitions() {
        let regression = TabularObjective.regression(outputs: 1)
        let metrics = regression.metrics(outputs: Tensor(shape: [4, 1], scalars: [1, 2, 3, 5]), targets: Tensor(shape: [4, 1], scalars: [1, 2, 3, 4]))
        #expect(metrics["mse"] == 0.25)
        #expect(Swift.abs(metrics["r2"]! - (1 - 1 / 5.0)) < 1e-12)
        let binary = TabularObjective.binary.metrics(outputs: Tensor(shape: [2, 1], scalars: [0, 2]), targets: Tensor(shape: [2, 1], scalars: [1, 0]))
        #expect(binary["accuracy"] == 0)
        #expect(Swift.abs(binary["log_loss"]! - (0.6931472 + 2.126928) / 2) < 1e-5)
    }
}
