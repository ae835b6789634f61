import Foundation
import RecurrentTestSupport
import Testing

/// `recurrent train regression|classifier`, `evaluate` and `predict`, run as a user would.
@Suite struct TabularCommandTests {
    /// y = 2a - b + 0.5c + 0.3 plus noise; label = "pos" when a + b > 0.
    static func data(rows: Int = 200) -> (regression: String, classification: String) {
        var state: UInt64 = 12345
        func uniform() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53) * 2 - 1
        }
        var regression = "a,b,c,y\n", classification = "a,b,c,label\n"
        for _ in 0..<rows {
            let (a, b, c) = (uniform(), uniform(), uniform())
            regression += String(format: "%.5f,%.5f,%.5f,%.5f\n", a, b, c, 2 * a - b + 0.5 * c + 0.3 + 0.01 * uniform())
            classification += String(format: "%.5f,%.5f,%.5f,%@\n", a, b, c, a + b > 0 ? "pos" : "neg")
        }
        return (regression, classification)
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func regressionEndToEnd() throws {
        let directory = try TemporaryDirectory()
        let csv = try directory.write("train.csv", Self.data().regression), model = directory.path("model.safetensors")
        let train = try CommandRunner.run(["train", "regression", "--csv", csv, "--target", "y", "--epochs", "60", "--lr", "0.05", "--out", model])
        #expect(train.status == 0, "\(train.standardError)")
        #expect(train.standardOutput.isEmpty, "progress goes to stderr")
        let evaluate = try CommandRunner.run(["evaluate", "--model", model, "--csv", csv, "--json"])
        #expect(evaluate.status == 0, "\(evaluate.standardError)")
        let metrics = try json(evaluate.standardOutput)
        #expect(metrics["rows"] as? Int == 200)
        #expect((metrics["r2"] as? Double ?? 0) > 0.99)
        #expect((metrics["mse"] as? Double ?? 1) < 0.02)
        let predict = try CommandRunner.run(["predict", "--model", model, "--csv", csv])
        #expect(predict.standardOutput.split(separator: "\n").count == 200)
        let predictJSON = try json(try CommandRunner.run(["predict", "--model", model, "--csv", csv, "--json"]).standardOutput)
        #expect((predictJSON["predictions"] as? [Double])?.count == 200)
    }

    /// The fixture of `scripts/make_regression_fixture.py` (see RegressionFixtureTests): a
    /// diabetes-like problem, split 70/30, where scikit-learn's LinearRegression reaches the
    /// held-out R² in `regression.json`; the issue's bar is within 0.01.
    @Test func exactRegressionMatchesScikitLearnThroughTheBinary() throws {
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("TaskTests/Fixtures")
        let expected = try json(try String(contentsOf: fixtures.appendingPathComponent("regression.json"), encoding: .utf8))
        let training = fixtures.appendingPathComponent("regression_train.csv").path, test = fixtures.appendingPathComponent("regression_test.csv").path
        let directory = try TemporaryDirectory()
        let model = directory.path("model.safetensors"), log = directory.path("log.jsonl")
        for (flags, key) in [([String](), "linear_test_r2"), (["--l2", "\(expected["ridge_alpha"] as? Double ?? 0)"], "ridge_test_r2")] {
            let train = try CommandRunner.run(["train", "regression", "--csv", training, "--target", "y", "--out", model, "--log", log] + flags)
            #expect(train.status == 0, "\(train.standardError)")
            #expect(train.standardError.contains("exact least squares"))
            let evaluate = try CommandRunner.run(["evaluate", "--model", model, "--csv", test, "--json"])
            let r2 = try #require(try json(evaluate.standardOutput)["r2"] as? Double), wanted = try #require(expected[key] as? Double)
            #expect(Swift.abs(r2 - wanted) < 0.01 && Swift.abs(r2 - wanted) < 1e-4, "\(flags): held-out R² \(r2) vs scikit-learn \(wanted)")
        }
        let records = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map { try json(String($0)) }
        #expect(records.count == 2 && records.allSatisfy { $0["solver"] as? String == "exact" && $0["train_r2"] is Double })
        let predictions = try #require(try json(try CommandRunner.run(["predict", "--model", model, "--csv", test, "--json"]).standardOutput)["predictions"] as? [Double])
        #expect(predictions.count == 133 && predictions.allSatisfy { (0...400).contains($0) }, "predictions in the target's units (25–346)")
    }

    @Test func classifierEndToEnd() throws {
        let directory = try TemporaryDirectory()
        let csv = try directory.write("train.csv", Self.data().classification), model = directory.path("model.safetensors")
        let log = directory.path("log.jsonl")
        let train = try CommandRunner.run(["train", "classifier", "--csv", csv, "--target", "label", "--model", "mlp", "--hidden", "16,8",
                                           "--epochs", "40", "--lr", "0.01", "--validation-split", "0.2", "--log", log, "--out", model])
        #expect(train.status == 0, "\(train.standardError)")
        let metrics = try json(try CommandRunner.run(["evaluate", "--model", model, "--csv", csv, "--json"]).standardOutput)
        #expect(Set(metrics.keys) == ["rows", "accuracy", "log_loss"])
        #expect((metrics["accuracy"] as? Double ?? 0) > 0.9)
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        #expect(lines.count >= 40, "one validation per epoch, plus the end")
        #expect(lines.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil })
        let predictions = try json(try CommandRunner.run(["predict", "--model", model, "--csv", csv, "--json"]).standardOutput)
        let first = try #require((predictions["predictions"] as? [[String: Any]])?.first)
        #expect(["pos", "neg"].contains(first["label"] as? String ?? ""))
    }

    @Test("bad input: a clear message, exit status 1, nothing written", arguments: [
        ("missing column", "a,b,y\n1,2,3\n", ["--target", "zz"], "no column named \"zz\""),
        ("non-numeric cell", "a,b,y\n1,2,3\n4,x,6\n", ["--target", "y"], ":3:2: expected a number in column \"b\", found \"x\""),
        ("ragged row", "a,b,y\n1,2,3\n4,5\n", ["--target", "y"], ":3: expected 3 fields as in the header, found 2"),
        ("empty file", "", ["--target", "y"], "the file is empty"),
        ("NaN value", "a,b,y\n1,nan,3\n", ["--target", "y"], "expected a finite number in column \"b\""),
        ("infinite value", "a,b,y\n1,2,inf\n", ["--target", "y"], "expected a finite number in column \"y\""),
        ("header only", "a,b,y\n", ["--target", "y"], "no data rows"),
        ("bad flag", "a,b,y\n1,2,3\n", ["--target", "y", "--epochs", "0"], "--epochs 0: expected at least 1"),
        ("hidden too wide", "a,b,y\n1,2,3\n", ["--target", "y", "--model", "mlp", "--hidden", "64,70000"],
         "--hidden 64,70000: expected comma-separated layer sizes from 1 to 65536, such as 64 or 64,32"),
        ("hidden zero", "a,b,y\n1,2,3\n", ["--target", "y", "--model", "mlp", "--hidden", "0"], "--hidden 0: expected comma-separated"),
        ("hidden not numbers", "a,b,y\n1,2,3\n", ["--target", "y", "--model", "mlp", "--hidden", "wide"], "such as 64 or 64,32"),
        ("exact MLP", "a,b,y\n1,2,3\n", ["--target", "y", "--model", "mlp", "--solver", "exact"],
         "--solver exact: exact least squares is for --model linear; the mlp model needs a gradient solver"),
        ("ridge by gradient", "a,b,y\n1,2,3\n", ["--target", "y", "--solver", "adam", "--l2", "1"], "--l2 1.0: the ridge penalty is for --solver exact"),
        ("negative ridge", "a,b,y\n1,2,3\n", ["--target", "y", "--l2=-1"], "--l2 -1.0: expected a number >= 0"),
        ("unknown flag", "a,b,y\n1,2,3\n", ["--target", "y", "--frobnicate"], "Unknown option '--frobnicate'"),
    ])
    func badInput(name: String, contents: String, flags: [String], message: String) throws {
        let directory = try TemporaryDirectory()
        let csv = try directory.write("data.csv", contents), model = directory.path("model.safetensors")
        try Data("existing".utf8).write(to: URL(fileURLWithPath: model))
        let result = try CommandRunner.run(["train", "regression", "--csv", csv, "--out", model] + flags)
        #expect(result.status == 1, "\(name)")
        #expect(result.standardError.contains(message), "\(name): \(result.standardError)")
        #expect(try String(contentsOfFile: model, encoding: .utf8) == "existing", "\(name): the existing output is untouched")
    }

    @Test func unreadablePathsAndWrongModels() throws {
        let directory = try TemporaryDirectory()
        let csv = try directory.write("data.csv", Self.data(rows: 20).regression)
        let missing = try CommandRunner.run(["train", "regression", "--csv", directory.path("nope.csv"), "--target", "y", "--out", directory.path("m")])
        #expect(missing.status == 1 && missing.standardError.contains("nope.csv: cannot read"))
        let noDirectory = try CommandRunner.run(["train", "regression", "--csv", csv, "--target", "y", "--out", directory.path("none/m")])
        #expect(noDirectory.status == 1 && noDirectory.standardError.contains("does not exist"))
        let notAModel = try CommandRunner.run(["evaluate", "--model", csv, "--csv", csv])
        #expect(notAModel.status == 1 && notAModel.standardError.contains("data.csv"))
        let help = try CommandRunner.run(["train", "regression", "--help"])
        #expect(help.status == 0 && help.standardOutput.contains("--target"))
    }
}
