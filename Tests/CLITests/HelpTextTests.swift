import ArgumentParser
import RecurrentCommandLine
import Testing

/// Every command's `--help` shows defaults as a user would type them (`64,32`, `15m`), never a
/// Swift value's description (`IntegerList(values: [64])`, `Optional(3)`, `RecurrentTasks.Kind`).
/// The commands are found by walking the command tree, so new commands are checked as they come.
@Suite struct HelpTextTests {
    /// `root` and every command below it, with the names that reach it (`["train", "regression"]`).
    static func commands(below root: ParsableCommand.Type, path: [String] = []) -> [(path: [String], command: ParsableCommand.Type)] {
        [(path, root)] + root.configuration.subcommands.flatMap { subcommand in
            commands(below: subcommand, path: path + [subcommand._commandName])
        }
    }

    /// What a Swift value's description looks like, and what each pattern catches.
    static var swiftDescriptions: [(what: String, pattern: Regex<Substring>)] { [
        ("a memberwise description such as IntegerList(values: …)", #/[A-Z][A-Za-z0-9_]*\([a-z_][A-Za-z0-9_]*: /#),
        ("Optional(…)", #/Optional\(/#),
        ("an array's description", #/(?:values|default): \[/#),
        ("a module-qualified type name", #/\b(?:Recurrent[A-Za-z]*|Swift|Foundation|ArgumentParser)\.[A-Za-z_]/#),
        ("an enum case's description such as .adam", #/default: \.[a-z]/#),
        ("nil", #/default: nil\b/#),
    ] }

    /// The kinds of Swift description found in `text`.
    static func leaks(in text: String) -> [String] {
        swiftDescriptions.filter { text.contains($0.pattern) }.map(\.what)
    }

    @Test("the check catches Swift descriptions", arguments: [
        "(default: IntegerList(values: [64]))", "(default: Duration(seconds: 150.0))", "(default: Optional(3))",
        "(default: [64, 32])", "(default: RecurrentTasks.OptimizerSettings.Kind.adam)", "(default: .adam)", "(default: nil)",
    ])
    func catches(text: String) {
        #expect(!Self.leaks(in: text).isEmpty, "\(text)")
    }

    @Test("the check lets through what a user types", arguments: [
        "(values: sgd, adagrad, rmsprop, adam, adamw; default: adam)", "(default: 64)", "(default: 64,32)", "(default: 15m)",
        "(default: 0.0)", "Fit a linear regression (Y = XW + b) or an MLP.", "(default: PyTorch's, 0.01 for sgd)",
    ])
    func passes(text: String) {
        #expect(Self.leaks(in: text).isEmpty, "\(text)")
    }

    @Test func everyCommandsHelpReadsAsTyped() {
        let commands = Self.commands(below: RecurrentCommand.self)
        #expect(commands.count >= 15, "the walk found \(commands.map { $0.path.joined(separator: " ") })")
        var defaults = 0
        for (path, command) in commands {
            let help = RecurrentCommand.helpMessage(for: command, includeHidden: true, columns: 10_000)
            let name = (["recurrent"] + path).joined(separator: " ")
            #expect(help.contains("USAGE: \(name)"), "\(name): \(help)")
            #expect(Self.leaks(in: help).isEmpty, "`\(name) --help` shows \(Self.leaks(in: help)):\n\(help)")
            defaults += help.components(separatedBy: "default: ").count - 1
        }
        #expect(defaults >= 20, "the help texts show defaults to check")
        func help(_ path: [String]) -> String {
            commands.first { $0.path == path }.map { RecurrentCommand.helpMessage(for: $0.command, columns: 10_000) } ?? ""
        }
        #expect(help(["train", "regression"]).contains("such as 64 or 64,32. (default: 64)"))
        #expect(help(["demo"]).contains("(default: 150s)"), "a duration that parses back (it showed 2m30s, which does not)")
    }
}
