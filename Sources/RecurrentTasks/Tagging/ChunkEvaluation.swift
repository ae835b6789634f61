/// Chunk (phrase) precision, recall and F1 of BIO/IOB-style tags, computed exactly as the
/// CoNLL shared tasks' `conlleval` script computes them.
///
/// A tag `B-NP` has the prefix `B` and the type `NP` (split at the first hyphen; a tag without
/// one, such as `O`, has an empty type). A chunk starts and ends where conlleval's rules say
/// (`B` always starts one; `I` after `O` or after a different type starts one, which makes IOB1
/// work; `E` ends one), and a predicted chunk is correct when a gold chunk starts and ends at the
/// same tokens with the same type. Sentences are separated as by a blank line (an `O` between
/// them). Precision = correct / predicted chunks, recall = correct / gold chunks,
/// F1 = 2PR / (P + R); token accuracy counts tags equal in prefix and type.
public struct ChunkEvaluation: Sendable {
    public struct Counts: Equatable, Sendable {
        public var gold = 0, predicted = 0, correct = 0

        public init(gold: Int = 0, predicted: Int = 0, correct: Int = 0) {
            self.gold = gold
            self.predicted = predicted
            self.correct = correct
        }

        public var precision: Double { predicted == 0 ? 0 : Double(correct) / Double(predicted) }
        public var recall: Double { gold == 0 ? 0 : Double(correct) / Double(gold) }
        public var f1: Double { precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall) }
    }

    public private(set) var overall = Counts()
    public private(set) var byType: [String: Counts] = [:]
    public private(set) var tokens = 0, correctTokens = 0

    private var lastGold = "O", lastGoldType = "", lastPredicted = "O", lastPredictedType = ""
    private var inCorrectChunk = false

    public init() {}

    /// True when every tag is `O` or looks like `B-X`, `I-X`, `E-X` or `S-X`, and at least one is not `O`.
    public static func appliesTo(_ tags: [String]) -> Bool {
        var sawChunk = false
        for tag in tags {
            if tag == "O" { continue }
            guard tag.count > 2, ["B-", "I-", "E-", "S-"].contains(tag.prefix(2)) else { return false }
            sawChunk = true
        }
        return sawChunk
    }

    /// Adds one sentence's gold and predicted tags (same length).
    public mutating func add(gold: [String], predicted: [String]) {
        for (goldTag, predictedTag) in zip(gold, predicted) {
            step(gold: goldTag, predicted: predictedTag, isToken: true)
        }
        step(gold: "O", predicted: "O", isToken: false)
    }

    /// The final counts (closing a chunk still open at the end).
    public func finished() -> ChunkEvaluation {
        var copy = self
        if copy.inCorrectChunk {
            copy.overall.correct += 1
            copy.byType[copy.lastGoldType, default: Counts()].correct += 1
            copy.inCorrectChunk = false
        }
        return copy
    }

    private static func split(_ tag: String) -> (prefix: String, type: String) {
        guard let hyphen = tag.firstIndex(of: "-") else { return (tag, "") }
        return (String(tag[..<hyphen]), String(tag[tag.index(after: hyphen)...]))
    }

    /// conlleval's `endOfChunk`: does a chunk end between the previous tag and this one?
    static func endsChunk(previous: String, current: String, previousType: String, type: String) -> Bool {
        switch (previous, current) {
        case ("B", "B"), ("B", "O"), ("I", "B"), ("I", "O"), ("E", "E"), ("E", "I"), ("E", "O"): return true
        default: break
        }
        if previous != "O", previous != ".", previousType != type { return true }
        return previous == "]" || previous == "["
    }

    /// conlleval's `startOfChunk`: does a chunk start at this tag?
    static func startsChunk(previous: String, current: String, previousType: String, type: String) -> Bool {
        switch (previous, current) {
        case ("B", "B"), ("I", "B"), ("O", "B"), ("O", "I"), ("E", "E"), ("E", "I"), ("O", "E"): return true
        default: break
        }
        if current != "O", current != ".", previousType != type { return true }
        return current == "[" || current == "]"
    }

    private mutating func step(gold goldTag: String, predicted predictedTag: String, isToken: Bool) {
        let (gold, goldType) = Self.split(goldTag), (predicted, predictedType) = Self.split(predictedTag)
        let goldEnds = Self.endsChunk(previous: lastGold, current: gold, previousType: lastGoldType, type: goldType)
        let predictedEnds = Self.endsChunk(previous: lastPredicted, current: predicted, previousType: lastPredictedType, type: predictedType)
        if inCorrectChunk {
            if goldEnds, predictedEnds, lastPredictedType == lastGoldType {
                inCorrectChunk = false
                overall.correct += 1
                byType[lastGoldType, default: Counts()].correct += 1
            } else if goldEnds != predictedEnds || predictedType != goldType {
                inCorrectChunk = false
            }
        }
        let goldStarts = Self.startsChunk(previous: lastGold, current: gold, previousType: lastGoldType, type: goldType)
        let predictedStarts = Self.startsChunk(previous: lastPredicted, current: predicted, previousType: lastPredictedType, type: predictedType)
        if goldStarts, predictedStarts, predictedType == goldType { inCorrectChunk = true }
        if goldStarts {
            overall.gold += 1
            byType[goldType, default: Counts()].gold += 1
        }
        if predictedStarts {
            overall.predicted += 1
            byType[predictedType, default: Counts()].predicted += 1
        }
        if isToken {
            tokens += 1
            if gold == predicted, goldType == predictedType { correctTokens += 1 }
        }
        (lastGold, lastGoldType, lastPredicted, lastPredictedType) = (gold, goldType, predicted, predictedType)
    }

    /// `{"precision", "recall", "f1", "gold_chunks", "predicted_chunks", "correct_chunks", "per_type": {...}}`.
    public var json: [String: Any] {
        func object(_ counts: Counts) -> [String: Any] {
            ["precision": counts.precision, "recall": counts.recall, "f1": counts.f1,
             "gold_chunks": counts.gold, "predicted_chunks": counts.predicted, "correct_chunks": counts.correct]
        }
        var result = object(overall)
        result["per_type"] = byType.mapValues(object)
        return result
    }
}
