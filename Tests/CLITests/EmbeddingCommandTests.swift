import Foundation
import RecurrentTestSupport
import Testing

/// `recurrent train embeddings`, `neighbors`, `analogy` and `evaluate embeddings`, run as a user would.
@Suite struct EmbeddingCommandTests {
    /// Sentences from two groups of words that never meet.
    static let text = (0..<300).map { index in
        (0..<6).map { position in index % 2 == 0 ? "red\((index * 7 + position * 3) % 6)" : "blue\((index * 5 + position) % 6)" }
            .joined(separator: " ")
    }.joined(separator: "\n") + "\n"

    static let vectors = """
        5 3
        man 1 0 0
        woman 0 1 0
        king 1 0 1
        queen 0 1 1
        apple 0 0 0.1
        """

    func json(_ text: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func trainWritesVectorsThatTheOtherCommandsRead() throws {
        let directory = try TemporaryDirectory()
        let text = try directory.write("text.txt", Self.text)
        var outputs: [Data] = []
        for name in ["v.txt", "v.bin", "again.txt"] {
            let result = try CommandRunner.run(["train", "embeddings", "--text", text, "--dim", "12", "--window", "2", "--min-count", "1",
                                                "--sample", "0", "--epochs", "3", "--threads", "1", "--seed", "4", "--out", directory.path(name)])
            #expect(result.status == 0, "\(result.standardError)")
            #expect(result.standardOutput.isEmpty && result.standardError.contains("wrote"), "\(result.standardError)")
            outputs.append(try Data(contentsOf: URL(fileURLWithPath: directory.path(name))))
        }
        #expect(outputs[0] == outputs[2], "one thread and a seed give the same vectors")
        #expect(outputs[0].prefix(6) == Data("12 12\n".utf8))
        for name in ["v.txt", "v.bin"] {
            let result = try CommandRunner.run(["neighbors", "--embeddings", directory.path(name), "--word", "red0", "--k", "3", "--json"])
            #expect(result.status == 0, "\(result.standardError)")
            let matches = try #require(try json(result.standardOutput)["results"] as? [[String: Any]])
            #expect(matches.count == 3 && matches.allSatisfy { ($0["word"] as? String)?.hasPrefix("red") == true }, "\(matches)")
        }
    }

    @Test func analogyAndEvaluation() throws {
        let directory = try TemporaryDirectory()
        let vectors = try directory.write("v.txt", Self.vectors)
        let answer = try CommandRunner.run(["analogy", "--embeddings", vectors, "man", "king", "woman", "--k", "1"])
        #expect(answer.status == 0 && answer.standardOutput.hasPrefix("queen "), "\(answer.standardOutput)\(answer.standardError)")
        let questions = try directory.write("q.txt", ": royalty\nman king woman queen\nking man queen apple\n: gram-x\nman woman robot robots\n")
        let result = try CommandRunner.run(["evaluate", "embeddings", "--embeddings", vectors, "--analogies", questions, "--json"])
        #expect(result.status == 0, "\(result.standardError)")
        let object = try json(result.standardOutput)
        #expect(Set(object.keys) == ["sections", "semantic", "syntactic", "total", "restrict", "vocabulary"])
        let total = try #require(object["total"] as? [String: Any])
        #expect(total["questions"] as? Int == 3 && total["answered"] as? Int == 2 && total["correct"] as? Int == 1 && total["oov"] as? Int == 1)
        #expect(total["accuracy"] as? Double == 0.5)
    }

    @Test func languageModelWithPretrainedVectors() throws {
        let directory = try TemporaryDirectory()
        let vectors = try directory.write("v.txt", Self.vectors)
        let text = try directory.write("t.txt", String(repeating: "the king and the queen\nan apple\n", count: 20))
        let result = try CommandRunner.run(["train", "lm", "--text", text, "--level", "word", "--layers", "1", "--hidden", "8", "--seq", "4",
                                            "--batch", "2", "--epochs", "1", "--embeddings", vectors, "--freeze", "--out", directory.path("lm")])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains("3 of 7 words found in \(vectors); the rest initialized as usual"), "\(result.standardError)")
        #expect(result.standardError.contains("embedding 3,"), "the embedding takes the vectors' size: \(result.standardError)")
        let tied = try CommandRunner.run(["train", "lm", "--text", text, "--level", "word", "--hidden", "3", "--epochs", "1",
                                          "--embeddings", vectors, "--freeze", "--tie-weights", "--out", directory.path("x")])
        #expect(tied.status == 1 && tied.standardError.contains("--freeze cannot be combined with --tie-weights"))
    }

    @Test("bad input: a clear message, exit status 1", arguments: [
        (["neighbors", "--word", "x", "--embeddings", "DIR/missing.txt"], "missing.txt: cannot read"),
        (["neighbors", "--word", "nothere", "--embeddings", "DIR/v.txt"], "\"nothere\" is not in"),
        (["neighbors", "--word", "man", "--embeddings", "DIR/bad.txt"], "bad.txt:3: expected 3 values after \"woman\", found 2"),
        (["analogy", "--embeddings", "DIR/v.txt", "man", "king"], "three words"),
        (["evaluate", "embeddings", "--embeddings", "DIR/v.txt", "--analogies", "DIR/v.txt"], "v.txt:1: expected four words"),
        (["train", "embeddings", "--text", "DIR/v.txt", "--out", "DIR/no/such/dir/x.txt"], "does not exist"),
        (["train", "embeddings", "--text", "DIR/v.txt", "--min-count", "50", "--out", "DIR/x.txt"], "no word occurs 50 times"),
        (["train", "embeddings", "--text", "DIR/v.txt", "--dim", "0", "--out", "DIR/x.txt"], "dimension"),
    ])
    func badInput(arguments: [String], message: String) throws {
        let directory = try TemporaryDirectory()
        _ = try directory.write("v.txt", Self.vectors)
        _ = try directory.write("bad.txt", "3 3\nman 1 0 0\nwoman 0 1\nking 1 0 1\n")
        let result = try CommandRunner.run(arguments.map { $0.replacingOccurrences(of: "DIR", with: directory.url.path) })
        #expect(result.status == 1)
        #expect(result.standardError.contains(message), "\(result.standardError)")
        #expect(!FileManager.default.fileExists(atPath: directory.path("x.txt")))
    }
}
