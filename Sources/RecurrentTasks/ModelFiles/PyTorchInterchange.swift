import Foundation
import RecurrentData
import RecurrentNN
import RecurrentTensor

/// Import from and export to PyTorch's `word_language_model` example.
///
/// Its `RNNModel` is this package's ``LanguageModel`` with the same parameter names and layouts:
///
/// | key | shape |
/// |---|---|
/// | `encoder.weight` | `[ntoken, ninp]` |
/// | `rnn.weight_ih_l{k}` | `[G·nhid, ninp]` for k = 0, `[G·nhid, nhid]` above |
/// | `rnn.weight_hh_l{k}` | `[G·nhid, nhid]` |
/// | `rnn.bias_ih_l{k}`, `rnn.bias_hh_l{k}` | `[G·nhid]` |
/// | `decoder.weight` | `[ntoken, nhid]` |
/// | `decoder.bias` | `[ntoken]` |
///
/// with G = 4 for `nn.LSTM` (gates i, f, g, o), 3 for `nn.GRU` (r, z, n) and 1 for `nn.RNN`.
/// A directory exchanged with PyTorch holds the state dict and the vocabulary:
///
///     state.safetensors   safetensors.torch.save_file(model.state_dict(), ...)
///     vocab.json          {"level": "word", "tokens": ["the", "cat", ..., "<eos>"]}
///
/// On the PyTorch side:
///
/// ```python
/// state = safetensors.torch.load_file("exported/state.safetensors")
/// model = RNNModel("LSTM", ntoken, ninp, nhid, nlayers, tie_weights=tied)
/// model.load_state_dict(state)        # strict: every key matches
/// ```
public enum PyTorchInterchange {
    /// The state dict's file name in an exchange directory.
    public static let stateFileName = "state.safetensors"
    /// The vocabulary's file name in an exchange directory.
    public static let vocabularyFileName = "vocab.json"
    /// Metadata key written on export with the example's `rnn_type` (`LSTM`, `GRU`, `RNN_TANH`,
    /// `RNN_RELU`), so a ReLU RNN, whose tensors look like a tanh RNN's, reads back as one.
    public static let rnnTypeMetadataKey = "rnn_type"

    /// The example's `--model` name for a cell kind.
    public static func rnnType(of cell: CellKind) -> String {
        switch cell {
        case .lstm: "LSTM"
        case .gru: "GRU"
        case .rnn: "RNN_TANH"
        case .rnnRelu: "RNN_RELU"
        }
    }

    static func cellKind(rnnType: String) -> CellKind? {
        CellKind.allCases.first { Self.rnnType(of: $0) == rnnType }
    }
}

extension LanguageModelBundle {
    /// Imports a PyTorch `word_language_model` state dict saved with `safetensors.torch`
    /// (`save_file` or `save_model`), inferring the architecture from its tensors:
    ///
    /// - vocabulary and embedding size from `encoder.weight` `[ntoken, ninp]`;
    /// - hidden size H and gate count G from `rnn.weight_hh_l0` `[G·H, H]`: 4 is an LSTM, 3 a GRU,
    ///   1 a plain RNN (tanh, unless `nonlinearity` or the file's `rnn_type` metadata says ReLU);
    /// - the layer count from the `rnn.*_l{k}` keys, which must run 0..<layers without gaps;
    /// - tied weights when `decoder.weight` or `encoder.weight` is absent (`save_model` keeps one
    ///   name of a shared tensor, `decoder.weight`), or when both are present, equal, and
    ///   ninp = nhid (the only case in which the example ties them).
    ///
    /// F16, BF16 and F64 tensors are converted to Float. Dropout is not part of a state dict, so
    /// the imported model has none.
    ///
    /// - Throws: ``ModelFileError`` naming the file, the tensor and what was expected: missing or
    ///   unexpected keys, inconsistent shapes, a gate count other than 1, 3 or 4, layer keys with
    ///   gaps, non-finite values, or a vocabulary whose size differs from the model's.
    public static func importPyTorch(state: SafeTensors, vocabulary: Vocabulary,
                                     nonlinearity: RNNCell.Nonlinearity? = nil) throws -> LanguageModelBundle {
        let layout = try PyTorchStateLayout(state, nonlinearity: nonlinearity)
        let configuration = layout.configuration
        guard vocabulary.count == configuration.vocabularySize else {
            throw layout.failure("the vocabulary has \(vocabulary.count) tokens but \(layout.tokenMatrixName) has \(configuration.vocabularySize) rows (one per token)")
        }
        var generator = RandomGenerator(seed: 0)
        let model = LanguageModel(configuration, generator: &generator)
        for named in model.parameters {
            // A tied model's shared matrix is stored under whichever of its two names is present.
            guard let tensor = state[named.name] ?? (configuration.tiedWeights ? state[layout.tokenMatrixName] : nil) else {
                throw layout.failure("missing tensor \(quoted(named.name))")
            }
            named.parameter.assign(tensor)
        }
        return LanguageModelBundle(model: model, vocabulary: vocabulary)
    }

