import CRecurrentKernels
import Foundation
import RecurrentData
import RecurrentTensor

/// Where a word2vec run is, reported after each batch of chunks.
public struct Word2VecProgress: Sendable {
    /// The current epoch, 1-based, and the number of epochs.
    public var epoch: Int, epochs: Int
    /// The part of the whole run done, 0...1.
    public var fraction: Double
    /// Words of the text (rare ones included, as gensim counts "raw words") per second so far.
    public var wordsPerSecond: Double
    /// The learning rate reached.
    public var learningRate: Float
    /// Seconds since training started.
    public var seconds: Double
}

/// What a finished word2vec run did.
public struct Word2VecSummary: Sendable {
    /// Training time in seconds (reading the text and building the vocabulary excluded).
    public var seconds: Double
    /// Words of the text times epochs, rare ones included.
    public var rawWords: Int
    /// Words trained on: in the vocabulary and kept by subsampling.
    public var trainedWords: Int
    /// `rawWords / seconds`, the figure gensim reports and `recurrent bench embeddings` compares.
    public var wordsPerSecond: Double { seconds > 0 ? Double(rawWords) / seconds : 0 }
}

/// word2vec (Mikolov et al. 2013): skip-gram or CBOW with negative sampling, frequent-word
/// subsampling and a linearly decaying learning rate, trained Hogwild-style on the kernel threads.
///
/// Each word w has an input vector v_w (the word vectors) and an output vector u_w. For a center
/// word w and a context word c within the window, skip-gram lowers
///
///     L = -log σ(v_c · u_w) - Σ_{k=1..K} log σ(-v_c · u_{n_k}),   n_k ~ P(w) ∝ count(w)^0.75
///
/// by one SGD step on v_c and the u's; CBOW does the same with v_c replaced by the mean of the
/// context's input vectors. The math, step by step, is in `rk_word2vec_model`'s documentation
/// (CRecurrentKernels.h) and in docs/embeddings.md.
///
/// The text is cut into chunks of about ``Word2VecSettings/chunkWords`` words. Each chunk draws
/// its random numbers from a seed of its own and its learning rate from its position in the run,
/// so with one thread a run depends only on the text and the settings; with several, threads
/// update the shared vectors without locks (Hogwild, Recht et al. 2011) and runs differ slightly.
///
/// ```swift
/// let corpus = try WordCorpus.read("text.txt", minimumCount: 5)
/// let model = Word2Vec(vocabulary: corpus, settings: Word2VecSettings())
/// model.train(on: corpus)
/// try WordVectorsWriter.write(model.vectors, to: "vectors.bin", format: .word2vecBinary)
/// ```
public final class Word2Vec {
    public let settings: Word2VecSettings
    /// The vocabulary, most frequent first, and the words' counts.
    public let words: [String], counts: [Int]
    public let dimension: Int
    /// `[words.count, dimension]`: the word vectors v (initially uniform in ±0.5 / dimension, as
    /// in the original tool and gensim) and the output vectors u (initially zero).
    let inputVectors: UnsafeMutableBufferPointer<Float>
    let outputVectors: UnsafeMutableBufferPointer<Float>
    private let keepThresholds: [UInt32]
    private let negativeSampling: AliasTable

    /// A model for the vocabulary of `corpus`, with fresh vectors.
    public init(vocabulary corpus: WordCorpus, settings: Word2VecSettings) {
        precondition(settings.problem == nil, "Word2Vec: \(settings.problem ?? "")")
        self.settings = settings
        words = corpus.words
        counts = corpus.counts
        dimension = settings.dimension
        let count = words.count * dimension
        inputVectors = .allocate(capacity: count)
        outputVectors = .allocate(capacity: count)
        var generator = RandomGenerator(seed: settings.seed)
        let scale = 1 / Float(dimension)
        for index in 0..<count { inputVectors[index] = (generator.nextUniform() - 0.5) * scale }
        outputVectors.initialize(repeating: 0)
        keepThresholds = Subsampling.keepThresholds(counts: counts, sample: settings.sample)
        negativeSampling = AliasTable.negativeSampling(counts: counts)
    }

    deinit {
        inputVectors.deallocate()
        outputVectors.deallocate()
    }

    /// The word vectors v, in vocabulary order.
    public var vectors: WordVectors {
        WordVectors(words: words, dimension: dimension, values: Array(inputVectors))!
    }

    /// The output vectors u, `[words.count, dimension]`.
    public var outputValues: [Float] { Array(outputVectors) }

