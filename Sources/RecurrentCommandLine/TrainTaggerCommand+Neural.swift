import ArgumentParser
import Foundation
import Recurrent

/// `train tagger --model bilstm|bilstm-crf`: the neural taggers, trained by the shared trainer.
extension TrainTaggerCommand {
    var isNeural: Bool { model == .bilstm || model == .bilstmCRF }

    func runNeural() throws {
        try checkWritableDestination(out, flag: "--out")
        if let log { try checkWritableDestination(log, flag: "--log") }
        if let threads { Kernels.threadCount = threads }
        let inputFormat = format ?? TaggedTextFormat.guess(path: train, otherwise: .columns)
        guard inputFormat != .text else { throw CommandError("--format text has no tags to train on; use conllu or columns") }
        let trainCorpus = try TaggedCorpus.read(train, format: inputFormat, tagColumn: tagColumn)
        guard !trainCorpus.sentences.isEmpty else { throw CommandError("\(train): no sentences") }
        let devCorpus = try dev.map { try TaggedCorpus.read($0, format: format ?? TaggedTextFormat.guess(path: $0, otherwise: .columns), tagColumn: tagColumn) }
        let settings = try neural.settings(crf: model == .bilstmCRF, epochs: epochs, seed: seed, learningRate: learningRate)
        let training = try NeuralTaggerTraining(settings: settings, training: trainCorpus, validation: devCorpus, modelPath: out,
                                                resume: neural.resume, logPath: log, format: inputFormat.rawValue, tagColumn: tagColumn?.description)
        let network = training.task.tagger.network.configuration
        let used = training.settings
        printError("\(neural.resume ? "resuming" : "training") \(model.rawValue) on \(training.task.training.sentences.count) sentences "
                   + "(\(training.task.tokenCount) tokens, \(network.tagCount) tags)" + (devCorpus.map { ", scoring \($0.sentences.count) dev sentences" } ?? "")
                   + ": words \(network.wordCount) x \(network.wordDimension)"
                   + (network.characterHiddenSize > 0 ? ", characters \(network.characterCount) x \(network.characterDimension) → BiLSTM 2 x \(network.characterHiddenSize)" : "")
                   + ", BiLSTM \(network.layers) x 2 x \(network.hiddenSize), dropout \(network.dropout), \(training.task.tagger.network.parameterCount) parameters; "
                   + "batches of \(used.batch) sentences, \(used.optimizer.kind.rawValue) lr \(used.optimizer.learningRate); \(Kernels.threadCount) threads")
        PretrainedEmbeddingOptions.printReport(training.pretrainedEmbeddingReport)
        let state = try training.run()
        if let devCorpus {
            let evaluation = try training.bundle.evaluate(devCorpus)
            printError(String(format: "dev accuracy %.2f%% (known %.2f%%, unknown %.2f%%, sentences %.2f%%) at step %d; wrote %@",
                              100 * evaluation.accuracy, 100 * evaluation.knownAccuracy, 100 * evaluation.unknownAccuracy,
                              100 * evaluation.sentenceAccuracy, state.bestStep ?? state.step, out))
        } else {
            printError("wrote \(out) (no --dev: the final parameters)")
        }
    }
}
