import Foundation
import RecurrentTestSupport
import Testing

/// `recurrent train agent`, `evaluate agent`, `play` and `bench agent`, run as a user would.
@Suite struct AgentCommandTests {
    func json(_ text: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func trainEvaluatePlayEndToEnd() throws {
        let directory = try TemporaryDirectory()
        let model = directory.path("agent.safetensors"), log = directory.path("log.jsonl")
        let train = try CommandRunner.run(["train", "agent", "--env", "tmaze", "--length", "3", "--policy", "gru", "--hidden", "8",
                                           "--steps", "1k", "--envs", "4", "--eval-episodes", "3", "--log", log, "--out", model])
        #expect(train.status == 0, "\(train.standardError)")
        #expect(train.standardOutput.isEmpty, "progress goes to stderr")
        #expect(train.standardError.contains("success rate"))
        let records = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map { try json(String($0)) }
        let updates = records.filter { $0["event"] as? String == "train" }
        #expect(updates.count == 8, "1000 steps in updates of 4 x 32")
        #expect(updates.last?["step"] as? Int == 1024)
        #expect(updates.allSatisfy { $0["train_seconds"] is Double && $0["entropy"] is Double })
        #expect(updates.contains { $0["mean_return"] is Double && $0["success_rate"] is Double })
        #expect(records.last?["event"] as? String == "end")

        for command in [["evaluate", "agent", "--model", model], ["evaluate", "--model", model]] {
            let evaluate = try CommandRunner.run(command + ["--episodes", "10", "--json"])
            #expect(evaluate.status == 0, "\(evaluate.standardError)")
            let result = try json(evaluate.standardOutput)
            #expect(result["episodes"] as? Int == 10)
            #expect(result["mean_return"] is Double && result["sd_return"] is Double && result["success_rate"] is Double)
        }
        let play = try CommandRunner.run(["play", "--model", model, "--render", "--episodes", "2"])
        #expect(play.status == 0, "\(play.standardError)")
        #expect(play.standardOutput.contains("episode 2: return"))
        #expect(play.standardOutput.contains("action east") || play.standardOutput.contains("action north")
                || play.standardOutput.contains("action south"))
        let plot = try CommandRunner.run(["plot", log, "--metric", "mean_return", "--out", directory.path("curve.svg")])
        #expect(plot.status == 0, "\(plot.standardError)")
    }

    @Test func badInputExitsWithOneAndWritesNothing() throws {
        let directory = try TemporaryDirectory()
        let model = directory.path("agent.safetensors")
        for arguments in [["--env", "maze"], ["--env", "cartpole", "--steps", "lots"], ["--env", "tmaze", "--length", "0"],
                          ["--env", "cartpole", "--minibatches", "40"], ["--env", "cartpole", "--head", "-3"]] {
            let result = try CommandRunner.run(["train", "agent"] + arguments + ["--out", model])
            #expect(result.status == 1, "\(arguments)")
            #expect(!FileManager.default.fileExists(atPath: model))
        }
        let notAModel = try directory.write("model.safetensors", "not a model")
        #expect(try CommandRunner.run(["evaluate", "agent", "--model", notAModel]).status == 1)
        #expect(try CommandRunner.run(["play", "--model", directory.path("missing")]).status == 1)
    }

    @Test func benchReportsStepsPerSecond() throws {
        let result = try CommandRunner.run(["bench", "agent", "--hidden", "8", "--envs", "4", "--rollout", "8", "--epochs", "1",
                                            "--updates", "1", "--json"])
        #expect(result.status == 0, "\(result.standardError)")
        let record = try json(result.standardOutput)
        #expect(record["steps"] as? Int == 32)
        #expect((record["steps_per_second"] as? Double ?? 0) > 0)
    }
}
