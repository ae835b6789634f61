import RecurrentTensor
import RecurrentTestSupport
import Testing

@Suite struct TensorBasicsTests {
    @Test func creationAndShape() {
        let t = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(t.shape == [2, 3])
        #expect(t.rank == 2 && t.count == 6)
        #expect(t.element(at: [1, 2]) == 6)
        #expect(Tensor.zeros([0, 4]).count == 0)
        #expect(Tensor(3).rank == 0 && Tensor(3).scalar == 3)
        #expect(Tensor.identity(3).scalars == [1, 0, 0, 0, 1, 0, 0, 0, 1])
        #expect(Tensor.arange(4, start: 2).scalars == [2, 3, 4, 5])
    }

    @Test func copyOnWrite() {
        let a = Tensor(shape: [3], scalars: [1, 2, 3])
        var b = a
        b.setElement(9, at: [0])
        #expect(a.scalars == [1, 2, 3])
        #expect(b.scalars == [9, 2, 3])
    }

    @Test func seededRandomIsRepeatable() {
        var first = RandomGenerator(seed: 42), second = RandomGenerator(seed: 42), other = RandomGenerator(seed: 43)
        let a = Tensor.randomNormal([100], using: &first), b = Tensor.randomNormal([100], using: &second)
        #expect(a.elementsEqual(b))
        #expect(!a.elementsEqual(Tensor.randomNormal([100], using: &other)))
        var generator = RandomGenerator(seed: 1)
        let sample = Tensor.randomNormal([20000], mean: 2, standardDeviation: 3, using: &generator).scalars
        let mean = sample.reduce(0, +) / Float(sample.count)
        let variance = sample.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(sample.count)
        #expect(Swift.abs(mean - 2) < 0.1 && Swift.abs(variance.squareRoot() - 3) < 0.1)
        let uniform = Tensor.randomUniform([10000], in: -2..<3, using: &generator).scalars
        #expect(uniform.allSatisfy { $0 >= -2 && $0 < 3 })
    }

    @Test func broadcastingArithmetic() {
        let matrix = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let row = Tensor([10, 20, 30])
        let column = Tensor(shape: [2, 1], scalars: [100, 200])
        #expect((matrix + row).scalars == [11, 22, 33, 14, 25, 36])
        #expect((matrix * column).scalars == [100, 200, 300, 800, 1000, 1200])
        #expect((row - column).shape == [2, 3])
        #expect((row - column).scalars == [-90, -80, -70, -190, -180, -170])
        #expect((matrix / 2).scalars == [0.5, 1, 1.5, 2, 2.5, 3])
        #expect((1 - matrix).scalars == [0, -1, -2, -3, -4, -5])
        let rank3 = Tensor(repeating: 1, shape: [2, 1, 3]) + Tensor(repeating: 2, shape: [4, 1])
        #expect(rank3.shape == [2, 4, 3] && rank3.scalars.allSatisfy { $0 == 3 })
        #expect(Shape.broadcast([2, 3], [4, 3]) == nil)
    }

    @Test func matmulAgainstHandComputed() {
        let a = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let b = Tensor(shape: [3, 2], scalars: [7, 8, 9, 10, 11, 12])
        #expect(a.matmul(b).scalars == [58, 64, 139, 154])
        #expect(a.matmul(a, transposeOther: true).scalars == [14, 32, 32, 77])
        #expect(a.matmul(a, transposeSelf: true).shape == [3, 3])
        let batch = Tensor.stack([a, a * 2])
        let products = batch.matmul(Tensor.stack([b, b]))
        #expect(products.shape == [2, 2, 2])
        #expect(products.scalars == [58, 64, 139, 154, 116, 128, 278, 308])
        #expect(batch.matmul(b).scalars == products.scalars)
        #expect(Tensor.zeros([0, 3]).matmul(b).shape == [0, 2])
        #expect(Tensor.zeros([2, 0]).matmul(Tensor.zeros([0, 4])).scalars == [Float](repeating: 0, count: 8))
    }

    @Test func shapeOperations() {
        let t = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(t.transposed().scalars == [1, 4, 2, 5, 3, 6])
        #expect(t.reshaped([3, -1]).shape == [3, 2])
        #expect(t.unsqueezed(at: 1).shape == [2, 1, 3])
        #expect(t.unsqueezed(at: 1).squeezed(at: 1).shape == [2, 3])
        let cube = Tensor.arange(24).reshaped([2, 3, 4])
        let permuted = cube.permuted([2, 0, 1])
        #expect(permuted.shape == [4, 2, 3])
        #expect(permuted.element(at: [3, 1, 2]) == cube.element(at: [1, 2, 3]))
        #expect(t[1].scalars == [4, 5, 6])
        #expect(t.slice(alongAxis: 1, 1..<3).scalars == [2, 3, 5, 6])
        let joined = Tensor.concatenate([t, t * 10], alongAxis: 1)
        #expect(joined.shape == [2, 6])
        #expect(joined.scalars == [1, 2, 3, 10, 20, 30, 4, 5, 6, 40, 50, 60])
        let pieces = joined.split(sizes: [2, 4], alongAxis: 1)
        #expect(pieces[0].scalars == [1, 2, 4, 5] && pieces[1].shape == [2, 4])
        #expect(Tensor.stack([t, t], alongAxis: 1).shape == [2, 2, 3])
    }

    @Test func reductions() {
        let t = Tensor(shape: [2, 3], scalars: [1, 5, 3, 4, 2, 6])
        #expect(t.sum().scalar == 21)
        #expect(t.mean().scalar == 3.5)
        #expect(t.sum(alongAxis: 0).scalars == [5, 7, 9])
        #expect(t.sum(alongAxis: 1, keepingDimension: true).shape == [2, 1])
        #expect(t.max(alongAxis: 1).scalars == [5, 6])
        #expect(t.min(alongAxis: 0).scalars == [1, 2, 3])
        #expect(t.argmax(alongAxis: 1) == [1, 2])
        #expect(t.max().scalar == 6)
        #expect(Tensor.zeros([0]).sum().scalar == 0)
    }

    @Test func indexing() {
        let table = Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6])
        #expect(table.gatherRows([2, 0, 2]).scalars == [5, 6, 1, 2, 5, 6])
        let scattered = Tensor.scatterAdd(Tensor(shape: [3, 2], scalars: [1, 1, 2, 2, 3, 3]), rows: [1, 0, 1], rowCount: 3)
        #expect(scattered.scalars == [2, 2, 4, 4, 0, 0])
        #expect(table.gather(alongAxis: 1, indices: [1, 0, 1]).scalars == [2, 3, 6])
        #expect(table.gather(alongAxis: 0, indices: [2, 1]).scalars == [5, 4])
    }

    @Test func softmaxFamily() {
        let logits = Tensor(shape: [2, 3], scalars: [1, 2, 3, 1000, 1000, -1000])
        let probabilities = logits.softmax().scalars
        expectClose(Array(probabilities[0..<3]), [0.09003057, 0.24472847, 0.66524096])
        expectClose(Array(probabilities[3..<6]), [0.5, 0.5, 0])
        let logProbabilities = logits.logSoftmax().scalars
        expectClose(Array(logProbabilities[0..<3]), [-2.40760596, -1.40760596, -0.40760596])
        expectClose([logProbabilities[5]], [-2000.6931472], relative: 1e-6)
        expectClose(logits.logSumExp().scalars, [3.40760596, 1000.6931472])
    }
}