    /// Reads `path` (a `.safetensors` state dict) and imports it; see
    /// ``importPyTorch(state:vocabulary:nonlinearity:)``.
    ///
    /// - Throws: ``SafeTensorsError`` when the file is not a valid safetensors file, otherwise as
    ///   ``importPyTorch(state:vocabulary:nonlinearity:)``.
    public static func importPyTorch(stateFile path: String, vocabulary: Vocabulary,
                                     nonlinearity: RNNCell.Nonlinearity? = nil) throws -> LanguageModelBundle {
        try importPyTorch(state: SafeTensors(contentsOfFile: path), vocabulary: vocabulary, nonlinearity: nonlinearity)
    }

    /// The model's state dict as PyTorch's `RNNModel.state_dict()` has it: every key, both
    /// `encoder.weight` and `decoder.weight` even when they are tied (so `load_state_dict` in
    /// strict mode accepts it), with the `rnn_type` in the metadata.
    public func pyTorchState() -> SafeTensors {
        var state = SafeTensors(metadata: ["format": "pt",
                                           PyTorchInterchange.rnnTypeMetadataKey: PyTorchInterchange.rnnType(of: model.configuration.cell)])
        for named in model.parameters { state[named.name] = named.parameter.value.detached }
        return state
    }

    /// Writes `directory/state.safetensors` (float32, loadable with `safetensors.torch.load_file`
    /// and `RNNModel.load_state_dict`) and `directory/vocab.json`, each atomically. Creates
    /// `directory` when it does not exist; its parent must.
    ///
    /// - Throws: ``ModelFileError`` when `directory` is a file or cannot be created,
    ///   ``AtomicWriteError`` when a file cannot be written.
    public func exportPyTorch(to directory: String) throws {
        // Serialize both files before touching the disk, so a failure writes nothing.
        let stateData = try pyTorchState().serialized()
        let vocabularyData = try vocabulary.jsonData()
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw ModelFileError(path: directory, problem: "exists and is not a directory") }
        } else {
            let parent = (directory as NSString).deletingLastPathComponent
            let folder = parent.isEmpty ? "." : parent
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ModelFileError(path: directory, problem: "cannot create the directory: its parent \(folder) does not exist")
            }
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
            } catch {
                throw ModelFileError(path: directory, problem: "cannot create the directory: \(error.localizedDescription)")
            }
        }
        try writeAtomically(stateData, to: (directory as NSString).appendingPathComponent(PyTorchInterchange.stateFileName))
        try writeAtomically(vocabularyData, to: (directory as NSString).appendingPathComponent(PyTorchInterchange.vocabularyFileName))
    }
}

/// What a PyTorch state dict's tensors say about the model, checked completely (names, shapes,
/// values) before any model is allocated.
struct PyTorchStateLayout {
    let file: String
    let configuration: LanguageModel.Configuration
    /// The `[vocabulary, ·]` matrix the vocabulary size is read from: `encoder.weight`, or
    /// `decoder.weight` when a tied model stores only that one.
    let tokenMatrixName: String

    func failure(_ problem: String) -> ModelFileError { ModelFileError(path: file, problem: problem) }

