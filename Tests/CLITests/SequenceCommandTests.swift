import Foundation
import Recurrent
import RecurrentTestSupport
import Testing

/// `recurrent train sequence-classifier|sequence-regressor|forecaster`, `evaluate sequence|forecast`,
/// `predict`, `embed` and `forecast`, run as a user would, on small generated files.
@Suite struct SequenceCommandTests {
    /// Sentences whose label is 1 when "good" comes before "film", with a few filler words.
    static func sentences(_ count: Int, seed: UInt64 = 1) -> String {
        var state = seed
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        let filler = ["the", "a", "very", "plot", "was", "it"]
        return (0..<count).map { index in
            let positive = index % 2 == 0
            var words = (0..<(2 + next(4))).map { _ in filler[next(filler.count)] }
            words.insert(contentsOf: positive ? ["good", "film"] : ["film", "good"], at: next(words.count + 1))
            return "\(positive ? 1 : 0) " + words.joined(separator: " ")
        }.joined(separator: "\n") + "\n"
    }

    /// A .ts file of two channels and variable lengths: class "up" rises, "down" falls.
    static func series(_ count: Int) -> String {
        var text = "@problemName Slopes\n@univariate false\n@dimensions 2\n@equalLength false\n@classLabel true up down\n@data\n"
        for index in 0..<count {
            let length = 5 + index % 4, up = index % 2 == 0
            let first = (0..<length).map { t in String(format: "%.3f", (up ? 1.0 : -1.0) * Double(t) * 0.2 + Double(index % 3) * 0.1) }
            let second = (0..<length).map { t in String(format: "%.3f", Double((t * 7 + index) % 5) * 0.1) }
            text += first.joined(separator: ",") + ":" + second.joined(separator: ",") + ":" + (up ? "up" : "down") + "\n"
        }
        return text
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not JSON: \(text)")
    }

    @Test func textClassifierEndToEnd() throws {
        let directory = try TemporaryDirectory()
        let train = try directory.write("train.txt", Self.sentences(80)), valid = try directory.write("valid.txt", Self.sentences(20, seed: 9))
        let model = directory.path("model.safetensors")
        let result = try CommandRunner.run(["train", "sequence-classifier", "--train", train, "--valid", valid, "--hidden", "8", "--embed", "8",
                                            "--epochs", "2", "--out", model])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.isEmpty, "progress goes to stderr")
        let metrics = try json(try CommandRunner.run(["evaluate", "--model", model, "--data", valid, "--json"]).standardOutput)
        for key in ["accuracy", "macro_f1", "classes", "confusion", "labels"] { #expect(metrics[key] != nil, "\(key) in \(metrics)") }
        #expect(metrics["labels"] as? [String] == ["0", "1"] && metrics["examples"] as? Int == 20)
        let predictions = try CommandRunner.run(["predict", "--model", model, "--data", valid]).standardOutput.split(separator: "\n")
        #expect(predictions.count == 20 && predictions.allSatisfy { ["0", "1"].contains($0.split(separator: "\t").first ?? "") })
        let unlabelled = try directory.write("plain.txt", "good film indeed\nthe film was good\n")
        let plain = try json(try CommandRunner.run(["predict", "--model", model, "--data", unlabelled, "--format", "lines", "--json"]).standardOutput)
        #expect((plain["predictions"] as? [[String: Any]])?.count == 2)
        let vectors = directory.path("vectors.tsv")
        let embed = try CommandRunner.run(["embed", "--model", model, "--data", valid, "--out", vectors])
        #expect(embed.status == 0, "\(embed.standardError)")
        let rows = try String(contentsOfFile: vectors, encoding: .utf8).split(separator: "\n")
        #expect(rows.count == 20 && rows.allSatisfy { $0.split(separator: "\t").count == 16 }, "bidirectional 8 units: 16 values")
    }

    @Test func timeSeriesClassifierAndResumeExactly() throws {
        let directory = try TemporaryDirectory()
        let train = try directory.write("train.ts", Self.series(40))
        let straight = directory.path("straight.safetensors"), resumed = directory.path("resumed.safetensors")
        let common = ["train", "sequence-classifier", "--train", train, "--hidden", "6", "--seed", "3"]
        #expect(try CommandRunner.run(common + ["--epochs", "4", "--out", straight]).status == 0)
        #expect(try CommandRunner.run(common + ["--epochs", "2", "--out", resumed]).status == 0)
        let again = try CommandRunner.run(["train", "sequence-classifier", "--train", train, "--resume", "--epochs", "4", "--out", resumed])
        #expect(again.status == 0, "\(again.standardError)")
        func tensors(_ path: String) throws -> [String: [Float]] {
            Dictionary(uniqueKeysWithValues: try SafeTensors(contentsOfFile: path).tensors.map { ($0.name, $0.tensor.scalars) })
        }
        #expect(try tensors(straight + ".checkpoint") == tensors(resumed + ".checkpoint"), "a resumed run ends exactly where a straight one does")
        #expect(try Data(contentsOf: URL(fileURLWithPath: straight)) == Data(contentsOf: URL(fileURLWithPath: resumed)))
        let metrics = try json(try CommandRunner.run(["evaluate", "sequence", "--model", straight, "--data", train, "--json"]).standardOutput)
        #expect(metrics["labels"] as? [String] == ["up", "down"], "the .ts header's order")
    }