    /// Runs all epochs over `corpus`, whose vocabulary must be this model's; `progress` is called
    /// after each batch of chunks. `threads` 1 runs the chunks in order on the calling thread
    /// (the deterministic case); more run them as tasks on the kernel threads (`Kernels.threadCount`).
    @discardableResult
    public func train(on corpus: WordCorpus, threads: Int = Kernels.threadCount,
                      progress: ((Word2VecProgress) -> Void)? = nil) -> Word2VecSummary {
        precondition(corpus.words == words, "Word2Vec.train: the corpus has another vocabulary")
        let chunks = Self.chunks(of: corpus, words: settings.chunkWords)
        let wordsPerEpoch = Swift.max(corpus.tokens.count, 1)
        let totalWords = Double(wordsPerEpoch) * Double(settings.epochs)
        let start = settings.initialLearningRate, end = Swift.min(settings.finalLearningRate, start)
        func learningRate(epoch: Int, position: Int) -> Float {
            start - (start - end) * Float((Double(epoch) * Double(wordsPerEpoch) + Double(position)) / totalWords)
        }
        let chunkCount = chunks.tokenStarts.count - 1
        var trained = [Int](repeating: 0, count: chunkCount)
        let began = ProcessInfo.processInfo.systemUptime
        withModel { model in
            corpus.tokens.withUnsafeBufferPointer { tokens in
                chunks.relativeEnds.withUnsafeBufferPointer { ends in
                    trained.withUnsafeMutableBufferPointer { trained in
                        for epoch in 0..<settings.epochs {
                            var next = 0
                            while next < chunkCount {
                                let batch = Swift.min(64, chunkCount - next), first = next
                                func runChunk(_ task: Int) {
                                    let chunk = first + task
                                    let tokenStart = chunks.tokenStarts[chunk], tokenEnd = chunks.tokenStarts[chunk + 1]
                                    let sentences = chunks.sentenceStarts[chunk]..<chunks.sentenceStarts[chunk + 1]
                                    let seed = RandomGenerator(seed: settings.seed ^ (UInt64(epoch) << 40) ^ UInt64(chunk)).state[0]
                                    trained[chunk] += rk_word2vec_train_chunk(
                                        model, tokens.baseAddress! + tokenStart, ends.baseAddress! + sentences.lowerBound, sentences.count,
                                        seed, learningRate(epoch: epoch, position: tokenStart), learningRate(epoch: epoch, position: tokenEnd))
                                }
                                if threads == 1 {
                                    for task in 0..<batch { runChunk(task) }
                                } else {
                                    Kernels.parallel(tasks: batch) { task, _ in runChunk(task) }
                                }
                                next += batch
                                let done = (Double(epoch) * Double(wordsPerEpoch) + Double(chunks.tokenStarts[next])) / totalWords
                                let seconds = ProcessInfo.processInfo.systemUptime - began
                                progress?(Word2VecProgress(epoch: epoch + 1, epochs: settings.epochs, fraction: done,
                                                           wordsPerSecond: done * Double(corpus.rawWordCount * settings.epochs) / Swift.max(seconds, 1e-9),
                                                           learningRate: learningRate(epoch: epoch, position: chunks.tokenStarts[next]),
                                                           seconds: seconds))
                            }
                        }
                    }
                }
            }
        }
        return Word2VecSummary(seconds: ProcessInfo.processInfo.systemUptime - began, rawWords: corpus.rawWordCount * settings.epochs,
                               trainedWords: trained.reduce(0, +))
    }

    /// Calls `body` with the kernel's view of this model (its pointers are valid only inside).
    func withModel<Result>(_ body: (UnsafePointer<rk_word2vec_model>) -> Result) -> Result {
        keepThresholds.withUnsafeBufferPointer { keep in
            negativeSampling.thresholds.withUnsafeBufferPointer { thresholds in
                negativeSampling.aliases.withUnsafeBufferPointer { aliases in
                    var model = rk_word2vec_model(
                        input_vectors: inputVectors.baseAddress, output_vectors: outputVectors.baseAddress,
                        vocabulary: words.count, dimension: dimension, keep_threshold: settings.sample > 0 ? keep.baseAddress : nil,
                        negative_threshold: thresholds.baseAddress, negative_alias: aliases.baseAddress,
                        window: Int32(settings.window), negatives: Int32(settings.negatives), cbow: settings.architecture == .cbow ? 1 : 0)
                    return withUnsafePointer(to: &model, body)
                }
            }
        }
    }

    /// The text cut into chunks of whole sentences, each of at least `words` tokens (the last may
    /// be shorter): chunk i holds tokens tokenStarts[i]..<tokenStarts[i+1] and sentences
    /// sentenceStarts[i]..<sentenceStarts[i+1], whose ends relativeEnds gives from the chunk's start.
    static func chunks(of corpus: WordCorpus, words: Int) -> (tokenStarts: [Int], sentenceStarts: [Int], relativeEnds: [Int32]) {
        var tokenStarts = [0], sentenceStarts = [0], relativeEnds: [Int32] = []
        relativeEnds.reserveCapacity(corpus.sentenceEnds.count)
        for (index, end) in corpus.sentenceEnds.enumerated() {
            relativeEnds.append(Int32(end - tokenStarts[tokenStarts.count - 1]))
            if end - tokenStarts[tokenStarts.count - 1] >= words || index == corpus.sentenceEnds.count - 1 {
                tokenStarts.append(end)
                sentenceStarts.append(index + 1)
            }
        }
        return (tokenStarts, sentenceStarts, relativeEnds)
    }
}
