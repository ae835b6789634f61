import ArgumentParser
import Foundation
import Recurrent

/// `recurrent bench sequence-classifier`: training and one-sequence inference speed of a text
/// classifier, beside `python3 scripts/bench_reference.py sequence-classifier`.
struct BenchSequenceClassifierCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sequence-classifier",
        abstract: "Training (examples/s) and one-sequence inference (ms) of a text classifier: embedding, LSTM, last state, linear, softmax.",
        discussion: """
            The model `recurrent train sequence-classifier` builds with --no-bidirectional --pooling \
            last --dropout 0: Embedding(vocab, embed) → LSTM → the last state → Linear(hidden, \
            classes); training steps take the cross-entropy, Adam (lr 2e-3) and clipping at 5 on \
            random tokens, with the embedding's row-sparse gradients for a large vocabulary (as \
            training does by default). Compare with `python3 scripts/bench_reference.py \
            sequence-classifier` (PyTorch, same model and sizes).
            """
    )

    @Option(help: "Cell: lstm, gru or rnn.")
    var cell: SequenceCell = .lstm

    @Option(help: "Recurrent layers.")
    var layers: Int = 1

    @Option(help: "Hidden size.")
    var hidden: Int = 128

    @Option(help: "Vocabulary size.")
    var vocab: Int = 20000

    @Option(help: "Embedding size.")
    var embed: Int = 128

    @Option(help: "Classes.")
    var classes: Int = 2

    @Option(help: "Sequences per training batch.")
    var batch: Int = 32

    @Option(help: "Tokens per sequence.")
    var seq: Int = 50

    @Option(help: "Timed training steps (after 2 warm-up steps).")
    var steps: Int = 20

    @Option(help: "Timed inference runs; the best is reported.")
    var runs: Int = 20

    @Flag(inversion: .prefixedNo, help: "Row-sparse embedding gradients (default: for \(SequenceTraining.sparseVocabulary) words or more, as training does).")
    var sparseGradients: Bool?

    @OptionGroup var common: BenchmarkOptions

    func validate() throws {
        guard layers >= 1, hidden >= 1, vocab >= 2, embed >= 1, classes >= 2, batch >= 1, seq >= 1, steps >= 1, runs >= 1 else {
            throw ValidationError("sizes and counts must be positive (vocab and classes at least 2)")
        }
        guard cell != .simplifiedLSTM else { throw ValidationError("--cell must be lstm, gru or rnn") }
    }

    func run() throws {
        common.apply()
        var generator = RandomGenerator(seed: 1)
        let configuration = SequenceModel.Configuration(input: .tokens, vocabularySize: vocab, embeddingSize: embed, cell: cell, layers: layers,
                                                        hiddenSize: hidden, pooling: .last, outputs: classes)
        if let problem = configuration.problem { throw ValidationError(problem) }
        let model = SequenceModel(configuration, generator: &generator)
        let sparse = sparseGradients ?? (vocab >= SequenceTraining.sparseVocabulary)
        model.embedding?.sparseGradients = sparse
        let examples = (0..<(4 * batch)).map { _ in (0..<seq).map { _ in generator.nextInt(below: vocab) } }
        let labels = (0..<(4 * batch)).map { _ in generator.nextInt(below: classes) }
        let data = SequenceExamples(inputs: .tokens(examples), targets: .classes(labels))
        let optimizer = Adam(model.parameters, learningRate: 2e-3)
        func step(_ index: Int) {
            let indices = Array(((index % 4) * batch)..<((index % 4 + 1) * batch))
            optimizer.zeroGradients()
            let loss = Loss.softmaxCrossEntropy(logits: model(data.batch(indices)), targets: indices.map { labels[$0] })
            loss.backward()
            _ = clipGradientNorm(optimizer.parameters, maxNorm: 5)
            optimizer.step()
        }
        model.setTraining(true)
        step(0)
        step(1)
        let start = monotonicSeconds()
        for index in 0..<steps { step(index + 2) }
        let examplesPerSecond = Double(steps * batch) / (monotonicSeconds() - start)
        let one = data.subset([0])
        let milliseconds = bestSeconds(runs: runs) { _ = model.outputs(for: one) } * 1000
        if common.json {
            try printJSON(["cell": cell.rawValue, "layers": layers, "hidden": hidden, "vocab": vocab, "embed": embed, "classes": classes,
                           "batch": batch, "seq": seq, "steps": steps, "sparse_gradients": sparse, "threads": Kernels.threadCount,
                           "examples_per_second": (examplesPerSecond * 10).rounded() / 10, "inference_ms": (milliseconds * 1000).rounded() / 1000,
                           "peak_memory_mb": peakMemoryMegabytes()])
        } else {
            print(String(format: "sequence-classifier %@ L=%d H=%d V=%d E=%d B=%d T=%d: training %.0f examples/s, inference of one sequence %.3f ms",
                         cell.rawValue, layers, hidden, vocab, embed, batch, seq, examplesPerSecond, milliseconds))
        }
    }
}
