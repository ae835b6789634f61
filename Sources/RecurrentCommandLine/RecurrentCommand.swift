import ArgumentParser
import Foundation
import Recurrent

/// The `recurrent` command.
public struct RecurrentCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "recurrent",
        abstract: "Recurrent neural networks in Swift: train, evaluate, generate, benchmark.",
        discussion: """
            Progress goes to standard error; results to standard output (one JSON object with \
            --json). Exit status: 0 on success, 1 on any error (bad flags, unreadable or \
            malformed files).
            """,
        subcommands: [DemoCommand.self, TrainCommand.self, EvaluateCommand.self, GenerateCommand.self, ScoreCommand.self, PredictCommand.self, EmbedCommand.self, ForecastCommand.self, TagCommand.self, ImportCommand.self, ExportCommand.self, PlotCommand.self, PlayCommand.self, BenchCommand.self, NeighborsCommand.self, AnalogyCommand.self, TranslateCommand.self, AttentionCommand.self],
        defaultSubcommand: DemoCommand.self
    )

    public init() {}

    /// Runs the command line; every failure, including a usage error, exits with status 1
    /// after a message on standard error.
    public static func main() {
        Kernels.keepLargeAllocations()
        for problem in Kernels.environmentProblems { FileHandle.standardError.write(Data(("warning: " + problem + "\n").utf8)) }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == .success { exit(withError: error) }  // --help, --version
            let message = fullMessage(for: error)
            let text = message.lowercased().hasPrefix("error") ? message : "error: " + message
            FileHandle.standardError.write(Data((text + "\n").utf8))
            Foundation.exit(1)
        }
    }
}
