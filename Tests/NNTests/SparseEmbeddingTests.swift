import RecurrentNN
import RecurrentTensor
import RecurrentTestSupport
import Testing

/// Row-sparse embedding gradients: the same updates as dense ones where the math promises it
/// (SGD, Adagrad), PyTorch's SparseAdam for Adam, clipping over the touched rows, a gradient
/// whose size follows the rows looked up.
@Suite struct SparseEmbeddingTests {
    /// An embedding, a sum over the looked-up vectors and a linear readout: the loss of a batch of
    /// token lists. The same initial weights whatever `sparse` says.
    final class Model {
        let embedding: Embedding
        let readout: Linear
        init(vocabulary: Int, sparse: Bool, paddingIndex: Int? = nil) {
            var generator = RandomGenerator(seed: 8)
            embedding = Embedding(vocabularySize: vocabulary, dimension: 6, paddingIndex: paddingIndex, generator: &generator)
            embedding.sparseGradients = sparse
            readout = Linear(inputSize: 6, outputSize: 1, generator: &generator)
        }
        var parameters: [NamedParameter] { [NamedParameter("embedding", embedding.weight)] + readout.parameters }
        func loss(_ tokens: [Int]) -> Tensor {
            let vectors = embedding(tokens, shape: [tokens.count])
            return (readout(vectors).sum() - 1.5) * (readout(vectors).sum() - 1.5)
        }
    }

    static let batches = [[3, 7, 7, 1], [2, 3], [9, 9, 9], [0, 4, 3, 8, 1]]

    static func train(sparse: Bool, vocabulary: Int = 12, clip: Float? = nil, _ makeOptimizer: ([NamedParameter]) -> any Optimizer) -> Model {
        let model = Model(vocabulary: vocabulary, sparse: sparse)
        let optimizer = makeOptimizer(model.parameters)
        for batch in batches + batches {
            optimizer.zeroGradients()
            model.loss(batch).backward()
            if sparse { #expect(model.embedding.weight.gradient == nil && model.embedding.weight.sparseGradient != nil) }
            if let clip { clipGradientNorm(model.parameters, maxNorm: clip) }
            optimizer.step()
        }
        return model
    }

    @Test("SGD and Adagrad: sparse updates equal dense ones bit for bit, clipped or not", arguments: [nil, Float(0.05)])
    func sparseEqualsDenseForSGDAndAdagrad(clip: Float?) {
        let makers: [(String, ([NamedParameter]) -> any Optimizer)] = [
            ("sgd", { SGD($0, learningRate: 0.1) }), ("adagrad", { Adagrad($0, learningRate: 0.1) }),
        ]
        for (name, make) in makers {
            let dense = Self.train(sparse: false, clip: clip, make), sparse = Self.train(sparse: true, clip: clip, make)
            #expect(dense.embedding.weight.value.scalars == sparse.embedding.weight.value.scalars, "\(name) clip \(String(describing: clip))")
            #expect(dense.readout.weight.value.scalars == sparse.readout.weight.value.scalars, "\(name)")
        }
    }

    @Test func adamIsSparseAdamRowsNeverSeenKeepTheirValuesAndState() {
        let initial = Model(vocabulary: 12, sparse: true).embedding.weight.value.scalars
        let dense = Self.train(sparse: false) { Adam($0, learningRate: 0.1) }
        let sparse = Self.train(sparse: true) { Adam($0, learningRate: 0.1) }
        let seen = Set(Self.batches.flatMap { $0 })
        for row in 0..<12 {
            let range = (row * 6)..<((row + 1) * 6)
            if !seen.contains(row) {
                #expect(Array(sparse.embedding.weight.value.scalars[range]) == Array(initial[range]), "row \(row) was never looked up")
            }
        }
        // Rows touched at every step follow dense Adam exactly; the others lag where dense Adam's momentum moved them.
        #expect(dense.embedding.weight.value.scalars != sparse.embedding.weight.value.scalars)
        // One step from fresh state: lazy and dense Adam agree (an untouched row's first update is 0/(0 + eps)).
        let oneDense = Model(vocabulary: 12, sparse: false), oneSparse = Model(vocabulary: 12, sparse: true)
        for model in [oneDense, oneSparse] {
            let adam = Adam(model.parameters, learningRate: 0.1)
            model.loss(Self.batches[0]).backward()
            adam.step()
        }
        #expect(oneDense.embedding.weight.value.scalars == oneSparse.embedding.weight.value.scalars)
    }

    @Test func theGradientHoldsOnlyTheRowsLookedUpOnceEachWithoutThePaddingRow() {
        let model = Model(vocabulary: 100_000, sparse: true, paddingIndex: 0)
        let tokens = [17, 99_999, 17, 0, 42_000, 5, 5, 5]
        model.loss(tokens).backward()
        let sparse = try? #require(model.embedding.weight.sparseGradient)
        #expect(sparse?.rows == [17, 99_999, 42_000, 5])
        #expect(sparse?.values.count == 4 * 6)
        #expect(model.embedding.weight.gradient == nil)
        // The same gradient as the dense path, row by row.
        let dense = Model(vocabulary: 100_000, sparse: false, paddingIndex: 0)
        dense.loss(tokens).backward()
        let full = dense.embedding.weight.gradient!.scalars
        for (slot, row) in (sparse?.rows ?? []).enumerated() {
            #expect(Array(sparse!.values[(slot * 6)..<((slot + 1) * 6)]) == Array(full[(row * 6)..<((row + 1) * 6)]))
        }
        #expect(full[0..<6].allSatisfy { $0 == 0 }, "the padding row has no gradient")
    }

    @Test func aTableUsedSparselyAndWholeGetsOneGradient() {
        // The table is looked up (sparse) and also multiplied whole (dense), as a tied decoder is.
        func run(sparse: Bool) -> [Float] {
            let model = Model(vocabulary: 12, sparse: sparse)
            let optimizer = SGD(model.parameters, learningRate: 0.1)
            let loss = model.loss([3, 4, 3]) + (model.embedding.weight.value * model.embedding.weight.value).sum() * 0.01
            loss.backward()
            optimizer.step()
            return model.embedding.weight.value.scalars
        }
        expectClose(run(sparse: true), run(sparse: false), relative: 1e-6, absolute: 1e-7)
    }

    @Test func aRecurrentLayerReadsSparseTokensThroughTheVectorsNeverTheTable() {
        var generator = RandomGenerator(seed: 1)
        let embedding = Embedding(vocabularySize: 5, dimension: 3, generator: &generator)
        embedding.sparseGradients = true
        let lstm = LSTM(inputSize: 3, hiddenSize: 4, batchFirst: false, generator: &generator)
        let tokens = embedding.tokens([1, 2, 1, 1, 3, 4, 1, 2, 0, 0], time: 5, batch: 2)
        #expect(!tokens.projectsTable)
        lstm(tokens).output.sum().backward()
        #expect(embedding.weight.gradient == nil)
        #expect(embedding.weight.sparseGradient?.rows == [1, 2, 3, 4, 0])
    }
}
