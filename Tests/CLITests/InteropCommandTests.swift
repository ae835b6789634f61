import Foundation
import RecurrentTestSupport
import Recurrent
import Testing

/// `recurrent import pytorch` and `recurrent export pytorch`, run as a user would, on the
/// fixtures of `scripts/make_pytorch_lm_fixtures.py` (in TaskTests).
@Suite struct InteropCommandTests {
    static func fixture(_ name: String, _ file: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("TaskTests/Fixtures/pytorch/\(name)/\(file)").path
    }

    /// The tensor names and dtypes in a safetensors file's header, read without the library.
    func header(_ path: String) throws -> [String: String] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        try #require(data.count >= 8)
        let length = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        try #require(length <= data.count - 8)
        let object = try #require(try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + length))) as? [String: Any])
        var result: [String: String] = [:]
        for (name, entry) in object where name != "__metadata__" {
            result[name] = (entry as? [String: Any])?["dtype"] as? String ?? "?"
        }
        return result
    }

    @Test func importThenExport() throws {
        let directory = try TemporaryDirectory()
        let model = directory.path("model.safetensors"), exported = directory.path("exported")
        let imported = try CommandRunner.run(["import", "pytorch", "--state", Self.fixture("lstm_word_tied", "state.safetensors"),
                                              "--vocab", Self.fixture("lstm_word_tied", "vocab.json"), "--out", model])
        #expect(imported.status == 0, "\(imported.standardError)")
        #expect(imported.standardError.contains("imported LSTM: 2 layers, embedding 16, hidden 16, vocabulary 30 (word level), tied weights"),
                "\(imported.standardError)")
        #expect(imported.standardError.split(separator: "\n").count == 1)
        #expect(FileManager.default.fileExists(atPath: model))

        let export = try CommandRunner.run(["export", "pytorch", "--model", model, "--out-dir", exported])
        #expect(export.status == 0, "\(export.standardError)")
        #expect(export.standardError.contains("exported LSTM: 2 layers"), "\(export.standardError)")
        var expected = ["encoder.weight", "decoder.weight", "decoder.bias"]
        for layer in 0..<2 {
            expected += ["weight_ih", "weight_hh", "bias_ih", "bias_hh"].map { "rnn.\($0)_l\(layer)" }
        }
        let tensors = try header(exported + "/state.safetensors")
        #expect(Set(tensors.keys) == Set(expected))
        #expect(tensors.values.allSatisfy { $0 == "F32" })
        let vocabulary = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: exported + "/vocab.json"))) as? [String: Any])
        let original = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.fixture("lstm_word_tied", "vocab.json")))) as? [String: Any])
        #expect(vocabulary["level"] as? String == "word")
        #expect(vocabulary["tokens"] as? [String] == original["tokens"] as? [String])
    }

    @Test func aReLURNNNeedsTheFlag() throws {
        let directory = try TemporaryDirectory()
        let model = directory.path("model.safetensors")
        let arguments = ["import", "pytorch", "--state", Self.fixture("rnn_relu_word_tied", "state.safetensors"),
                         "--vocab", Self.fixture("rnn_relu_word_tied", "vocab.json"), "--out", model]
        let relu = try CommandRunner.run(arguments + ["--nonlinearity", "relu"])
        #expect(relu.status == 0, "\(relu.standardError)")
        #expect(relu.standardError.contains("imported RNN_RELU: 2 layers"), "\(relu.standardError)")
        let plain = try CommandRunner.run(arguments)
        #expect(plain.standardError.contains("imported RNN_TANH: 2 layers"), "\(plain.standardError)")
        let bogus = try CommandRunner.run(arguments + ["--nonlinearity", "sigmoid"])
        #expect(bogus.status == 1)
    }

    /// Runs a command expected to fail and checks that `sentinel` (written first) is unchanged.
    func expectFailure(_ arguments: [String], sentinel: String, message: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        try Data("sentinel\n".utf8).write(to: URL(fileURLWithPath: sentinel))
        let result = try CommandRunner.run(arguments)
        #expect(result.status == 1, "\(arguments)", sourceLocation: sourceLocation)
        #expect(result.standardError.lowercased().hasPrefix("error: "), "\(result.standardError)", sourceLocation: sourceLocation)
        for fragment in message {
            #expect(result.standardError.contains(fragment), "\(result.standardError)", sourceLocation: sourceLocation)
        }
        #expect(try String(contentsOfFile: sentinel, encoding: .utf8) == "sentinel\n", "the output was touched", sourceLocation: sourceLocation)
    }

    @Test func importErrorsWriteNothing() throws {
        let directory = try TemporaryDirectory()
        let out = directory.path("model.safetensors")
        let state = Self.fixture("gru_word", "state.safetensors"), vocab = Self.fixture("gru_word", "vocab.json")
        func run(state: String = state, vocab: String = vocab, extra: [String] = []) -> [String] {
            ["import", "pytorch", "--state", state, "--vocab", vocab, "--out", out] + extra
        }

        var missing = try SafeTensors(contentsOfFile: state)
        missing["rnn.bias_hh_l0"] = nil
        let missingPath = directory.path("missing.safetensors")
        try missing.write(toFile: missingPath)
        try expectFailure(run(state: missingPath), sentinel: out, message: [missingPath, "missing \"rnn.bias_hh_l0\""])

        let garbage = try directory.write("garbage.safetensors", "definitely not tensors")
        try expectFailure(run(state: garbage), sentinel: out, message: [garbage, "not a safetensors file"])
        try expectFailure(run(state: directory.path("absent.safetensors")), sentinel: out, message: ["absent.safetensors: cannot read"])

        let notJSON = try directory.write("notjson.json", "{\"level\": \"word\", ")
        try expectFailure(run(vocab: notJSON), sentinel: out, message: [notJSON, "not valid JSON"])
        let wrongKeys = try directory.write("keys.json", "{\"kind\": \"word\", \"tokens\": []}")
        try expectFailure(run(vocab: wrongKeys), sentinel: out, message: [wrongKeys, "unexpected key \"kind\""])
        let duplicates = try directory.write("dups.json", "{\"level\": \"word\", \"tokens\": [\"a\", \"a\"]}")
        try expectFailure(run(vocab: duplicates), sentinel: out, message: [duplicates, "appears twice"])
        let level = try directory.write("level.json", "{\"level\": \"sentence\", \"tokens\": [\"a\"]}")
        try expectFailure(run(vocab: level), sentinel: out, message: [level, "\"level\" is \"sentence\", expected \"char\" or \"word\""])
        let small = try directory.write("small.json", "{\"level\": \"word\", \"tokens\": [\"a\", \"b\"]}")
        try expectFailure(run(vocab: small), sentinel: out, message: [state, "the vocabulary has 2 tokens but encoder.weight has 30 rows"])
        try expectFailure(run(extra: ["--nonlinearity", "relu"]), sentinel: out, message: ["applies only to a plain RNN"])

        let nowhere = directory.path("no/such/dir/model.safetensors")
        let result = try CommandRunner.run(["import", "pytorch", "--state", state, "--vocab", vocab, "--out", nowhere])
        #expect(result.status == 1)
        #expect(result.standardError.contains("does not exist"), "\(result.standardError)")
    }

    @Test func exportErrorsWriteNothing() throws {
        let directory = try TemporaryDirectory()
        let sentinel = directory.path("not-a-directory")
        let model = directory.path("model.safetensors")
        let imported = try CommandRunner.run(["import", "pytorch", "--state", Self.fixture("gru_word", "state.safetensors"),
                                              "--vocab", Self.fixture("gru_word", "vocab.json"), "--out", model])
        #expect(imported.status == 0, "\(imported.standardError)")
        try expectFailure(["export", "pytorch", "--model", model, "--out-dir", sentinel], sentinel: sentinel,
                          message: [sentinel, "exists and is not a directory"])
        let garbage = try directory.write("garbage.safetensors", "definitely not tensors")
        let exported = directory.path("exported")
        try expectFailure(["export", "pytorch", "--model", garbage, "--out-dir", exported], sentinel: sentinel, message: [garbage])
        #expect(!FileManager.default.fileExists(atPath: exported))
        let orphan = directory.path("missing/exported")
        try expectFailure(["export", "pytorch", "--model", model, "--out-dir", orphan], sentinel: sentinel, message: ["does not exist"])
        #expect(!FileManager.default.fileExists(atPath: directory.path("missing")))
    }
}
