import RecurrentNN
import RecurrentTensor
import RecurrentTestSupport
import Testing

@Suite struct LayerTests {
    @Test func linearMatchesItsEquationAndGradients() {
        var generator = RandomGenerator(seed: 1)
        let layer = Linear(inputSize: 3, outputSize: 2, generator: &generator)
        let x = Tensor(shape: [1, 3], scalars: [1, 2, 3])
        let w = layer.weight.value.scalars, b = layer.bias!.value.scalars
        let expected = (0..<2).map { o in (0..<3).reduce(b[o]) { $0 + w[o * 3 + $1] * x.scalars[$1] } }
        expectClose(layer(x).scalars, expected)
        #expect(layer.parameters.map(\.name) == ["weight", "bias"])
        // PyTorch's default: uniform in ±1/sqrt(inputSize).
        #expect(w.allSatisfy { Swift.abs($0) <= 1 / Float(3).squareRoot() })
        let input = Tensor.randomNormal([4, 3], using: &generator)
        expectGradientsMatch([input, layer.weight.value, layer.bias!.value]) { inputs in
            inputs[0].matmul(inputs[1], transposeOther: true) + inputs[2]
        }
        let noBias = Linear(inputSize: 3, outputSize: 5, bias: false, generator: &generator)
        #expect(noBias(Tensor.zeros([2, 7, 3])).shape == [2, 7, 5])
        #expect(noBias.parameters.count == 1)
    }

    /// Without gradients a linear layer multiplies by its weight read in place (up to four rows)
    /// or packed (more rows); both must give the recorded path's values.
    @Test(arguments: [1, 2, 4, 5, 9])
    func linearInferencePathsMatchTheRecordedPath(rows: Int) {
        var generator = RandomGenerator(seed: 4)
        let layer = Linear(inputSize: 37, outputSize: 29, generator: &generator)
        let x = Tensor.randomNormal([rows, 37], using: &generator)
        let recorded = layer(x.requiringGradient())
        let inference = withoutGradient { layer(x) }
        #expect(inference.shape == [rows, 29])
        expectClose(inference, recorded)
    }

    @Test func layerGradientsFlowToParameters() {
        var generator = RandomGenerator(seed: 2)
        let model = Sequential([Linear(inputSize: 4, outputSize: 5, generator: &generator), ActivationLayer(.tanh),
                                Linear(inputSize: 5, outputSize: 2, generator: &generator)])
        #expect(model.parameters.map(\.name) == ["0.weight", "0.bias", "2.weight", "2.bias"])
        let loss = model(Tensor.randomNormal([3, 4], using: &generator)).squared().sum()
        loss.backward()
        #expect(model.parameters.allSatisfy { $0.parameter.gradient?.shape == $0.parameter.shape })
        model.zeroGradients()
        #expect(model.parameters.allSatisfy { $0.parameter.gradient == nil })
    }

    @Test func embeddingLookupPaddingAndFreezing() {
        var generator = RandomGenerator(seed: 3)
        let embedding = Embedding(vocabularySize: 5, dimension: 3, paddingIndex: 0, generator: &generator)
        #expect(embedding.weight.value[0].scalars == [0, 0, 0])
        let vectors = embedding([2, 0, 2], shape: [1, 3])
        #expect(vectors.shape == [1, 3, 3])
        (vectors * Tensor.randomNormal([1, 3, 3], using: &generator)).sum().backward()
        let gradient = embedding.weight.gradient!
        #expect(gradient[0].scalars == [0, 0, 0], "the padding row gets no gradient")
        #expect(gradient[2].scalars.contains { $0 != 0 })
        #expect(gradient[1].scalars == [0, 0, 0])
        let frozen = Embedding(weights: Tensor.ones([4, 2]), trainable: false)
        #expect(!frozen([1, 2]).requiresGradient)
        #expect(frozen.trainableParameters.isEmpty)
    }

    @Test func dropoutIsInvertedAndOffInEvaluation() {
        let dropout = Dropout(probability: 0.25, seed: 4)
        let x = Tensor.ones([10000])
        let dropped = dropout(x).scalars
        let zeros = dropped.filter { $0 == 0 }.count
        #expect(zeros > 2300 && zeros < 2700)
        #expect(dropped.allSatisfy { $0 == 0 || Swift.abs($0 - 1 / 0.75) < 1e-6 })
        dropout.setTraining(false)
        #expect(dropout(x).elementsEqual(x))
        // The same seed gives the same mask.
        #expect(Dropout(probability: 0.5, seed: 9).mask(shape: [50]).elementsEqual(Dropout(probability: 0.5, seed: 9).mask(shape: [50])))
    }

