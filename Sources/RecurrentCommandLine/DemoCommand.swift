import ArgumentParser
import Foundation
import Recurrent

/// `recurrent demo` (also `recurrent` alone): the main job on built-in data.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Train a small character LSTM on a built-in corpus, evaluate it and print samples (about 3 minutes).",
        discussion: """
            Generates a corpus of short stories (written by this project's own grammar, nothing \
            downloaded), trains a 2-layer LSTM language model on it for --time, evaluates it on \
            held-out stories, and prints generated samples. The corpus and the model stay in \
            --directory, for `recurrent generate` and `recurrent evaluate lm` afterwards.
            """
    )

    @Option(help: "Training time.")
    var time: Duration = Duration(argument: "150s")!

    @Option(help: "Where to put the corpus and the model.")
    var directory = "recurrent-demo"

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    func run() throws {
        let folder = URL(fileURLWithPath: directory)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let trainingPath = folder.appendingPathComponent("train.txt").path
        let validationPath = folder.appendingPathComponent("valid.txt").path
        let modelPath = folder.appendingPathComponent("model.safetensors").path
        let trainingText = DemoCorpus.text(characters: 600_000, seed: seed)
        let validationText = DemoCorpus.text(characters: 30_000, seed: seed &+ 1_000_003)
        try writeAtomically(Data(trainingText.utf8), to: trainingPath)
        try writeAtomically(Data(validationText.utf8), to: validationPath)
        printError("demo: \(trainingText.count) characters of generated stories in \(trainingPath), \(validationText.count) held out in \(validationPath)")

        var settings = LanguageModelTrainingSettings()
        settings.level = .char
        settings.layers = 2
        settings.hiddenSize = 256
        settings.embeddingSize = 64
        settings.dropout = 0  // 150 seconds is too short for dropout to pay off
        settings.window = 64
        settings.batch = 32
        settings.optimizer = OptimizerSettings(kind: .adam, learningRate: 3e-3)
        settings.clip = 5
        settings.timeLimit = time.seconds
        settings.validationInterval = 30
        settings.seed = seed
        let training = try LanguageModelTraining(settings: settings, trainingText: trainingText, validationText: validationText,
                                                 modelPath: modelPath, resume: false, trainingFile: trainingPath, validationFile: validationPath)
        printError("demo: training a 2 x 256 LSTM (\(training.bundle.model.parameterCount) parameters) for \(time) on \(Kernels.threadCount) threads")
        try training.run()

        let bundle = try LanguageModelBundle.read(from: modelPath)
        let tokens = try bundle.vocabulary.encode(validationText, file: validationPath)
        let result = bundle.model.negativeLogLikelihood(of: tokens)
        print(String(format: "held-out loss %.4f nats/char, %.3f bits/char, perplexity %.2f over %d characters",
                     result.mean, result.mean / log(2), exp(result.mean), result.predicted))
        let generator = TextGenerator(model: bundle.model)
        for (index, temperature) in [Float(0.5), 0.8, 1.0].enumerated() {
            var random = RandomGenerator(seed: seed &+ UInt64(index))
            var sample = ""
            generator.sample(prime: [bundle.vocabulary.index(of: "\n") ?? 0], count: 300, temperature: temperature,
                             generator: &random) { sample += bundle.vocabulary.tokens[$0] }
            print("\n--- sample at temperature \(temperature) ---\n" + sample.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        print("""

            model: \(modelPath). Try:
              recurrent generate --model \(modelPath) --prime "Ada " --length 400 --temperature 0.7
              recurrent evaluate lm --model \(modelPath) --text \(validationPath)
            """)
    }
}
