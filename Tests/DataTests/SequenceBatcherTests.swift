import RecurrentData
import RecurrentTensor
import Testing

@Suite struct SequenceBatcherTests {
    static let lengths = (0..<103).map { ($0 * 37) % 41 + 1 }

    @Test("every example once per epoch, in batches of the size asked, the same for the same seed", arguments: [nil, 1, 4, 50])
    func everyExampleOnce(pool: Int?) {
        let batcher = SequenceBatcher(lengths: Self.lengths, batchSize: 8, bucketPool: pool)
        var a = RandomGenerator(seed: 3), b = RandomGenerator(seed: 3)
        let first = batcher.shuffledBatches(using: &a), again = batcher.shuffledBatches(using: &b)
        #expect(first == again)
        #expect(first.count == batcher.batchCount && batcher.batchCount == 13)
        #expect(first.flatMap { $0 }.sorted() == Array(0..<103))
        #expect(first.filter { $0.count != 8 }.map(\.count) == [7])
        #expect(batcher.shuffledBatches(using: &a) != first, "the next epoch is shuffled anew")
    }

    @Test func bucketingCutsPaddedSteps() {
        func paddedSteps(_ batches: [[Int]]) -> Int { batches.map { batch in batch.map { Self.lengths[$0] }.max()! * batch.count }.reduce(0, +) }
        var generator = RandomGenerator(seed: 1)
        let plain = paddedSteps(SequenceBatcher(lengths: Self.lengths, batchSize: 8, bucketPool: nil).shuffledBatches(using: &generator))
        let bucketed = paddedSteps(SequenceBatcher(lengths: Self.lengths, batchSize: 8, bucketPool: 50).shuffledBatches(using: &generator))
        let real = Self.lengths.reduce(0, +)
        #expect(bucketed < plain && bucketed - real < (plain - real) / 3, "padding: bucketed \(bucketed - real), plain \(plain - real)")
    }

    @Test func orderedBatchesCoverEveryExample() {
        let batcher = SequenceBatcher(lengths: [3, 1, 2, 5, 4], batchSize: 2)
        #expect(batcher.orderedBatches() == [[0, 1], [2, 3], [4]])
        #expect(batcher.orderedBatches(sortedByLength: true) == [[1, 2], [0, 4], [3]])
    }

    @Test func paddedBatchesLayOutTimeMajorWithLengths() {
        let batch = PaddedTokenBatch([[5, 6, 7], [8], []], padding: 0)
        #expect(batch.time == 3 && batch.batch == 3 && batch.lengths == [3, 1, 0])
        #expect(batch.tokens == [5, 8, 0, 6, 0, 0, 7, 0, 0])
        #expect(batch.batchMajor == [5, 6, 7, 8, 0, 0, 0, 0, 0])
        let frames = PaddedFrameBatch([[1, 2, 3, 4], [5, 6]], features: 2)
        #expect(frames.values.shape == [2, 2, 2] && frames.lengths == [2, 1])
        #expect(frames.values.scalars == [1, 2, 3, 4, 5, 6, 0, 0])
    }
}