    init(_ state: SafeTensors, nonlinearity: RNNCell.Nonlinearity?) throws {
        let file = state.fileName ?? "<state dict>"
        self.file = file
        func failure(_ problem: String) -> ModelFileError { ModelFileError(path: file, problem: problem) }
        func matrixShape(_ name: String, _ expected: String) throws -> [Int]? {
            guard let tensor = state[name] else { return nil }
            guard tensor.rank == 2 else { throw failure("tensor \(quoted(name)) has shape \(tensor.shape), expected a matrix \(expected)") }
            return tensor.shape
        }

        // The anchors: without these nothing else can be inferred.
        let encoder = try matrixShape("encoder.weight", "[vocabulary, embedding]")
        let decoder = try matrixShape("decoder.weight", "[vocabulary, hidden]")
        let recurrent = try matrixShape("rnn.weight_hh_l0", "[gates·hidden, hidden]")
        let input = try matrixShape("rnn.weight_ih_l0", "[gates·hidden, embedding]")
        guard let tokenMatrix = encoder ?? decoder, let recurrent, let input else {
            let absent = (encoder == nil && decoder == nil ? ["encoder.weight", "decoder.weight"] : [])
                + (recurrent == nil ? ["rnn.weight_hh_l0"] : []) + (input == nil ? ["rnn.weight_ih_l0"] : [])
            throw failure("not a word_language_model state dict: missing \(absent.map(quoted).joined(separator: ", ")); "
                          + "the file has \(Self.list(state.names))")
        }

        // Hidden size and gate count from rnn.weight_hh_l0 [G·H, H].
        let hiddenSize = recurrent[1]
        guard hiddenSize >= 1, recurrent[0] % hiddenSize == 0, [1, 3, 4].contains(recurrent[0] / hiddenSize) else {
            let blocks = hiddenSize >= 1 && recurrent[0] % hiddenSize == 0 ? "\(recurrent[0] / hiddenSize) blocks of the hidden size \(hiddenSize)" : "not a whole number of blocks of the hidden size \(hiddenSize)"
            throw failure("tensor \"rnn.weight_hh_l0\" has shape \(recurrent): \(blocks); expected [G·hidden, hidden] with G = 4 (LSTM), 3 (GRU) or 1 (RNN)")
        }
        let gates = recurrent[0] / hiddenSize
        let cell = try Self.cellKind(gates: gates, nonlinearity: nonlinearity, metadata: state.metadata[PyTorchInterchange.rnnTypeMetadataKey], failure: failure)

        // Layers: every rnn.*_l{k} key counts, and k must run 0..<layers.
        let layerIndices = Set(state.names.compactMap(Self.layerIndex))
        let layers = (layerIndices.max() ?? 0) + 1
        if layerIndices.count != layers {
            var missing: [Int] = [], layer = 0
            while layer < layers && missing.count < 5 {
                if !layerIndices.contains(layer) { missing.append(layer) }
                layer += 1
            }
            let found = layerIndices.sorted().prefix(12).map { "l\($0)" }.joined(separator: ", ") + (layerIndices.count > 12 ? ", …" : "")
            throw failure("the rnn layer keys have a gap: found layers \(found) but not \(missing.map { "l\($0)" }.joined(separator: ", "))"
                          + "\(missing.count == 5 ? ", …" : ""); expected layers l0 … l\(layers - 1) without gaps")
        }

        // Tied weights: one matrix stored once, or twice with equal values.
        let embeddingSize = encoder?[1] ?? input[1]
        let tied: Bool
        switch (state["encoder.weight"], state["decoder.weight"]) {
        case (let encoderWeight?, let decoderWeight?):
            tied = embeddingSize == hiddenSize && encoderWeight.shape == decoderWeight.shape && encoderWeight.scalars == decoderWeight.scalars
        default:
            let (present, missing) = state["encoder.weight"] != nil ? ("encoder.weight", "decoder.weight") : ("decoder.weight", "encoder.weight")
            guard embeddingSize == hiddenSize else {
                throw failure("tensor \(quoted(missing)) is missing; a model saved with only \(quoted(present)) must have tied weights, "
                              + "which need embedding size = hidden size, but the embedding size is \(embeddingSize) and the hidden size \(hiddenSize)")
            }
            tied = true
        }
        tokenMatrixName = encoder != nil ? "encoder.weight" : "decoder.weight"
        configuration = LanguageModel.Configuration(cell: cell, vocabularySize: tokenMatrix[0], embeddingSize: embeddingSize,
                                                    hiddenSize: hiddenSize, layers: layers, dropout: 0, tiedWeights: tied)
        if let problem = configuration.problem { throw failure("the tensors describe an unusable model: \(problem)") }

        // Names: exactly the example's keys (less the one a tied model may omit).
        let description = "a \(layers)-layer \(PyTorchInterchange.rnnType(of: cell)) model with vocabulary \(configuration.vocabularySize), "
            + "embedding size \(embeddingSize) and hidden size \(hiddenSize)"
        let expected = configuration.parameterShapes.filter { !tied || state[$0.name] != nil || !["encoder.weight", "decoder.weight"].contains($0.name) }
        let expectedNames = Set(expected.map(\.name))
        let missing = expected.map(\.name).filter { state[$0] == nil }
        let unexpected = state.names.filter { !expectedNames.contains($0) }
        if !missing.isEmpty || !unexpected.isEmpty {
            var parts: [String] = []
            if !missing.isEmpty { parts.append("missing \(Self.list(missing))") }
            if !unexpected.isEmpty { parts.append("unexpected \(Self.list(unexpected))") }
            var hint = ""
            if unexpected.contains(where: { $0.hasSuffix("_reverse") }) { hint = " (bidirectional stacks are not part of the example's RNNModel)" }
            throw failure("the tensors do not match \(description): \(parts.joined(separator: "; "))\(hint)")
        }

        // Shapes and values.
        for (name, shape) in expected {
            guard let tensor = state[name] else { continue }
            guard tensor.shape == shape else {
                throw failure("tensor \(quoted(name)) has shape \(tensor.shape), expected \(shape) for \(description)")
            }
            if let index = tensor.scalars.firstIndex(where: { !$0.isFinite }) {
                throw failure("tensor \(quoted(name)) holds a non-finite value (\(tensor.scalars[index])) at flat index \(index); expected finite weights")
            }
        }
    }

