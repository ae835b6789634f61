import ArgumentParser

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model and save it to a model file.",
        subcommands: [TrainLanguageModelCommand.self, TrainSequenceCommand.Classifier.self, TrainSequenceCommand.Regressor.self, TrainForecasterCommand.self, TrainEmbeddingsCommand.self, TrainTaggerCommand.self, TrainTabularCommand.Regression.self, TrainTabularCommand.Classifier.self, TrainAgentCommand.self, TrainSeq2SeqCommand.self]
    )
}
