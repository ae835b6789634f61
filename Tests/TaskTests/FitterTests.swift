import Foundation
import RecurrentData
import RecurrentTasks
import RecurrentTensor
import RecurrentTestSupport
import Testing

/// The shared fitting loop for models trained without gradients, with a perceptron on points
/// of the plane (label: x + y > 0.3), which it learns by its mistakes.
@Suite struct FitterTests {
    final class PerceptronTask: FittingTask {
        var weights: [Double] = [0, 0, 0]
        let points: [(x: Double, y: Double, label: Int)]
        let validation: [(x: Double, y: Double, label: Int)]?
        let passes: Int
        var validationAccuracies: [Double] = []
        var order: [Int]

        init(passes: Int, validated: Bool = true) {
            var generator = RandomGenerator(seed: 5)
            func point() -> (Double, Double, Int) {
                let x = Double(generator.nextUniform()) * 2 - 1, y = Double(generator.nextUniform()) * 2 - 1
                return (x, y, x + y > 0.3 ? 1 : -1)
            }
            points = (0..<60).map { _ in point() }
            validation = validated ? (0..<40).map { _ in point() } : nil
            self.passes = passes
            order = Array(points.indices)
        }

        func predict(_ x: Double, _ y: Double) -> Int { weights[0] * x + weights[1] * y + weights[2] > 0 ? 1 : -1 }

        func fitPass(_ pass: Int, generator: inout RandomGenerator, progress: (Double, String) -> Void) throws
            -> (metrics: [String: Double], converged: Bool) {
            generator.shuffle(&order)
            var mistakes = 0
            for (done, index) in order.enumerated() {
                let point = points[index]
                if predict(point.x, point.y) != point.label {
                    mistakes += 1
                    for (feature, value) in [point.x, point.y, 1].enumerated() { weights[feature] += Double(point.label) * value }
                }
                progress(Double(done + 1) / Double(order.count), "mistakes \(mistakes)")
            }
            return (["mistakes": Double(mistakes)], mistakes == 0)
        }

        func validate() throws -> [String: Double]? {
            guard let validation else { return nil }
            let accuracy = Double(validation.filter { predict($0.x, $0.y) == $0.label }.count) / Double(validation.count)
            validationAccuracies.append(accuracy)
            return ["accuracy": accuracy]
        }

        func modelFile() throws -> ModelFile {
            var file = try ModelFile(kind: "test-perceptron", configuration: ["features": 2])
            file.tensors["weights"] = Tensor(shape: [3], scalars: weights.map(Float.init))
            return file
        }
    }

    static func options(_ path: String?, log: String? = nil) -> FittingOptions {
        var options = FittingOptions()
        options.selection = .byName("accuracy")
        options.modelPath = path
        options.logPath = log
        options.showsProgress = false
        options.seed = 3
        return options
    }

    @Test func keepsTheBestPassAndStopsWhenConverged() throws {
        let folder = try TemporaryDirectory()
        let task = PerceptronTask(passes: 200)
        let state = try Fitter(options: Self.options(folder.path("model.safetensors"), log: folder.path("log.jsonl"))).fit(task)
        #expect(state.stopReason == "converged")
        #expect(state.lastTraining["mistakes"] == 0)
        #expect(state.passes < 200)
        let best = try #require(task.validationAccuracies.max())
        #expect(state.bestMetric == best)
        #expect(task.validationAccuracies.firstIndex(of: best).map { $0 + 1 } == state.bestPass)
        #expect(best >= 0.9)
        let file = try ModelFile.read(from: folder.path("model.safetensors"), expectedKind: "test-perceptron")
        #expect(file.tensors["weights"]?.count == 3)
        // One train and one validation record per pass, then the end.
        let records = try String(contentsOfFile: folder.path("log.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(records.count == 2 * state.passes + 1)
        #expect(records.last?.contains("\"reason\":\"converged\"") == true)
    }

    @Test func patienceStopsEarlyAndTheSameSeedRepeats() throws {
        var options = Self.options(nil)
        options.patience = 1
        let first = PerceptronTask(passes: 200), second = PerceptronTask(passes: 200)
        let a = try Fitter(options: options).fit(first), b = try Fitter(options: options).fit(second)
        #expect(a.stopReason == "early stopping" || a.stopReason == "converged")
        var (timeless, other) = (a, b)
        (timeless.seconds, other.seconds) = (0, 0)
        #expect(timeless == other)
        #expect(first.weights == second.weights)
    }

    @Test func withoutValidationTheFinalModelIsWritten() throws {
        let folder = try TemporaryDirectory()
        let task = PerceptronTask(passes: 2, validated: false)
        let state = try Fitter(options: Self.options(folder.path("model.safetensors"))).fit(task)
        #expect(state.passes == 2 && state.bestMetric == nil)
        let file = try ModelFile.read(from: folder.path("model.safetensors"), expectedKind: "test-perceptron")
        #expect(file.tensors["weights"]?.scalars == task.weights.map(Float.init))
    }
}
