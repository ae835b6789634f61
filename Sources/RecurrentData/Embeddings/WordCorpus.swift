/// A text read as word2vec reads it for training: each line a sentence of whitespace-separated
/// words (lines longer than `maximumSentenceLength` words cut into pieces, as gensim's
/// `LineSentence` does), a vocabulary of the words seen at least `minimumCount` times, and the
/// text as indices into it, with rarer words dropped.
///
/// Words are split on ASCII whitespace (space, tab, CR, vertical tab, form feed; LF ends the
/// sentence) from the raw bytes, so a corpus of any size streams through in bounded memory apart
/// from the indices (4 bytes a word). Words that are not UTF-8 are read as Latin-1 and counted.
public struct WordCorpus: Sendable {
    /// The vocabulary, most frequent first (ties: first appearance in the text).
    public let words: [String]
    /// How often each word of ``words`` occurs.
    public let counts: [Int]
    /// The text's words that are in the vocabulary, as indices into ``words``.
    public let tokens: [Int32]
    /// Where each sentence ends in ``tokens`` (exclusive, increasing; no empty sentences).
    public let sentenceEnds: [Int]
    /// Every word of the text, rare ones included.
    public let rawWordCount: Int
    /// Distinct words in the text, rare ones included.
    public let distinctWordCount: Int
    /// Words read as Latin-1 because their bytes are not UTF-8.
    public let latin1Words: Int

    /// Reads and indexes the text file at `path`.
    public static func read(_ path: String, minimumCount: Int = 5, maximumSentenceLength: Int = 10_000) throws(WordCorpusError) -> WordCorpus {
        let file: ReadableFile
        do {
            file = try ReadableFile(path: path)
        } catch {
            throw WordCorpusError(file: path, problem: .unreadable(reason: error.reason))
        }
        var builder = Builder(maximumSentenceLength: maximumSentenceLength)
        let bytes = StreamingBytes(file: file)
        do {
            while true {
                let lineEnd = try bytes.nextLineEnd(from: bytes.start)
                if lineEnd == nil && bytes.available == 0 { break }
                let end = lineEnd ?? bytes.end
                builder.addLine(UnsafeRawBufferPointer(start: bytes.pointer + bytes.start, count: end - bytes.start))
                bytes.consume(upTo: lineEnd.map { $0 + 1 } ?? bytes.end)
            }
        } catch {
            throw WordCorpusError(file: path, problem: .unreadable(reason: error.reason))
        }
        return try builder.finish(minimumCount: minimumCount, file: path)
    }

    /// Indexes sentences given as words (for programs that make their own text).
    public init(sentences: [[String]], minimumCount: Int = 5, maximumSentenceLength: Int = 10_000) throws(WordCorpusError) {
        var builder = Builder(maximumSentenceLength: maximumSentenceLength)
        for sentence in sentences {
            for word in sentence { builder.add(word) }
            builder.endSentence()
        }
        self = try builder.finish(minimumCount: minimumCount, file: "<sentences>")
    }

    fileprivate init(words: [String], counts: [Int], tokens: [Int32], sentenceEnds: [Int], rawWordCount: Int,
                     distinctWordCount: Int, latin1Words: Int) {
        self.words = words
        self.counts = counts
        self.tokens = tokens
        self.sentenceEnds = sentenceEnds
        self.rawWordCount = rawWordCount
        self.distinctWordCount = distinctWordCount
        self.latin1Words = latin1Words
    }

    /// Counts words in order of first appearance, then sorts and filters them in ``finish``.
    private struct Builder {
        let maximumSentenceLength: Int
        var indices: [String: Int32] = [:]
        var words: [String] = []
        var counts: [Int] = []
        /// Every word of the text as its first-appearance index.
        var tokens: [Int32] = []
        var sentenceEnds: [Int] = []
        var latin1Words = 0

        init(maximumSentenceLength: Int) {
            self.maximumSentenceLength = Swift.max(maximumSentenceLength, 1)
        }

        mutating func add(_ word: String) {
            let index: Int32
            if let known = indices[word] {
                index = known
                counts[Int(known)] += 1
            } else {
                index = Int32(truncatingIfNeeded: words.count)
                indices[word] = index
                words.append(word)
                counts.append(1)
            }
            tokens.append(index)
            if tokens.count - (sentenceEnds.last ?? 0) == maximumSentenceLength { sentenceEnds.append(tokens.count) }
        }

        mutating func endSentence() {
            if tokens.count > (sentenceEnds.last ?? 0) { sentenceEnds.append(tokens.count) }
        }

        mutating func addLine(_ line: UnsafeRawBufferPointer) {
            var position = 0
            while position < line.count {
                while position < line.count && Self.isSpace(line[position]) { position += 1 }
                let start = position
                while position < line.count && !Self.isSpace(line[position]) { position += 1 }
                guard position > start else { break }
                let (word, isLatin1) = decodeWord(UnsafeRawBufferPointer(rebasing: line[start..<position]))
                if isLatin1 { latin1Words += 1 }
                add(word)
            }
            endSentence()
        }

        static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }

        func finish(minimumCount: Int, file: String) throws(WordCorpusError) -> WordCorpus {
            guard !tokens.isEmpty else { throw WordCorpusError(file: file, problem: .noWords) }
            let kept = (0..<words.count).filter { counts[$0] >= minimumCount }
                .sorted { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : $0 < $1 }
            guard !kept.isEmpty else {
                throw WordCorpusError(file: file, problem: .noWordReachesMinimumCount(minimumCount, mostFrequent: counts.max() ?? 0))
            }
            var newIndex = [Int32](repeating: -1, count: words.count)
            for (rank, old) in kept.enumerated() { newIndex[old] = Int32(rank) }
            var filtered: [Int32] = []
            filtered.reserveCapacity(tokens.count)
            var ends: [Int] = []
            var start = 0
            for end in sentenceEnds {
                for position in start..<end where newIndex[Int(tokens[position])] >= 0 { filtered.append(newIndex[Int(tokens[position])]) }
                if filtered.count > (ends.last ?? 0) { ends.append(filtered.count) }
                start = end
            }
            return WordCorpus(words: kept.map { words[$0] }, counts: kept.map { counts[$0] }, tokens: filtered, sentenceEnds: ends,
                              rawWordCount: tokens.count, distinctWordCount: words.count, latin1Words: latin1Words)
        }
    }
}

/// Why a training text cannot be used.
public struct WordCorpusError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Problem: Equatable, Sendable {
        case unreadable(reason: String)
        case noWords
        case noWordReachesMinimumCount(Int, mostFrequent: Int)
    }

    public var file: String
    public var problem: Problem

    public init(file: String, problem: Problem) {
        self.file = file
        self.problem = problem
    }

    public var description: String {
        switch problem {
        case .unreadable(let reason): "\(file): cannot read: \(reason)"
        case .noWords: "\(file): the text holds no words"
        case .noWordReachesMinimumCount(let minimum, let most):
            "\(file): no word occurs \(minimum) times (the most frequent occurs \(most)); lower the minimum count"
        }
    }
}
