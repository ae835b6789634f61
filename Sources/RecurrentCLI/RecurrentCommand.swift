import ArgumentParser
import Recurrent

@main
struct RecurrentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recurrent",
        abstract: "Recurrent neural networks in Swift: train, evaluate, generate, benchmark.",
        subcommands: [BenchCommand.self]
    )
}
