import Foundation
import RecurrentTestSupport
import Testing

/// `evaluate`, `predict` and `export pytorch` read a model file's kind and run that kind's command,
/// with a clear error for a kind a command cannot handle.
@Suite struct ModelKindRoutingTests {
    @Test func commandsDispatchOnTheModelsKind() throws {
        let directory = try TemporaryDirectory()
        let csv = try directory.write("t.csv", "a,y\n1,2\n3,4\n5,6\n7,9\n")
        let tabular = directory.path("tabular.safetensors")
        #expect(try CommandRunner.run(["train", "regression", "--csv", csv, "--target", "y", "--epochs", "2", "--out", tabular]).status == 0)
        let text = try directory.write("train.txt", String(repeating: "the cat sat on the mat\n", count: 20))
        let lm = directory.path("lm.safetensors")
        let trained = try CommandRunner.run(["train", "lm", "--text", text, "--layers", "1", "--hidden", "8", "--embed", "4",
                                             "--seq", "8", "--batch", "2", "--epochs", "1", "--out", lm])
        #expect(trained.status == 0, "\(trained.standardError)")

        let tabularEvaluation = try CommandRunner.run(["evaluate", "--model", tabular, "--csv", csv, "--json"])
        #expect(tabularEvaluation.status == 0 && tabularEvaluation.standardOutput.contains("\"r2\""), "\(tabularEvaluation.standardError)")
        let lmEvaluation = try CommandRunner.run(["evaluate", "--model", lm, "--text", text, "--json"])
        #expect(lmEvaluation.status == 0 && lmEvaluation.standardOutput.contains("\"perplexity\""), "\(lmEvaluation.standardError)")
        let prediction = try CommandRunner.run(["predict", "--model", tabular, "--data", csv])
        #expect(prediction.status == 0 && prediction.standardOutput.split(separator: "\n").count == 4)

        let lmPrediction = try CommandRunner.run(["predict", "--model", lm, "--data", text])
        #expect(lmPrediction.status == 1)
        #expect(lmPrediction.standardError.contains("is a language-model model: `recurrent predict` handles seq2seq, sequence, tabular models; use `recurrent generate`"),
                "\(lmPrediction.standardError)")
        let tabularExport = try CommandRunner.run(["export", "pytorch", "--model", tabular, "--out-dir", directory.path("out")])
        #expect(tabularExport.status == 1 && tabularExport.standardError.contains("`recurrent export pytorch` handles language-model models"))
        #expect(!FileManager.default.fileExists(atPath: directory.path("out")))
        let notAModel = try CommandRunner.run(["evaluate", "--model", csv, "--csv", csv])
        #expect(notAModel.status == 1 && notAModel.standardError.contains("t.csv"))
        let wrongOption = try CommandRunner.run(["evaluate", "--model", tabular, "--text", csv])
        #expect(wrongOption.status == 1 && wrongOption.standardError.contains("--csv"))
    }
}
