import Foundation
import RecurrentTestSupport
import Testing

/// `recurrent train lm`, `evaluate lm`, `generate` and `score`, run as a user would.
@Suite struct LanguageModelCommandTests {
    static let text = (0..<60).map { "the cat sat on the mat number \($0 % 7)\nthe dog ran to the door\n" }.joined()

    func json(_ text: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    func train(_ directory: TemporaryDirectory, level: String = "char", extra: [String] = []) throws -> (model: String, text: String) {
        let text = try directory.write("train.txt", Self.text), model = directory.path("lm.safetensors")
        let result = try CommandRunner.run(["train", "lm", "--text", text, "--valid", text, "--level", level, "--layers", "1",
                                            "--hidden", "24", "--embed", "8", "--seq", "16", "--batch", "4", "--epochs", "2",
                                            "--out", model] + extra)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.isEmpty, "progress and summaries go to stderr")
        return (model, text)
    }

    @Test func characterModelEndToEnd() throws {
        let directory = try TemporaryDirectory()
        let (model, text) = try train(directory)
        #expect(FileManager.default.fileExists(atPath: model + ".checkpoint"))
        let evaluated = try CommandRunner.run(["evaluate", "lm", "--model", model, "--text", text, "--json"])
        #expect(evaluated.status == 0, "\(evaluated.standardError)")
        let evaluation = try json(evaluated.standardOutput)
        #expect(Set(evaluation.keys) == ["loss", "perplexity", "tokens", "bpc"])
        #expect(evaluation["tokens"] as? Int == Self.text.unicodeScalars.count - 1)
        let loss = try #require(evaluation["loss"] as? Double)
        #expect(Swift.abs((evaluation["bpc"] as? Double ?? 0) - loss / log(2)) < 1e-9)
        #expect(Swift.abs((evaluation["perplexity"] as? Double ?? 0) - exp(loss)) < 1e-6 * exp(loss))
        let first = try CommandRunner.run(["generate", "--model", model, "--prime", "the ", "--length", "40", "--seed", "7"])
        let second = try CommandRunner.run(["generate", "--model", model, "--prime", "the ", "--length", "40", "--seed", "7"])
        #expect(first.status == 0 && first.standardOutput == second.standardOutput, "seeded generation repeats")
        #expect(first.standardOutput.hasPrefix("the ") && first.standardOutput.unicodeScalars.count == 4 + 40 + 1)
        let lines = try directory.write("candidates.txt", "the cat sat on the mat number 3\n3 rebmun tam eht no tas tac eht\n")
        let scores = try json(try CommandRunner.run(["score", "--model", model, "--text", lines, "--json"]).standardOutput)
        let scored = try #require(scores["lines"] as? [[String: Any]])
        #expect(scored.count == 2)
        let likely = try #require(scored[0]["log_probability"] as? Double), unlikely = try #require(scored[1]["log_probability"] as? Double)
        #expect(likely > unlikely, "a sentence like the training text scores higher than scrambled letters")
    }

    @Test func wordModelAndResume() throws {
        let directory = try TemporaryDirectory()
        let (model, text) = try train(directory, level: "word", extra: ["--tie-weights", "--embed", "24"])
        let evaluation = try json(try CommandRunner.run(["evaluate", "lm", "--model", model, "--text", text, "--json"]).standardOutput)
        #expect(Set(evaluation.keys) == ["loss", "perplexity", "tokens"])
        let resumed = try CommandRunner.run(["train", "lm", "--text", text, "--valid", text, "--epochs", "3", "--out", model, "--resume"])
        #expect(resumed.status == 0, "\(resumed.standardError)")
        #expect(resumed.standardError.contains("resuming"))
        // Without --epochs or --time the checkpoint's own limit applies: already reached, so it stops at once.
        let again = try CommandRunner.run(["train", "lm", "--text", text, "--valid", text, "--out", model, "--resume"])
        #expect(again.status == 0, "\(again.standardError)")
        #expect(again.standardError.contains("resuming") && again.standardError.contains("after 3 epochs"), "\(again.standardError)")
    }

    @Test("bad input: a clear message, exit status 1", arguments: [
        ("empty.txt", [UInt8](), "the file is empty"),
        ("binary.txt", [0x61, 0x00, 0x62], "binary file"),
        ("latin1.txt", [0x63, 0x61, 0x66, 0xE9, 0x0A], "not valid UTF-8"),
    ])
    func badTexts(name: String, bytes: [UInt8], message: String) throws {
        let directory = try TemporaryDirectory()
        let path = directory.path(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let result = try CommandRunner.run(["train", "lm", "--text", path, "--epochs", "1", "--out", directory.path("m")])
        #expect(result.status == 1)
        #expect(result.standardError.contains(name) && result.standardError.contains(message), "\(result.standardError)")
        #expect(!FileManager.default.fileExists(atPath: directory.path("m")))
    }

    @Test func hostileAndWrongModelFiles() throws {
        let directory = try TemporaryDirectory()
        let (model, text) = try train(directory)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: model))
        let truncated = directory.path("truncated.safetensors")
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: truncated))
        let cut = try CommandRunner.run(["evaluate", "lm", "--model", truncated, "--text", text])
        #expect(cut.status == 1 && cut.standardError.contains("truncated.safetensors"))
        var corrupted = bytes
        corrupted[0] = 0xFF  // header length far beyond the file
        let garbage = directory.path("garbage.safetensors")
        try corrupted.write(to: URL(fileURLWithPath: garbage))
        let bad = try CommandRunner.run(["generate", "--model", garbage])
        #expect(bad.status == 1 && bad.standardError.contains("garbage.safetensors"))
        let csv = try directory.write("t.csv", "a,y\n1,2\n3,4\n5,6\n")
        let tabular = directory.path("tabular.safetensors")
        #expect(try CommandRunner.run(["train", "regression", "--csv", csv, "--target", "y", "--epochs", "2", "--out", tabular]).status == 0)
        let wrongKind = try CommandRunner.run(["evaluate", "lm", "--model", tabular, "--text", text])
        #expect(wrongKind.status == 1 && wrongKind.standardError.contains("is a tabular model; this needs a language-model model"))
        let unknown = try directory.write("unknown.txt", "§§§\n")
        let unknownText = try CommandRunner.run(["evaluate", "lm", "--model", model, "--text", unknown])
        #expect(unknownText.status == 1 && unknownText.standardError.contains("unknown.txt:1"))
    }
}
