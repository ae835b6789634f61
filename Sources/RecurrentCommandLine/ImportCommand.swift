import ArgumentParser
import Foundation
import Recurrent

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Convert a model trained elsewhere into a Recurrent model file.",
        subcommands: [ImportPyTorchCommand.self]
    )
}

/// `recurrent import pytorch --state STATE --vocab VOCAB --out MODEL`: a PyTorch
/// `word_language_model` state dict as a Recurrent language model.
struct ImportPyTorchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pytorch",
        abstract: "Import a language model from PyTorch's word_language_model example.",
        discussion: """
            STATE is the model's state_dict saved with safetensors.torch.save_file (or save_model): \
            encoder.weight, rnn.weight_ih_l0, ..., decoder.weight, decoder.bias, in F32, F16, BF16 or \
            F64. The architecture (LSTM, GRU or RNN; layers; sizes; tied weights) is read from the \
            tensors. VOCAB is {"level": "char" or "word", "tokens": [...]}, token i being row i of \
            encoder.weight.
            """
    )

    enum Nonlinearity: String, ExpressibleByArgument, CaseIterable {
        case tanh, relu
    }

    @Option(help: "The state dict: a .safetensors file.")
    var state: String

    @Option(help: "The vocabulary: a JSON file {\"level\": \"char\"|\"word\", \"tokens\": [...]}.")
    var vocab: String

    @Option(help: "The model file to write.")
    var out: String

    @Option(help: "A plain RNN's nonlinearity, which its tensors do not show: tanh or relu (default: tanh, or what the file's rnn_type metadata says).")
    var nonlinearity: Nonlinearity?

    func run() throws {
        try checkWritableDestination(out, flag: "--out")
        let vocabulary = try Vocabulary(contentsOfJSONFile: vocab)
        let bundle = try LanguageModelBundle.importPyTorch(stateFile: state, vocabulary: vocabulary,
                                                            nonlinearity: nonlinearity.map { $0 == .relu ? .relu : .tanh })
        try bundle.write(to: out)
        printError("imported \(languageModelSummary(bundle)) to \(out)")
    }
}

/// One line describing a language model: cell, layers, sizes, vocabulary, tying.
func languageModelSummary(_ bundle: LanguageModelBundle) -> String {
    let configuration = bundle.model.configuration
    return "\(PyTorchInterchange.rnnType(of: configuration.cell)): \(configuration.layers) layer\(configuration.layers == 1 ? "" : "s"), "
        + "embedding \(configuration.embeddingSize), hidden \(configuration.hiddenSize), "
        + "vocabulary \(bundle.vocabulary.count) (\(bundle.vocabulary.level.rawValue) level), "
        + (configuration.tiedWeights ? "tied weights" : "untied weights")
}
