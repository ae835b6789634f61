import Foundation
import RecurrentData
import RecurrentTasks
import RecurrentTensor
import Testing

@Suite struct Word2VecTests {
    /// Two groups of words that co-occur only within their group: sentences of 8 words, each drawn
    /// from one group.
    static func plantedCorpus(sentences: Int = 600, seed: UInt64 = 3) throws -> WordCorpus {
        var generator = RandomGenerator(seed: seed)
        let groups = [(0..<8).map { "red\($0)" }, (0..<8).map { "blue\($0)" }]
        let lines = (0..<sentences).map { index in (0..<8).map { _ in groups[index % 2][generator.nextInt(below: 8)] } }
        return try WordCorpus(sentences: lines, minimumCount: 1)
    }

    static func settings(_ architecture: Word2VecSettings.Architecture, seed: UInt64 = 1) -> Word2VecSettings {
        var settings = Word2VecSettings()
        settings.architecture = architecture
        settings.dimension = 16
        settings.window = 3
        settings.sample = 0
        settings.epochs = 3
        settings.minimumCount = 1
        settings.seed = seed
        settings.chunkWords = 500
        return settings
    }

    @Test(arguments: Word2VecSettings.Architecture.allCases)
    func trainedVectorsSeparateThePlantedGroups(architecture: Word2VecSettings.Architecture) throws {
        let corpus = try Self.plantedCorpus()
        let model = Word2Vec(vocabulary: corpus, settings: Self.settings(architecture))
        let summary = model.train(on: corpus, threads: 1)  // in-process tests leave the kernel thread pool to the others
        #expect(summary.rawWords == 3 * 600 * 8 && summary.trainedWords == summary.rawWords, "sample 0 keeps every word")
        let similarity = WordSimilarity(model.vectors)
        var within: [Float] = [], between: [Float] = []
        for word in corpus.words {
            let group = word.prefix(3)
            let neighbors = try #require(similarity.neighbors(of: word, k: corpus.words.count - 1))
            for match in neighbors {
                if match.word.prefix(3) == group { within.append(match.similarity) } else { between.append(match.similarity) }
            }
            #expect(neighbors.prefix(7).allSatisfy { $0.word.prefix(3) == group }, "\(word): its 7 nearest words are its group")
        }
        let meanWithin = within.reduce(0, +) / Float(within.count), meanBetween = between.reduce(0, +) / Float(between.count)
        #expect(meanWithin > meanBetween + 0.5, "mean cosine within groups \(meanWithin), between \(meanBetween)")
    }

    @Test func oneThreadIsDeterministicForASeed() throws {
        let corpus = try Self.plantedCorpus(sentences: 100)
        func train(seed: UInt64) -> [Float] {
            var settings = Self.settings(.skipGram, seed: seed)
            settings.sample = 1e-2
            let model = Word2Vec(vocabulary: corpus, settings: settings)
            model.train(on: corpus, threads: 1)
            return model.vectors.values + model.outputValues
        }
        let first = train(seed: 5)
        #expect(first == train(seed: 5))
        #expect(first != train(seed: 6))
    }

    @Test func subsamplingKeepsWordsWithTheOriginalToolsProbability() throws {
        // T = 1,000,000 words, s = 1e-3: p(c) = (√(c / 1000) + 1) · 1000 / c, capped at 1.
        let probability = { (count: Int) in Subsampling.keepProbability(count: count, totalWords: 1_000_000, sample: 1e-3) }
        #expect(probability(1000) == 1 && probability(2618) == 1, "frequencies up to about 2.6 s are always kept")
        #expect(abs(probability(10_000) - (10.0.squareRoot() + 1) / 10) < 1e-12)
        #expect(abs(probability(100_000) - 0.11) < 1e-12)
        #expect(Subsampling.keepProbability(count: 500_000, totalWords: 1_000_000, sample: 0) == 1)
        #expect(Subsampling.keepThresholds(counts: [999_000, 1000], sample: 1e-3) == [UInt32((probability(999_000) * 4_294_967_296).rounded(.down)), .max])

        // The kernel keeps each word of a chunk with that probability: one frequent word among rare ones.
        let lines = (0..<400).map { index in ["the", "the", "the", "the", "the", "the", "the", "w\(index % 50)"] }
        let corpus = try WordCorpus(sentences: lines, minimumCount: 1)
        var settings = Self.settings(.skipGram)
        settings.sample = 1e-2
        settings.epochs = 10
        let model = Word2Vec(vocabulary: corpus, settings: settings)
        let kept = Double(model.train(on: corpus, threads: 1).trainedWords)
        let total = corpus.counts.reduce(0, +)
        let expected = Double(settings.epochs) * zip(corpus.counts, corpus.counts).reduce(0) {
            $0 + Double($1.0) * Subsampling.keepProbability(count: $1.1, totalWords: total, sample: 1e-2)
        }
        let standardDeviation = (Double(settings.epochs) * Double(corpus.counts[0]) * 0.25).squareRoot()
        #expect(abs(kept - expected) < 4 * standardDeviation, "kept \(kept), expected \(expected) ± \(standardDeviation)")
        #expect(expected < 0.5 * Double(settings.epochs * total), "the test's frequent word is in fact subsampled")
    }

    @Test func aliasTableDrawsTheUnigramDistributionToThePower075() {
        let counts = [1000, 1, 0, 37, 5, 5, 250, 2]
        let table = AliasTable.negativeSampling(counts: counts)
        let weights = counts.map { pow(Double($0), 0.75) }, total = weights.reduce(0, +)
        for (probability, weight) in zip(table.probabilities, weights) {
            #expect(abs(probability - weight / total) < 1e-8, "\(probability) vs \(weight / total)")
        }
        #expect(table.probabilities[2] == 0, "a word of count 0 is never drawn")
        let uniform = AliasTable(weights: [1, 1, 1])
        #expect(uniform.thresholds == [.max, .max, .max] && uniform.aliases == [0, 1, 2])
    }

    @Test func corpusCountsSortsAndDropsRareWords() throws {
        let files = try TemporaryFolder()
        let bytes = Array("b a b\r\nc  a\tb\n\n".utf8) + [0x63, 0x61, 0x66, 0xE9] + Array(" a\nd\n".utf8)
        let path = files.path("corpus.txt")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let corpus = try WordCorpus.read(path, minimumCount: 2, maximumSentenceLength: 2)
        #expect(corpus.words == ["b", "a"] && corpus.counts == [3, 3], "equal counts keep the order of first appearance")
        #expect(corpus.rawWordCount == 9 && corpus.distinctWordCount == 5 && corpus.latin1Words == 1)
        // Sentences [b a] [b] [c a] [b] [café a] [d] (lines cut at 2 words), then the rare words dropped.
        #expect(corpus.tokens == [0, 1, 0, 1, 0, 1])
        #expect(corpus.sentenceEnds == [2, 3, 4, 5, 6])
        #expect(throws: WordCorpusError(file: path, problem: .noWordReachesMinimumCount(4, mostFrequent: 3))) {
            try WordCorpus.read(path, minimumCount: 4)
        }
    }
}

/// A scratch folder removed with the value.
final class TemporaryFolder {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("recurrent-task-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}
