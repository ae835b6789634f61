import ArgumentParser
import Foundation
import Recurrent

/// Which command handles a model file of each kind, for the commands that take any model file
/// (`evaluate`, `predict`, `export pytorch`): they read the file's kind and run the kind's own
/// command with the rest of the arguments. A task adds its kind here, one line per command.
enum ModelKindRoutes {
    static let evaluate: [String: any ParsableCommand.Type] = [
        TabularModelBundle.kind: EvaluateTabularCommand.self,
        LanguageModelBundle.kind: EvaluateLanguageModelCommand.self,
        SequenceModelBundle.kind: EvaluateSequenceCommand.self,
        ForecasterBundle.kind: EvaluateForecastCommand.self,
        TaggerBundle.kind: EvaluateTaggerCommand.self,
        AgentBundle.kind: EvaluateAgentCommand.self,
        Seq2SeqBundle.kind: EvaluateSeq2SeqCommand.self,
    ]

    static let predict: [String: any ParsableCommand.Type] = [
        TabularModelBundle.kind: PredictTabularCommand.self,
        Seq2SeqBundle.kind: TranslateCommand.self,
        SequenceModelBundle.kind: PredictSequenceCommand.self,
    ]

    static let exportPyTorch: [String: any ParsableCommand.Type] = [
        LanguageModelBundle.kind: ExportPyTorchLanguageModelCommand.self,
    ]

    /// Hints for kinds a generic command cannot handle (for example a language model has no
    /// predictions: it generates and scores).
    static let alternatives: [String: String] = [
        LanguageModelBundle.kind: "use `recurrent generate` or `recurrent score`",
        ForecasterBundle.kind: "use `recurrent forecast`",
        TaggerBundle.kind: "use `recurrent tag`",
    ]

    /// Runs the command `routes` has for the kind of the model at `modelPath`, parsing
    /// `["--model", modelPath] + arguments` with it.
    static func run(_ routes: [String: any ParsableCommand.Type], command: String, modelPath: String, arguments: [String]) throws {
        let kind = try ModelFile.kind(at: modelPath)
        guard let route = routes[kind] else {
            let handled = routes.keys.sorted().joined(separator: ", ")
            let hint = alternatives[kind].map { "; \($0)" } ?? ""
            throw CommandError("\(modelPath) is a \(kind) model: `recurrent \(command)` handles \(handled) models\(hint)")
        }
        var parsed = try route.parseAsRoot(["--model", modelPath] + arguments)
        try parsed.run()
    }

    /// The kinds a command handles, for its help.
    static func kinds(_ routes: [String: any ParsableCommand.Type]) -> String { routes.keys.sorted().joined(separator: ", ") }
}