    /// The cell of a state dict with `gates` gate blocks; a plain RNN's nonlinearity comes from
    /// the caller, else from the exporter's `rnn_type` metadata, else tanh.
    static func cellKind(gates: Int, nonlinearity: RNNCell.Nonlinearity?, metadata: String?,
                         failure: (String) -> ModelFileError) throws -> CellKind {
        let fromTensors: CellKind = gates == 4 ? .lstm : gates == 3 ? .gru : .rnn
        func name(_ cell: CellKind) -> String { cell == .lstm ? "an LSTM" : cell == .gru ? "a GRU" : "a plain RNN" }
        if let nonlinearity {
            guard fromTensors == .rnn else {
                throw failure("a \(nonlinearity.rawValue) nonlinearity applies only to a plain RNN, but tensor \"rnn.weight_hh_l0\" has \(gates) gate blocks: \(name(fromTensors))")
            }
            return nonlinearity == .relu ? .rnnRelu : .rnn
        }
        if let metadata, let stated = PyTorchInterchange.cellKind(rnnType: metadata) {
            let agrees = stated == fromTensors || (stated == .rnnRelu && fromTensors == .rnn)
            guard agrees else {
                throw failure("its metadata says rnn_type \(metadata), but tensor \"rnn.weight_hh_l0\" has \(gates) gate block\(gates == 1 ? "" : "s"): \(name(fromTensors))")
            }
            return stated
        }
        return fromTensors
    }

    /// k for `rnn.{weight,bias}_{ih,hh}_l{k}` (k written without leading zeros), else nil.
    static func layerIndex(_ name: String) -> Int? {
        for prefix in ["rnn.weight_ih_l", "rnn.weight_hh_l", "rnn.bias_ih_l", "rnn.bias_hh_l"] where name.hasPrefix(prefix) {
            let digits = name.dropFirst(prefix.count)
            // Far beyond any real layer count, but small enough that index + 1 cannot overflow.
            guard let index = Int(digits), index >= 0, index < 1_000_000_000_000_000_000, String(index) == digits else { return nil }
            return index
        }
        return nil
    }

    /// Quoted names, at most 12 of them.
    static func list(_ names: [String]) -> String {
        guard !names.isEmpty else { return "no tensors" }
        let shown = names.prefix(12).map(quoted).joined(separator: ", ")
        return names.count > 12 ? "\(shown) and \(names.count - 12) more" : shown
    }
}

/// A name in double quotes with control characters escaped, so a hostile name cannot break a
/// message across lines; long names are shortened.
private func quoted(_ name: String) -> String {
    var result = "\""
    for (position, scalar) in name.unicodeScalars.enumerated() {
        if position == 200 { result += "…"; break }
        switch scalar {
        case "\"": result += "\\\""
        case "\\": result += "\\\\"
        case _ where scalar.value < 0x20 || scalar.value == 0x7F: result += "\\u{\(String(scalar.value, radix: 16))}"
        default: result.unicodeScalars.append(scalar)
        }
    }
    return result + "\""
}
