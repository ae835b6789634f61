import Foundation
import Testing

/// `recurrent bench ...`: the JSON each prints and the defaults it shares with
/// `scripts/bench_reference.py`, at sizes small enough for a debug build.
@Suite struct BenchCommandTests {
    func json(_ text: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// The reference script's defaults: hidden 512 for train, 256 for generate and infer.
    @Test(arguments: [("train", ["--steps", "1", "--batch", "2", "--seq", "2", "--layers", "1"], 512, "tokens_per_second"),
                      ("generate", ["--tokens", "2", "--runs", "1", "--layers", "1"], 256, "ms"),
                      ("infer", ["--seq", "3", "--runs", "1", "--layers", "1"], 256, "ms")])
    func defaultsAndJSON(command: String, flags: [String], hidden: Int, measure: String) throws {
        let result = try CommandRunner.run(["bench", command] + flags + ["--json"])
        #expect(result.status == 0, "\(result.standardError)")
        let object = try json(result.standardOutput)
        #expect(object["hidden"] as? Int == hidden)
        #expect(object["cell"] as? String == "lstm")
        #expect((object[measure] as? Double ?? 0) > 0, "\(object)")
    }

    @Test func hiddenFlagOverridesTheDefault() throws {
        let result = try CommandRunner.run(["bench", "infer", "--hidden", "8", "--seq", "2", "--runs", "1", "--json"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(try json(result.standardOutput)["hidden"] as? Int == 8)
    }

    @Test func badSizeIsAUsageError() throws {
        let result = try CommandRunner.run(["bench", "generate", "--hidden", "0"])
        #expect(result.status == 1)
        #expect(result.standardError.contains("sizes must be positive"), "\(result.standardError)")
        #expect(result.standardOutput.isEmpty)
    }
}
