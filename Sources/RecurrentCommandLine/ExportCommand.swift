import ArgumentParser
import Foundation
import Recurrent

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a Recurrent model in another framework's format.",
        subcommands: [ExportPyTorchCommand.self]
    )
}

/// `recurrent export pytorch --model MODEL ...`: the export of the model's kind.
struct ExportPyTorchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pytorch",
        abstract: "Export a model for PyTorch (\(ModelKindRoutes.kinds(ModelKindRoutes.exportPyTorch)) models).",
        discussion: """
            A language model is written as the state dict of PyTorch's word_language_model example: \
            --out-dir DIR receives DIR/state.safetensors (float32; load it with \
            safetensors.torch.load_file and RNNModel.load_state_dict, strict) and DIR/vocab.json \
            ({"level": ..., "tokens": [...]}). DIR is created if missing; its parent must exist.
            """
    )

    @Option(help: "A model file.")
    var model: String

    @Argument(parsing: .allUnrecognized, help: "The options of the model kind's export (language models: --out-dir DIR).")
    var options: [String] = []

    func run() throws {
        try ModelKindRoutes.run(ModelKindRoutes.exportPyTorch, command: "export pytorch", modelPath: model, arguments: options)
    }
}

/// `recurrent export pytorch --model MODEL --out-dir DIR`: a language model as a PyTorch
/// `word_language_model` state dict and vocabulary.
struct ExportPyTorchLanguageModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pytorch",
        abstract: "Export a language model for PyTorch's word_language_model example.",
        discussion: """
            Writes DIR/state.safetensors (float32; load it with safetensors.torch.load_file and \
            RNNModel.load_state_dict, strict) and DIR/vocab.json ({"level": ..., "tokens": [...]}). \
            DIR is created if missing; its parent must exist.
            """
    )

    @Option(help: "A language model file.")
    var model: String

    @Option(help: "The directory to write state.safetensors and vocab.json to.")
    var outDir: String

    func run() throws {
        let bundle = try LanguageModelBundle.read(from: model)
        try bundle.exportPyTorch(to: outDir)
        printError("exported \(languageModelSummary(bundle)) to \(outDir)")
    }
}
