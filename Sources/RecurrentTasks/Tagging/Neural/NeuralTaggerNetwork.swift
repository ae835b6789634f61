import RecurrentNN
import RecurrentTensor

/// The BiLSTM tagger (`bilstm`) and the BiLSTM-CRF (`bilstm-crf`), the neural taggers of
/// Huang, Xu and Yu (2015), Lample et al. (2016) and Plank, Søgaard and Goldberg (2016):
///
///     x_t = [W[word_t] ; charBiLSTM(word_t)]              `word_embedding.weight`, `characters.*`
///     h_1…h_T = BiLSTM(dropout(x_1…x_T))                  `rnn.weight_ih_l0`, …, stacked, dropout between layers
///     E[t] = dropout(h_t) Vᵀ + c                          `output.weight` [tags, 2·hidden], `output.bias`
///     bilstm:      p(y_t | x) = softmax(E[t]),  loss = mean over tokens of −log p(y_t | x),  ŷ_t = argmax E[t]
///     bilstm-crf:  p(y | x) ∝ exp(Σ_t E[t, y_t] + transitions),  loss = −log p(y | x) / tokens,  ŷ = Viterbi
///
/// (``CRFLayer`` for the CRF's parameters `crf.transitions`, `crf.start`, `crf.end`.) Batches are
/// time-major and padded; the LSTMs mask past each sentence's length.
public final class NeuralTaggerNetwork: Layer {
    public let configuration: NeuralTaggerConfiguration
    public let wordEmbedding: Embedding
    public let characters: CharacterEncoder?
    public let rnn: LSTM
    public let output: Linear
    public let crf: CRFLayer?
    public let dropout: Dropout?
    public var isTraining = true

    public init(_ configuration: NeuralTaggerConfiguration, generator: inout RandomGenerator) {
        precondition(configuration.problem == nil, "NeuralTaggerNetwork: \(configuration.problem ?? "")")
        self.configuration = configuration
        let dimension = configuration.wordDimension
        wordEmbedding = Embedding(vocabularySize: configuration.wordCount, dimension: dimension, paddingIndex: NeuralTaggerVocabulary.padding,
                                  initializer: .uniform(limit: (3 / Float(dimension)).squareRoot()), generator: &generator)
        wordEmbedding.sparseGradients = true
        characters = configuration.characterHiddenSize > 0
            ? CharacterEncoder(characterCount: configuration.characterCount, dimension: configuration.characterDimension,
                               hiddenSize: configuration.characterHiddenSize, generator: &generator)
            : nil
        rnn = LSTM(inputSize: configuration.inputSize, hiddenSize: configuration.hiddenSize, layers: configuration.layers,
                   bidirectional: true, batchFirst: false, dropout: configuration.dropout,
                   options: RecurrentCellOptions(forgetGateBias: 1), generator: &generator)
        output = Linear(inputSize: 2 * configuration.hiddenSize, outputSize: configuration.tagCount, generator: &generator)
        crf = configuration.crf ? CRFLayer(tagCount: configuration.tagCount) : nil
        dropout = configuration.dropout > 0 ? Dropout(probability: configuration.dropout, seed: generator.next()) : nil
    }

    public var children: [(name: String, layer: any Layer)] {
        var result: [(name: String, layer: any Layer)] = [("word_embedding", wordEmbedding)]
        if let characters { result.append(("characters", characters)) }
        result += [("rnn", rnn), ("output", output)]
        if let crf { result.append(("crf", crf)) }
        if let dropout { result.append(("dropout", dropout)) }
        return result
    }

    /// Tag scores `[time, batch, tags]` (zero rows past each length are not meaningful).
    public func emissions(_ batch: NeuralTaggerBatch) -> Tensor {
        let (time, size) = (batch.time, batch.batch)
        var input = wordEmbedding(batch.words.tokens)  // [time · batch, wordDimension]
        if let characters {
            let forms = characters(batch.forms)  // [distinct forms, 2 · characterHidden]
            input = Tensor.concatenate([input, forms.gatherRows(batch.formOfPosition)], alongAxis: 1)
        }
        var sequence = input.reshaped([time, size, configuration.inputSize])
        if let dropout { sequence = dropout(sequence) }
        var (states, _) = rnn(sequence, lengths: batch.lengths)
        if let dropout { states = dropout(states) }
        return output(states.reshaped([time * size, 2 * configuration.hiddenSize])).reshaped([time, size, configuration.tagCount])
    }

    /// The training loss of a tagged batch: the mean per token of −log p(y_t | x) (`bilstm`) or
    /// of the sentences' −log p(y | x) (`bilstm-crf`).
    public func loss(_ batch: NeuralTaggerBatch) -> Tensor {
        precondition(!batch.tags.isEmpty, "NeuralTaggerNetwork.loss: the batch has no tags")
        let scores = emissions(batch)
        if let crf { return crf.negativeLogLikelihood(emissions: scores, tags: batch.tags, lengths: batch.lengths) }
        let mask = RecurrentLayer<LSTMCell>.mask(lengths: batch.lengths, time: batch.time).scalars
        return Loss.softmaxCrossEntropy(logits: scores.reshaped([batch.time * batch.batch, configuration.tagCount]),
                                        targets: batch.tags, mask: mask)
    }

    /// The tag indices of every sentence of the batch: Viterbi with the CRF, else each token's
    /// highest score.
    public func predict(_ batch: NeuralTaggerBatch) -> [[Int]] {
        let scores = withoutGradient { emissions(batch) }
        if let crf { return crf.decode(emissions: scores, lengths: batch.lengths) }
        let best = scores.reshaped([batch.time * batch.batch, configuration.tagCount]).argmax(alongAxis: 1)
        return batch.lengths.enumerated().map { b, length in (0..<length).map { best[$0 * batch.batch + b] } }
    }
}