    @Test func regressorOnACSVFile() throws {
        let directory = try TemporaryDirectory()
        var csv = "id,review,score\n"
        for index in 0..<60 { csv += "\(index),\"\(index % 2 == 0 ? "great" : "poor"), film \(index % 5)\",\(index % 2 == 0 ? 4.5 : 1.5)\n" }
        let data = try directory.write("reviews.csv", csv), model = directory.path("model.safetensors")
        let result = try CommandRunner.run(["train", "sequence-regressor", "--train", data, "--text-column", "review", "--label-column", "score",
                                            "--hidden", "8", "--embed", "8", "--epochs", "3", "--out", model])
        #expect(result.status == 0, "\(result.standardError)")
        let metrics = try json(try CommandRunner.run(["evaluate", "--model", model, "--data", data, "--json"]).standardOutput)
        #expect(metrics["rmse"] is Double && metrics["mae"] is Double && metrics["r2"] is Double && metrics["examples"] as? Int == 60)
        let values = try CommandRunner.run(["predict", "--model", model, "--data", data]).standardOutput.split(separator: "\n")
        #expect(values.count == 60 && values.allSatisfy { Double($0) != nil })
    }

    @Test("malformed files exit 1 naming file, line and column, and write no model", arguments: [
        ("bad.ts", "@classLabel true a b\n@data\n1,2:3,4:a\n1,x:3,4:b\n", "bad.ts:4:3: expected a number or ?"),
        ("bad.ts", "@classLabel true a b\n@data\n1,2:3,4:a\n1,2:b\n", "bad.ts:4: 1 dimension"),
        ("bad.txt", "1 fine film\nlonely\n", "bad.txt:2:7: expected a label, a space and the text"),
        ("bad.txt", "1 fine film\n0 \n", "bad.txt:2:2: expected a label, a space and the text"),
    ])
    func malformedTrainingFiles(name: String, contents: String, expected: String) throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(name, contents), model = directory.path("model.safetensors")
        let result = try CommandRunner.run(["train", "sequence-classifier", "--train", path, "--epochs", "1", "--out", model])
        #expect(result.status == 1)
        #expect(result.standardError.contains(path.replacingOccurrences(of: name, with: "") + expected), "\(result.standardError)")
        #expect(!FileManager.default.fileExists(atPath: model) && !FileManager.default.fileExists(atPath: model + ".checkpoint"))
    }

    @Test func anUnknownLabelAtEvaluationNamesItsLineAndColumn() throws {
        let directory = try TemporaryDirectory()
        let train = try directory.write("train.txt", Self.sentences(20)), model = directory.path("model.safetensors")
        #expect(try CommandRunner.run(["train", "sequence-classifier", "--train", train, "--hidden", "4", "--embed", "4", "--epochs", "1",
                                       "--out", model]).status == 0)
        let test = try directory.write("test.txt", "1 good film\n7 what is this\n")
        let result = try CommandRunner.run(["evaluate", "--model", model, "--data", test])
        #expect(result.status == 1 && result.standardError.contains("test.txt:2:1: the label \"7\" is not one of the model's classes (0, 1)"),
                "\(result.standardError)")
    }

    @Test func forecasterEndToEnd() throws {
        let directory = try TemporaryDirectory()
        func csv(_ range: Range<Int>) -> String {
            "\"Month\",\"Sales\"\r\n" + range.map { t in
                String(format: "\"%04d-%02d\",%.2f\r\n", 2000 + t / 12, t % 12 + 1, 50 + Double(t) + 10 * sin(Double(t) * Double.pi / 6))
            }.joined()
        }
        let train = try directory.write("train.csv", csv(0..<96)), valid = try directory.write("valid.csv", csv(96..<108))
        let test = try directory.write("test.csv", csv(108..<114)), model = directory.path("model.safetensors")
        let result = try CommandRunner.run(["train", "forecaster", "--train", train, "--valid", valid, "--column", "Sales", "--hidden", "8",
                                            "--horizon", "2", "--epochs", "3", "--out", model])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains("season 12"), "monthly dates and a strong season: a seasonal difference")
        let report = try json(try CommandRunner.run(["evaluate", "--model", model, "--history", train, "--history", valid, "--data", test,
                                                     "--json"]).standardOutput)
        for key in ["rmse", "mae", "mase", "smape", "naive", "seasonal_naive", "per_horizon"] { #expect(report[key] != nil, "\(key) in \(report)") }
        #expect(report["forecasts"] as? Int == 6 && (report["per_horizon"] as? [Any])?.count == 2 && report["seasonal_period"] as? Int == 12)
        let forecast = try CommandRunner.run(["forecast", "--model", model, "--history", train, "--steps", "5"])
        #expect(forecast.status == 0 && forecast.standardOutput.split(separator: "\n").compactMap { Double($0) }.count == 5, "\(forecast)")
        let predict = try CommandRunner.run(["predict", "--model", model, "--data", test])
        #expect(predict.status == 1 && predict.standardError.contains("use `recurrent forecast`"), "\(predict.standardError)")
        let short = try directory.write("short.csv", csv(0..<3))
        let tooShort = try CommandRunner.run(["forecast", "--model", model, "--history", short])
        #expect(tooShort.status == 1 && tooShort.standardError.contains("short.csv: 3 rows; the model needs at least"), "\(tooShort.standardError)")
    }
}
