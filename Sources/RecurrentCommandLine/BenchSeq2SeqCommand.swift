import ArgumentParser
import Foundation
import Recurrent

/// `recurrent bench seq2seq`: training steps of an encoder–decoder, in target tokens per second.
struct BenchSeq2SeqCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seq2seq",
        abstract: "Training steps of an encoder–decoder with attention (teacher forcing, label-smoothed cross-entropy, Adam, clipping at 1), in target tokens per second.",
        discussion: """
            Random batches of --batch pairs, every source --source-length words and every target \
            --target-length words (plus </s>), with vocabularies the size of Multi30k's. The model is \
            `recurrent train seq2seq`'s default unless flags change it. Compare with `python3 \
            scripts/bench_reference.py seq2seq` (PyTorch, the same model and sizes).
            """
    )

    @Option(help: "Cell: gru, lstm, rnn.")
    var cell: CellKind = Seq2SeqTrainingSettings().cell
    @Option(help: "Layers of the encoder and of the decoder.")
    var layers = Seq2SeqTrainingSettings().layers
    @Option(help: "Hidden size.")
    var hidden = Seq2SeqTrainingSettings().hiddenSize
    @Option(help: "Embedding size.")
    var embed = Seq2SeqTrainingSettings().embeddingSize
    @Option(help: "Attention: none, additive, general, dot.")
    var attention: AttentionKind = Seq2SeqTrainingSettings().attention
    @Flag(inversion: .prefixedNo, help: "A bidirectional encoder.")
    var bidirectional = Seq2SeqTrainingSettings().bidirectional
    @Option(help: "Dropout.")
    var dropout = Seq2SeqTrainingSettings().dropout
    @Option(help: "Source vocabulary size.")
    var sourceVocab = 8017
    @Option(help: "Target vocabulary size.")
    var targetVocab = 6277
    @Option(help: "Sentence pairs per batch.")
    var batch = Seq2SeqTrainingSettings().batch
    @Option(help: "Words per source sentence.")
    var sourceLength = 13
    @Option(help: "Words per target sentence.")
    var targetLength = 13
    @Option(help: "Timed training steps (after 2 warm-up steps).")
    var steps = 10
    @OptionGroup var common: BenchmarkOptions

    func validate() throws {
        guard layers >= 1, hidden >= 1, embed >= 1, sourceVocab >= 5, targetVocab >= 5, batch >= 1, sourceLength >= 1, targetLength >= 1,
              steps >= 1 else { throw ValidationError("sizes must be positive (vocabularies at least 5)") }
        guard dropout >= 0 && dropout < 1 else { throw ValidationError("--dropout must be in [0, 1)") }
        if attention == .dot && bidirectional { throw ValidationError("dot attention needs --no-bidirectional") }
    }

    func run() throws {
        common.apply()
        var generator = RandomGenerator(seed: 1)
        let configuration = Seq2SeqConfiguration(cell: cell, sourceVocabularySize: sourceVocab, targetVocabularySize: targetVocab,
                                                 embeddingSize: embed, hiddenSize: hidden, layers: layers, bidirectional: bidirectional,
                                                 attention: attention, dropout: dropout)
        let model = Seq2SeqModel(configuration, generator: &generator)
        let defaults = Seq2SeqTrainingSettings()
        let optimizer = Adam(model.parameters, learningRate: defaults.optimizer.learningRate)
        let batches = (0..<4).map { _ in
            Seq2SeqBatch(sources: (0..<batch).map { _ in (0..<sourceLength).map { _ in 4 + generator.nextInt(below: sourceVocab - 4) } },
                         targets: (0..<batch).map { _ in (0..<targetLength).map { _ in 4 + generator.nextInt(below: targetVocab - 4) } })
        }
        func step(_ index: Int) {
            let data = batches[index % batches.count]
            optimizer.zeroGradients()
            let logits = model.logits(source: data.source, targetInputs: data.targetInputs)
            Loss.smoothedCrossEntropy(logits: logits, targets: data.targets, mask: data.mask, smoothing: defaults.labelSmoothing).backward()
            _ = clipGradientNorm(optimizer.parameters, maxNorm: defaults.clip ?? 1)
            optimizer.step()
        }
        step(0)
        step(1)
        let start = monotonicSeconds()
        for index in 0..<steps { step(index + 2) }
        let seconds = monotonicSeconds() - start
        let tokensPerSecond = Double(steps * batch * (targetLength + 1)) / seconds
        let settings: [String: Any] = ["cell": cell.rawValue, "layers": layers, "hidden": hidden, "embed": embed, "attention": attention.rawValue,
                                       "bidirectional": bidirectional, "source_vocab": sourceVocab, "target_vocab": targetVocab, "batch": batch,
                                       "source_length": sourceLength, "target_length": targetLength, "steps": steps,
                                       "threads": Kernels.threadCount, "parameters": model.parameterCount]
        if common.json {
            try printJSON(settings.merging(["target_tokens_per_second": (tokensPerSecond * 10).rounded() / 10,
                                            "peak_memory_mb": peakMemoryMegabytes()]) { $1 })
        } else {
            print(String(format: "seq2seq %@ H=%d E=%d %@ B=%d S=%d T=%d: %.0f target tokens/s (%d parameters, peak memory %.0f MB)",
                         cell.rawValue, hidden, embed, attention.rawValue, batch, sourceLength, targetLength, tokensPerSecond,
                         model.parameterCount, peakMemoryMegabytes()))
        }
    }
}
