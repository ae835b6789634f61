import Foundation
import RecurrentTestSupport
import Testing

/// `recurrent train tagger --model bilstm|bilstm-crf`, then `tag`, `evaluate` and `--resume`, run
/// as a user would on a small generated corpus (tiny networks: the test binary is a debug build).
@Suite struct NeuralTaggerCommandTests {
    static let small = ["--embed", "8", "--char-embed", "6", "--char-hidden", "6", "--hidden", "12", "--layers", "1", "--batch", "8", "--lr", "0.01"]

    func json(_ text: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not JSON: \(text)")
    }

    @Test func trainTagEvaluateAndResume() throws {
        let directory = try TemporaryDirectory()
        let train = try directory.write("train.conllu", TaggerCommandTests.conllu(TaggerCommandTests.corpus(sentences: 60, seed: 1)))
        let dev = try directory.write("dev.conllu", TaggerCommandTests.conllu(TaggerCommandTests.corpus(sentences: 15, seed: 2)))
        for model in ["bilstm", "bilstm-crf"] {
            let out = directory.path("\(model).safetensors"), log = directory.path("\(model).jsonl")
            let trained = try CommandRunner.run(["train", "tagger", "--train", train, "--dev", dev, "--model", model, "--seed", "1", "--epochs", "2",
                                                 "--log", log, "--out", out] + Self.small)
            #expect(trained.status == 0, "\(trained.standardError)")
            #expect(trained.standardError.contains("dev accuracy"), "\(trained.standardError)")
            #expect(FileManager.default.fileExists(atPath: out + ".checkpoint"))
            let records = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map { try json(String($0)) }
            #expect(records.filter { $0["event"] as? String == "validation" }.count == 2)
            #expect(records.contains { $0["valid_accuracy"] is Double })

            let tagged = try CommandRunner.run(["tag", "--model", out, "--json", "--input", dev])
            #expect(tagged.status == 0, "\(tagged.standardError)")
            let sentences = try #require(try json(tagged.standardOutput)["sentences"] as? [[String: Any]])
            #expect(sentences.count == 15 && sentences.allSatisfy { ($0["tags"] as? [String])?.count == ($0["words"] as? [String])?.count })

            for command in [["evaluate", "tagger"], ["evaluate"]] {
                let evaluated = try CommandRunner.run(command + ["--model", out, "--data", dev, "--json"])
                #expect(evaluated.status == 0, "\(evaluated.standardError)")
                let accuracy = try #require(try json(evaluated.standardOutput)["accuracy"] as? Double)
                #expect(accuracy > 0 && accuracy <= 1)
            }

            // One more epoch from the checkpoint: the log gains one validation, the model stays readable.
            let resumed = try CommandRunner.run(["train", "tagger", "--train", train, "--dev", dev, "--model", model, "--epochs", "3", "--resume",
                                                 "--log", log, "--out", out])
            #expect(resumed.status == 0, "\(resumed.standardError)")
            #expect(resumed.standardError.contains("resuming \(model)"), "\(resumed.standardError)")
            let after = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map { try json(String($0)) }
            #expect(after.filter { $0["event"] as? String == "validation" }.count == 3)
        }
    }

    @Test func mistakesAreErrorsThatWriteNothing() throws {
        let directory = try TemporaryDirectory()
        let train = try directory.write("train.conllu", TaggerCommandTests.conllu(TaggerCommandTests.corpus(sentences: 10, seed: 3)))
        let out = directory.path("never.safetensors")
        let cases: [([String], String)] = [
            (["--model", "crf", "--time", "1m"], "are for --model bilstm and bilstm-crf"),
            (["--model", "bilstm", "--dropout", "1"], "--dropout must be in [0, 1)"),
            (["--model", "bilstm", "--hidden", "0"], "--hidden must be at least 1"),
            (["--model", "bilstm-crf", "--resume"], "never.safetensors.checkpoint"),
            (["--model", "bilstm", "--embeddings", directory.path("missing.vec")], "missing.vec"),
        ]
        for (arguments, message) in cases {
            let result = try CommandRunner.run(["train", "tagger", "--train", train, "--out", out, "--epochs", "1"] + Self.small + arguments)
            #expect(result.status == 1, "\(arguments)")
            #expect(result.standardError.contains(message), "\(arguments): \(result.standardError)")
            #expect(!FileManager.default.fileExists(atPath: out))
        }
    }
}