    @Test func initializersFollowTheirFormulas() {
        var generator = RandomGenerator(seed: 5)
        let glorot = Initializer.glorotUniform().make([200, 300], fanIn: 300, fanOut: 200, using: &generator).scalars
        let limit = (6 / Float(500)).squareRoot()
        #expect(glorot.allSatisfy { Swift.abs($0) <= limit } && glorot.max()! > 0.95 * limit)
        let he = Initializer.heNormal.make([400, 400], fanIn: 400, fanOut: 400, using: &generator).scalars
        let std = (he.map { $0 * $0 }.reduce(0, +) / Float(he.count)).squareRoot()
        #expect(Swift.abs(std - (2 / Float(400)).squareRoot()) < 0.003)
        #expect(Initializer.constant(0.5).make([3], fanIn: 1, fanOut: 1, using: &generator).scalars == [0.5, 0.5, 0.5])
        for shape in [[6, 4], [4, 6], [5, 5]] {
            let q = Initializer.orthogonal(gain: 2).make(shape, fanIn: shape[1], fanOut: shape[0], using: &generator)
            // Rows (if wide) or columns (if tall) are orthogonal with norm = gain.
            let gram = shape[0] >= shape[1] ? q.matmul(q, transposeSelf: true) : q.matmul(q, transposeOther: true)
            let size = min(shape[0], shape[1])
            expectClose(gram, Tensor.identity(size) * 4, relative: 1e-5, absolute: 1e-5)
        }
    }

    @Test func lossesMatchClosedForms() {
        let prediction = Tensor([1, 2, 3]), target = Tensor([1, 0, 5])
        #expect(Loss.meanSquaredError(prediction, target).scalar == Float(8) / 3)
        // Binary cross-entropy: -t log σ(x) - (1-t) log(1-σ(x)), finite for extreme logits.
        let logits = Tensor([0, 2, -3, 100, -100]), labels = Tensor([1, 0, 1, 1, 0])
        let expected: [Float] = [0.6931472, 2.126928, 3.0485873, 0, 0]
        expectClose(Loss.binaryCrossEntropy(logits: logits, targets: labels, reduction: .none).scalars, expected, absolute: 1e-6)
        #expect(Loss.binaryCrossEntropy(logits: Tensor([1000, -1000]), targets: Tensor([0, 1])).scalar == 1000)
        // Softmax cross-entropy with extreme logits stays finite.
        let extreme = Tensor(shape: [2, 3], scalars: [1000, 0, -1000, 0, 0, 0])
        let ce = Loss.softmaxCrossEntropy(logits: extreme, targets: [2, 1], reduction: .none).scalars
        expectClose(ce, [2000, 1.0986123], relative: 1e-6)
    }

    @Test func lossGradients() {
        var generator = RandomGenerator(seed: 6)
        let logits = Tensor.randomNormal([5, 4], standardDeviation: 2, using: &generator)
        let targets = [0, 3, 3, 1, 2]
        expectGradientsMatch([logits]) { Loss.softmaxCrossEntropy(logits: $0[0], targets: targets) }
        expectGradientsMatch([logits]) {
            Loss.softmaxCrossEntropy(logits: $0[0], targets: targets, mask: [1, 0, 1, 1, 0], classWeights: [0.5, 1, 2, 3])
        }
        expectGradientsMatch([logits]) { Loss.softmaxCrossEntropy(logits: $0[0], targets: targets, reduction: .none) }
        expectGradientsMatch([logits]) { Loss.softmaxCrossEntropy(logits: $0[0], targets: targets, reduction: .sum) }
        expectGradientsMatch([logits]) { Loss.negativeLogLikelihood(logProbabilities: $0[0].logSoftmax(), targets: targets) }
        let binaryTargets = Tensor.randomUniform([5, 4], using: &generator)
        expectGradientsMatch([logits]) { Loss.binaryCrossEntropy(logits: $0[0], targets: binaryTargets) }
        expectGradientsMatch([logits]) { Loss.binaryCrossEntropy(logits: $0[0], targets: binaryTargets, reduction: .none) }
        expectGradientsMatch([logits]) { Loss.meanSquaredError($0[0], binaryTargets) }
        expectGradientsMatch([logits]) { Loss.meanSquaredError($0[0], binaryTargets, reduction: .sum) }
    }

    @Test func weightedCrossEntropyMatchesPyTorchConvention() {
        // torch.nn.functional.cross_entropy(x, t, weight=w): sum_i w[t_i] l_i / sum_i w[t_i].
        let logits = Tensor(shape: [2, 2], scalars: [0, 0, 0, 0])
        let loss = Loss.softmaxCrossEntropy(logits: logits, targets: [0, 1], classWeights: [1, 3])
        expectClose([loss.scalar], [0.6931472])
        let masked = Loss.softmaxCrossEntropy(logits: logits, targets: [0, 1], mask: [0, 0])
        #expect(masked.scalar == 0)
    }
}
