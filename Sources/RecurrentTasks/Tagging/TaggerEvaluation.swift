import RecurrentData

/// Scores of predicted tags against gold tags.
///
/// - `accuracy`: correct tags / tokens; `known_accuracy` and `unknown_accuracy` over the tokens
///   whose word was / was not in the training data; `sentence_accuracy`: sentences with every tag right.
/// - per tag: precision = correct predictions of the tag / predictions of it, recall = correct /
///   gold occurrences, F1 their harmonic mean.
/// - chunks (when the tags are BIO/IOB chunk tags): ``ChunkEvaluation``, as conlleval.
public struct TaggerEvaluation: Sendable {
    public struct TagCounts: Equatable, Sendable {
        public var gold = 0, predicted = 0, correct = 0
    }

    public private(set) var tokens = 0, correct = 0
    public private(set) var knownTokens = 0, knownCorrect = 0
    public private(set) var sentences = 0, correctSentences = 0
    public private(set) var byTag: [String: TagCounts] = [:]
    public private(set) var chunks: ChunkEvaluation?

    public init(chunked: Bool) {
        chunks = chunked ? ChunkEvaluation() : nil
    }

    /// Adds a sentence; `known[i]` says whether word i was seen in training.
    public mutating func add(gold: [String], predicted: [String], known: [Bool]) {
        sentences += 1
        var allRight = true
        for index in 0..<min(gold.count, predicted.count) {
            let right = gold[index] == predicted[index]
            tokens += 1
            if right { correct += 1 } else { allRight = false }
            if index < known.count, known[index] {
                knownTokens += 1
                if right { knownCorrect += 1 }
            }
            byTag[gold[index], default: TagCounts()].gold += 1
            byTag[predicted[index], default: TagCounts()].predicted += 1
            if right { byTag[gold[index], default: TagCounts()].correct += 1 }
        }
        if allRight { correctSentences += 1 }
        chunks?.add(gold: gold, predicted: predicted)
    }

    public var accuracy: Double { ratio(correct, tokens) }
    public var knownAccuracy: Double { ratio(knownCorrect, knownTokens) }
    public var unknownAccuracy: Double { ratio(correct - knownCorrect, tokens - knownTokens) }
    public var sentenceAccuracy: Double { ratio(correctSentences, sentences) }

    private func ratio(_ part: Int, _ whole: Int) -> Double { whole == 0 ? 0 : Double(part) / Double(whole) }

    /// Every metric as a JSON object (fractions in [0, 1]).
    public var json: [String: Any] {
        var result: [String: Any] = [
            "accuracy": accuracy, "known_accuracy": knownAccuracy, "unknown_accuracy": unknownAccuracy,
            "sentence_accuracy": sentenceAccuracy, "tokens": tokens, "unknown_tokens": tokens - knownTokens, "sentences": sentences,
        ]
        result["per_tag"] = byTag.mapValues { counts -> [String: Any] in
            let precision = ratio(counts.correct, counts.predicted), recall = ratio(counts.correct, counts.gold)
            return ["precision": precision, "recall": recall, "f1": precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall),
                    "support": counts.gold, "predicted": counts.predicted]
        }
        if let chunks { result["chunks"] = chunks.finished().json }
        return result
    }

    /// The error for a gold tag the model does not know, pointing at it in its file.
    public static func unknownTag(_ tag: String, in sentence: TaggedSentence, at position: Int, file: String, tags: SymbolTable) -> TaggedTextError {
        TaggedTextError(file: file, line: position < sentence.lines.count ? sentence.lines[position] : nil,
                        column: position < sentence.tagColumns.count ? sentence.tagColumns[position] : nil,
                        problem: .unknownTag(tag: tag, known: tags.symbols))
    }

    /// Checks that every tag of `corpus` is one of `tags`.
    public static func checkTags(of corpus: TaggedCorpus, against tags: SymbolTable) throws {
        for sentence in corpus.sentences {
            for (position, tag) in sentence.tags.enumerated() where !tags.contains(tag) {
                throw unknownTag(tag, in: sentence, at: position, file: corpus.file, tags: tags)
            }
        }
    }
}
