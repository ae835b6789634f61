import Foundation
import RecurrentTestSupport
@testable import RecurrentCommandLine
import Recurrent
import Testing

/// Flags are checked where they are parsed, and what `--help` says a default is, is what the
/// command does.
@Suite struct TrainingFlagTests {
    @Test("out-of-range sizes are refused at parse time with the limit", arguments: [
        (["--layers", "65"], "--layers must be in 1...64"),
        (["--hidden", "70000"], "--hidden must be in 1...65536"),
        (["--embed", "0"], "--embed must be in 1...65536"),
        (["--seq", "0"], "--seq must be in"),
        (["--hidden", "30000"], "more than the 1073741824 (4 GiB) a model may have"),
        (["--clip=-1"], "--clip must be a number ≥ 0"),
    ])
    func limitsAreCheckedWhereParsed(flags: [String], message: String) throws {
        let directory = try TemporaryDirectory()
        let text = try directory.write("t.txt", String(repeating: "some text\n", count: 30))
        let result = try CommandRunner.run(["train", "lm", "--text", text, "--epochs", "1", "--out", directory.path("m")] + flags)
        #expect(result.status == 1)
        #expect(result.standardError.contains(message), "\(result.standardError)")
        #expect(!result.standardError.contains("Fatal error") && !FileManager.default.fileExists(atPath: directory.path("m")))
    }

    @Test func defaultsInHelpAreTheDefaultsUsed() throws {
        let settings = try TrainLanguageModelCommand.parse(["--text", "t", "--epochs", "1"]).settings
        let defaults = LanguageModelTrainingSettings()
        #expect(settings.optimizer == defaults.optimizer)
        #expect(settings.optimizer.learningRate == LanguageModelTrainingSettings.defaultLearningRate(for: .adam))
        #expect(settings.clip == LanguageModelTrainingSettings.defaultClip && settings.clip == 5)
        #expect(settings.dropout == defaults.dropout && settings.layers == defaults.layers && settings.hiddenSize == defaults.hiddenSize)
        #expect(settings.earlyStoppingPatience == nil, "a limit was given: no patience unless asked")
        #expect(try TrainLanguageModelCommand.parse(["--text", "t", "--epochs", "1", "--clip", "0"]).settings.clip == nil, "0 turns clipping off")
        #expect(try TrainLanguageModelCommand.parse(["--text", "t", "--epochs", "1", "--optimizer", "sgd"]).settings.optimizer.learningRate == 0.01)
        #expect(try TrainLanguageModelCommand.parse(["--text", "t", "--valid", "v"]).settings.earlyStoppingPatience
                == LanguageModelTrainingSettings.defaultPatience)

        let help = TrainLanguageModelCommand.helpMessage(columns: 1000)
        #expect(help.contains("Learning rate (default: \(LanguageModelTrainingSettings.defaultLearningRate(for: .adam)) for adam"), "\(help)")
        #expect(help.contains("0 turns clipping off (default: \(LanguageModelTrainingSettings.defaultClip ?? 0))"))
        #expect(help.contains("before the decoder. (default: \(defaults.dropout))"))
        // Tabular training keeps PyTorch's defaults and says so.
        let tabularHelp = TrainTabularCommand.Regression.helpMessage(columns: 1000)
        #expect(tabularHelp.contains("0.001 for adam") && tabularHelp.contains("(default: no clipping)"))
    }

    @Test func badEnvironmentVariablesAreReportedNotIgnored() throws {
        let result = try CommandRunner.run(["bench", "gemm", "--shape", "4x4x4"], environment: ["RECURRENT_ISA": "sse9", "RECURRENT_NUM_THREADS": "two"])
        #expect(result.status == 0)
        #expect(result.standardError.contains("warning: RECURRENT_ISA=sse9 is not one of generic, neon, avx2, avx512"))
        #expect(result.standardError.contains("warning: RECURRENT_NUM_THREADS=two is not a positive integer"))
        let quiet = try CommandRunner.run(["bench", "gemm", "--shape", "4x4x4"], environment: ["RECURRENT_ISA": "generic", "RECURRENT_NUM_THREADS": "1"])
        #expect(!quiet.standardError.contains("warning"))
    }
}
