import RecurrentData
import RecurrentNN
import RecurrentTensor

/// Training a ``LanguageModel`` on a token stream: the corpus cut into `batch` parallel streams
/// read in windows of `window` steps (truncated backpropagation through time), the recurrent
/// state carried from one window to the next with its gradient cut, and reset at each epoch.
public final class LanguageModelTask: TrainingTask {
    public let languageModel: LanguageModel
    public let vocabulary: Vocabulary
    public let training: TokenStreams
    /// Validation tokens, evaluated as one stream from a zero state (as `evaluate lm` does).
    public let validation: [Int]?
    private var states: [Tensor]?

    public init(model: LanguageModel, vocabulary: Vocabulary, trainingTokens: [Int], validationTokens: [Int]?, batch: Int, window: Int) {
        languageModel = model
        self.vocabulary = vocabulary
        training = TokenStreams(tokens: trainingTokens, batch: batch, window: window)
        validation = validationTokens
    }

    public var model: any Layer { languageModel }

    public func modelFile() throws -> ModelFile {
        try LanguageModelBundle(model: languageModel, vocabulary: vocabulary).modelFile()
    }
    public var batchesPerEpoch: Int { training.windowCount }

    public func beginEpoch(_ epoch: Int, generator: inout RandomGenerator) {
        states = nil
    }

    public func trainingLoss(batch index: Int) -> (loss: Tensor, items: Int) {
        let (time, inputs, targets) = training.window(index)
        let (logits, final) = languageModel(inputs, time: time, batch: training.batch, states: states)
        states = final.map(\.detached)
        return (Loss.softmaxCrossEntropy(logits: logits, targets: targets), time * training.batch)
    }

    public func validate() -> [String: Double]? {
        guard let validation, validation.count > 1 else { return nil }
        let result = languageModel.negativeLogLikelihood(of: validation)
        return ["loss": result.mean, "perplexity": _exp(result.mean)]
    }

    public func carriedState() -> [String: Tensor] {
        guard let states else { return [:] }
        return Dictionary(uniqueKeysWithValues: states.enumerated().map { ("\($0.offset)", $0.element) })
    }

    public func restoreCarriedState(_ saved: [String: Tensor]) throws {
        guard !saved.isEmpty else {
            states = nil
            return
        }
        let expected = languageModel.zeroStates(batchSize: training.batch)
        var restored: [Tensor] = []
        for (index, zero) in expected.enumerated() {
            guard let tensor = saved["\(index)"], tensor.shape == zero.shape else {
                throw TrainerError.invalidState("carried recurrent state \(index)")
            }
            restored.append(tensor)
        }
        states = restored
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@inline(__always) func _exp(_ x: Double) -> Double { exp(x) }
