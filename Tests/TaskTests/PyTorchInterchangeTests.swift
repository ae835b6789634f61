import Foundation
import RecurrentData
import RecurrentNN
import RecurrentTasks
import RecurrentTensor
import RecurrentTestSupport
import Testing

/// Import of PyTorch `word_language_model` state dicts, export back, and every rejection.
@Suite struct PyTorchInterchangeTests {
    /// `expected.json` of a fixture case.
    struct Expected: Decodable {
        var loss: Double, tokens: Int, predicted: Int
        var rnn_type: String, embedding_size: Int, hidden_size: Int, layers: Int, vocabulary_size: Int
        var tied: Bool, dtype: String, keys: [String]
    }

    struct Case {
        var directory: String
        var expected: Expected
        var vocabulary: Vocabulary
        var state: SafeTensors
        var statePath: String { directory + "/state.safetensors" }
    }

    static let cases = ["lstm_word_tied", "gru_word", "rnn_tanh_word_tied", "rnn_relu_word_tied", "lstm_char"]

    static func load(_ name: String) throws -> Case {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/pytorch/\(name)").path
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: URL(fileURLWithPath: directory + "/expected.json")))
        return Case(directory: directory, expected: expected, vocabulary: try Vocabulary(contentsOfJSONFile: directory + "/vocab.json"),
                    state: try SafeTensors(contentsOfFile: directory + "/state.safetensors"))
    }

    /// A plain RNN's state dict cannot say tanh or ReLU; the ReLU fixture is imported as one.
    static func nonlinearity(_ expected: Expected) -> RNNCell.Nonlinearity? { expected.rnn_type == "RNN_RELU" ? .relu : nil }

    // MARK: - Parity with PyTorch

    /// Fixtures: `python3 scripts/make_pytorch_lm_fixtures.py`, which trains the example's
    /// `RNNModel` for 400 steps, then:
    ///
    ///     model.eval()
    ///     tokens = torch.tensor(ids).view(-1, 1)
    ///     logits, _ = model(tokens[:-1], model.zero_hidden(1))
    ///     losses = F.cross_entropy(logits.view(-1, logits.size(-1)), tokens[1:].view(-1), reduction="none")
    ///     total = losses.double().sum().item()
    ///     expected = {"loss": total / (len(ids) - 1), "tokens": len(ids), "predicted": len(ids) - 1, ...}
    ///
    /// with tied models saved by `save_model` (no `encoder.weight`), without `decoder.weight`, and
    /// with a cloned `decoder.weight`, in F32, F16, BF16 and F64.
    @Test("an imported model's loss matches PyTorch's", arguments: cases)
    func importedLossMatchesPyTorch(name: String) throws {
        let fixture = try Self.load(name)
        let expected = fixture.expected
        let bundle = try LanguageModelBundle.importPyTorch(state: fixture.state, vocabulary: fixture.vocabulary,
                                                          nonlinearity: Self.nonlinearity(expected))
        let configuration = bundle.model.configuration
        #expect(PyTorchInterchange.rnnType(of: configuration.cell) == expected.rnn_type)
        #expect(configuration.embeddingSize == expected.embedding_size)
        #expect(configuration.hiddenSize == expected.hidden_size)
        #expect(configuration.layers == expected.layers)
        #expect(configuration.vocabularySize == expected.vocabulary_size)
        #expect(configuration.tiedWeights == expected.tied)
        #expect(configuration.dropout == 0)
        #expect(fixture.state.names.sorted() == expected.keys)

        let tokens = try bundle.vocabulary.encode(try TextFile.read(fixture.directory + "/eval.txt"))
        #expect(tokens.count == expected.tokens)
        forEachInstructionSet { isa in
            let result = bundle.model.negativeLogLikelihood(of: tokens)
            #expect(result.predicted == expected.predicted)
            let difference = Swift.abs(result.mean - expected.loss) / expected.loss
            #expect(difference < 1e-4, "\(name) \(isa): loss \(result.mean), PyTorch \(expected.loss), relative difference \(difference)")
            #expect(difference < 1e-6, "\(name) \(isa): relative difference \(difference) (float32 sums should agree far better than 1e-4)")
        }
    }

    @Test func aPlainRNNIsTanhUnlessToldOtherwise() throws {
        let fixture = try Self.load("rnn_relu_word_tied")
        let bundle = try LanguageModelBundle.importPyTorch(state: fixture.state, vocabulary: fixture.vocabulary)
        #expect(bundle.model.configuration.cell == .rnn)
        let tokens = try bundle.vocabulary.encode(try TextFile.read(fixture.directory + "/eval.txt"))
        #expect(Swift.abs(bundle.model.negativeLogLikelihood(of: tokens).mean - fixture.expected.loss) > 1e-3)
    }

    @Test func bothMatricesPresentButDifferentIsUntied() throws {
        var fixture = try Self.load("rnn_tanh_word_tied")
        let decoder = try #require(fixture.state["decoder.weight"])
        fixture.state["decoder.weight"] = decoder * 2
        let bundle = try LanguageModelBundle.importPyTorch(state: fixture.state, vocabulary: fixture.vocabulary)
        #expect(!bundle.model.configuration.tiedWeights)
        #expect(bundle.model.decoder.weight.value.scalars == (decoder * 2).scalars)
    }

    // MARK: - Export

    @Test("export then import gives identical tensors", arguments: cases)
    func exportRoundTrip(name: String) throws {
        let fixture = try Self.load(name)
        let bundle = try LanguageModelBundle.importPyTorch(state: fixture.state, vocabulary: fixture.vocabulary,
                                                          nonlinearity: Self.nonlinearity(fixture.expected))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("recurrent-pytorch-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try bundle.exportPyTorch(to: directory)

        let exported = try SafeTensors(contentsOfFile: directory + "/state.safetensors")
        #expect(Set(exported.names) == Set(bundle.model.configuration.parameterShapes.map(\.name)),
                "every key of RNNModel.state_dict(), encoder.weight and decoder.weight included")
        let vocabulary = try Vocabulary(contentsOfJSONFile: directory + "/vocab.json")
        #expect(vocabulary == fixture.vocabulary)
        // Without the nonlinearity: the exporter's rnn_type metadata carries it.
        let reimported = try LanguageModelBundle.importPyTorch(stateFile: directory + "/state.safetensors", vocabulary: vocabulary)
        #expect(reimported.model.configuration == bundle.model.configuration)
        for (original, copy) in zip(bundle.model.parameters, reimported.model.parameters) {
            #expect(original.name == copy.name)
            #expect(original.parameter.value.shape == copy.parameter.value.shape)
            #expect(original.parameter.value.scalars == copy.parameter.value.scalars, "\(original.name)")
        }
    }

    @Test func exportNeedsAnExistingParentAndRefusesAFile() throws {
        let fixture = try Self.load("gru_word")
        let bundle = try LanguageModelBundle.importPyTorch(state: fixture.state, vocabulary: fixture.vocabulary)
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("recurrent-pytorch-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: false)
        expectError(containing: ["its parent \(root)/missing does not exist"]) { try bundle.exportPyTorch(to: root + "/missing/out") }
        #expect(!FileManager.default.fileExists(atPath: root + "/missing"))
        _ = FileManager.default.createFile(atPath: root + "/file", contents: Data("x".utf8))
        expectError(containing: ["\(root)/file: exists and is not a directory"]) { try bundle.exportPyTorch(to: root + "/file") }
    }

    // MARK: - Rejections

    func expectError(containing fragments: [String], sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("expected an error containing \(fragments)", sourceLocation: sourceLocation)
        } catch {
            for fragment in fragments {
                #expect("\(error)".contains(fragment), "\(error)", sourceLocation: sourceLocation)
            }
        }
    }

    func expectRejection(_ fixture: Case, vocabulary: Vocabulary? = nil, nonlinearity: RNNCell.Nonlinearity? = nil,
                         containing fragments: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        expectError(containing: [fixture.statePath + ": "] + fragments, sourceLocation: sourceLocation) {
            _ = try LanguageModelBundle.importPyTorch(state: fixture.state, vocabulary: vocabulary ?? fixture.vocabulary, nonlinearity: nonlinearity)
        }
    }

    @Test func rejectsAMissingKey() throws {
        var fixture = try Self.load("gru_word")
        fixture.state["rnn.bias_hh_l0"] = nil
        expectRejection(fixture, containing: ["the tensors do not match a 1-layer GRU model", "missing \"rnn.bias_hh_l0\""])
        fixture.state["rnn.weight_hh_l0"] = nil
        fixture.state["rnn.weight_ih_l0"] = nil
        expectRejection(fixture, containing: ["not a word_language_model state dict: missing \"rnn.weight_hh_l0\", \"rnn.weight_ih_l0\"",
                                              "the file has \"decoder.bias\""])
    }

    @Test func rejectsExtraKeys() throws {
        var fixture = try Self.load("lstm_word_tied")
        fixture.state["rnn.weight_hr_l0"] = Tensor.zeros([4, 16])
        fixture.state["rnn.weight_ih_l0_reverse"] = Tensor.zeros([64, 16])
        expectRejection(fixture, containing: ["unexpected \"rnn.weight_hr_l0\", \"rnn.weight_ih_l0_reverse\"", "bidirectional"])
    }

    @Test func rejectsShapeMismatches() throws {
        var fixture = try Self.load("gru_word")
        fixture.state["rnn.weight_ih_l0"] = Tensor.zeros([36, 9])
        expectRejection(fixture, containing: ["tensor \"rnn.weight_ih_l0\" has shape [36, 9], expected [36, 8] for a 1-layer GRU model with vocabulary 30, embedding size 8 and hidden size 12"])
        fixture = try Self.load("gru_word")
        fixture.state["decoder.weight"] = Tensor.zeros([30, 11])
        expectRejection(fixture, containing: ["tensor \"decoder.weight\" has shape [30, 11], expected [30, 12]"])
        fixture = try Self.load("gru_word")
        fixture.state["decoder.bias"] = Tensor.zeros([29])
        expectRejection(fixture, containing: ["tensor \"decoder.bias\" has shape [29], expected [30]"])
        fixture = try Self.load("gru_word")
        fixture.state["encoder.weight"] = Tensor.zeros([30, 8, 1])
        expectRejection(fixture, containing: ["tensor \"encoder.weight\" has shape [30, 8, 1], expected a matrix [vocabulary, embedding]"])
    }

    @Test func rejectsAVocabularyOfTheWrongSize() throws {
        let fixture = try Self.load("gru_word")
        let smaller = try Vocabulary(level: .word, tokens: Array(fixture.vocabulary.tokens.dropLast()))
        expectRejection(fixture, vocabulary: smaller, containing: ["the vocabulary has 29 tokens but encoder.weight has 30 rows"])
        let saved = try Self.load("lstm_word_tied")  // save_model kept decoder.weight only
        let larger = try Vocabulary(level: .word, tokens: saved.vocabulary.tokens + ["extra"])
        expectRejection(saved, vocabulary: larger, containing: ["the vocabulary has 31 tokens but decoder.weight has 30 rows"])
    }

    @Test func rejectsNonFiniteValues() throws {
        var fixture = try Self.load("gru_word")
        var scalars = try #require(fixture.state["rnn.weight_hh_l0"]).scalars
        scalars[17] = .nan
        fixture.state["rnn.weight_hh_l0"] = Tensor(shape: [36, 12], scalars: scalars)
        expectRejection(fixture, containing: ["tensor \"rnn.weight_hh_l0\" holds a non-finite value (nan) at flat index 17"])
        fixture = try Self.load("gru_word")
        fixture.state["decoder.bias"] = Tensor(shape: [30], scalars: [Float](repeating: 0, count: 29) + [-.infinity])
        expectRejection(fixture, containing: ["tensor \"decoder.bias\" holds a non-finite value (-inf) at flat index 29"])
    }

    @Test func rejectsAGateCountOtherThanOneThreeOrFour() throws {
        var fixture = try Self.load("gru_word")
        fixture.state["rnn.weight_hh_l0"] = Tensor.zeros([24, 12])
        expectRejection(fixture, containing: ["tensor \"rnn.weight_hh_l0\" has shape [24, 12]: 2 blocks of the hidden size 12",
                                              "expected [G·hidden, hidden] with G = 4 (LSTM), 3 (GRU) or 1 (RNN)"])
        fixture.state["rnn.weight_hh_l0"] = Tensor.zeros([30, 12])
        expectRejection(fixture, containing: ["not a whole number of blocks of the hidden size 12"])
        fixture.state["rnn.weight_hh_l0"] = Tensor.zeros([36, 0])
        expectRejection(fixture, containing: ["tensor \"rnn.weight_hh_l0\" has shape [36, 0]"])
    }

    @Test func rejectsLayerKeysWithAGap() throws {
        var fixture = try Self.load("lstm_word_tied")
        for kind in ["weight_ih", "weight_hh", "bias_ih", "bias_hh"] {
            fixture.state["rnn.\(kind)_l2"] = fixture.state["rnn.\(kind)_l1"]
            fixture.state["rnn.\(kind)_l1"] = nil
        }
        expectRejection(fixture, containing: ["the rnn layer keys have a gap: found layers l0, l2 but not l1; expected layers l0 … l2 without gaps"])
        fixture.state["rnn.bias_hh_l99999999999999"] = Tensor.zeros([64])
        expectRejection(fixture, containing: ["found layers l0, l2, l99999999999999 but not l1, l3, l4, l5, l6, …"])
        fixture.state["rnn.bias_hh_l99999999999999"] = nil
        fixture.state["rnn.bias_hh_l\(Int.max)"] = Tensor.zeros([64])
        expectRejection(fixture, containing: ["found layers l0, l2 but not l1"])
    }

    @Test func rejectsAnUntiedModelWithoutOneOfItsMatrices() throws {
        var fixture = try Self.load("gru_word")
        fixture.state["encoder.weight"] = nil
        expectRejection(fixture, containing: ["tensor \"encoder.weight\" is missing; a model saved with only \"decoder.weight\" must have tied weights",
                                              "the embedding size is 8 and the hidden size 12"])
        fixture = try Self.load("gru_word")
        fixture.state["encoder.weight"] = nil
        fixture.state["decoder.weight"] = nil
        expectRejection(fixture, containing: ["missing \"encoder.weight\", \"decoder.weight\""])
    }

    @Test func rejectsANonlinearityForGatedCellsAndContradictingMetadata() throws {
        var fixture = try Self.load("lstm_word_tied")
        expectRejection(fixture, nonlinearity: .relu, containing: ["a relu nonlinearity applies only to a plain RNN", "has 4 gate blocks: an LSTM"])
        fixture.state.metadata["rnn_type"] = "GRU"
        expectRejection(fixture, containing: ["its metadata says rnn_type GRU, but tensor \"rnn.weight_hh_l0\" has 4 gate blocks: an LSTM"])
    }

    @Test func rejectsTruncatedAndGarbageFilesThroughSafeTensors() throws {
        let fixture = try Self.load("gru_word")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: fixture.statePath))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("recurrent-pytorch-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let samples: [(String, Data, String)] = [
            ("truncated.safetensors", bytes.prefix(bytes.count - 100), "run past the end of the"),
            ("header-cut.safetensors", bytes.prefix(60), "runs past the end of the file"),
            ("garbage.safetensors", Data("this is not a safetensors file at all".utf8), "not a safetensors file"),
            ("empty.safetensors", Data(), "expected at least 8 bytes"),
        ]
        for (name, data, message) in samples {
            let path = directory + "/" + name
            try data.write(to: URL(fileURLWithPath: path))
            #expect(throws: SafeTensorsError.self) {
                _ = try LanguageModelBundle.importPyTorch(stateFile: path, vocabulary: fixture.vocabulary)
            }
            expectError(containing: [path + ": ", message]) {
                _ = try LanguageModelBundle.importPyTorch(stateFile: path, vocabulary: fixture.vocabulary)
            }
        }
    }

    /// Random removals, additions and reshapes of a valid state dict: each import either
    /// throws a ModelFileError or gives a model that runs (a trap would end the test process).
    @Test func randomCorruptionsNeverTrap() throws {
        let fixtures = try ["lstm_word_tied", "gru_word", "rnn_tanh_word_tied"].map(Self.load)
        var generator = RandomGenerator(seed: 7)
        func below(_ bound: Int) -> Int { Int(generator.next() % UInt64(bound)) }
        let extraNames = ["encoder.weight", "decoder.weight", "decoder.bias", "rnn.weight_ih_l1", "rnn.weight_hh_l1",
                          "rnn.bias_ih_l3", "rnn.weight_hh_l0", "rnn.weight_ih_l0", "rnn.bias_hh_l00", "rnn.weight_ih_l-1"]
        var rejected = 0, accepted = 0
        for _ in 0..<300 {
            var fixture = fixtures[below(fixtures.count)]
            for _ in 0..<(1 + below(3)) {
                let names = fixture.state.names
                switch below(3) {
                case 0: fixture.state[names[below(names.count)]] = nil
                case 1:
                    let shape = (0..<below(4)).map { _ in [0, 1, 8, 10, 12, 16, 30, 36, 40, 64][below(10)] }
                    fixture.state[extraNames[below(extraNames.count)]] = Tensor.zeros(shape)
                default:
                    let name = names[below(names.count)]
                    if let tensor = fixture.state[name], tensor.rank >= 1 {
                        var shape = tensor.shape
                        shape[below(shape.count)] += [-1, 1, 2][below(3)]
                        fixture.state[name] = Tensor.zeros(shape.map { Swift.max($0, 0) })
                    }
                }
            }
            do {
                let bundle = try LanguageModelBundle.importPyTorch(state: fixture.state, vocabulary: fixture.vocabulary)
                _ = bundle.model.negativeLogLikelihood(of: [0, 1, 2, 3])
                accepted += 1
            } catch is ModelFileError {
                rejected += 1
            }
        }
        #expect(rejected > 200, "\(rejected) rejected, \(accepted) accepted")
    }

    // MARK: - Vocabulary files

    @Test func rejectsBadVocabularyFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("recurrent-pytorch-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let samples: [(String, String)] = [
            ("{\"level\": \"word\", \"tokens\": [\"a\", ", "not valid JSON"),
            ("[\"a\", \"b\"]", "the JSON is not an object"),
            ("{\"level\": \"word\", \"words\": [\"a\"]}", "unexpected key \"words\""),
            ("{\"tokens\": [\"a\"]}", "missing key \"level\""),
            ("{\"level\": \"word\"}", "missing key \"tokens\""),
            ("{\"level\": \"byte\", \"tokens\": [\"a\"]}", "\"level\" is \"byte\", expected \"char\" or \"word\""),
            ("{\"level\": \"word\", \"tokens\": \"a b\"}", "\"tokens\" is \"a b\", expected an array of strings"),
            ("{\"level\": \"word\", \"tokens\": [\"a\", 7]}", "token 1 is the number or boolean 7, expected a string"),
            ("{\"level\": \"word\", \"tokens\": [\"a\", \"b\", \"a\"]}", "token 2 \"a\" appears twice in the vocabulary"),
            ("{\"level\": \"char\", \"tokens\": [\"ab\"]}", "token 0 \"ab\" is not a single character"),
            ("{\"level\": \"word\", \"tokens\": []}", "the vocabulary has no tokens"),
            ("", "the file is empty"),
        ]
        for (index, (text, message)) in samples.enumerated() {
            let path = directory + "/vocab\(index).json"
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            expectError(containing: [path + ": ", message]) { _ = try Vocabulary(contentsOfJSONFile: path) }
        }
        expectError(containing: [directory + "/absent.json: cannot read"]) { _ = try Vocabulary(contentsOfJSONFile: directory + "/absent.json") }
    }
}
