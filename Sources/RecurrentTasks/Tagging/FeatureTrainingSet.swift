import RecurrentData

/// A tagged corpus turned into what the feature-based trainers (CRF, perceptron) iterate over:
/// every token's attribute indices, compressed-row over the whole corpus, and its gold tag.
///
/// Token i of the corpus has attributes `attributeIDs[tokenOffsets[i] ..< tokenOffsets[i + 1]]`
/// and tag `goldTags[i]`; sentence s is tokens `sentenceStarts[s] ..< sentenceStarts[s + 1]`.
public struct FeatureTrainingSet {
    public let extractor: AttributeExtractor
    public let tagCount: Int
    public var tokenOffsets: [Int32]
    public var attributeIDs: [Int32]
    public var goldTags: [Int32]
    public var sentenceStarts: [Int]

    /// Extracts the attributes of `corpus` (whose tags must all be in `tags`), growing a new
    /// table; attributes seen fewer than `minimumCount` times are dropped.
    public init(corpus: TaggedCorpus, tags: SymbolTable, templates: FeatureTemplates, minimumCount: Int = 1) throws {
        let growing = AttributeExtractor(templates: templates, table: AttributeTable())
        tagCount = tags.count
        tokenOffsets = [0]
        attributeIDs = []
        goldTags = []
        sentenceStarts = [0]
        tokenOffsets.reserveCapacity(corpus.tokenCount + 1)
        goldTags.reserveCapacity(corpus.tokenCount)
        for sentence in corpus.sentences {
            let attributes = growing.attributes(of: sentence.words)
            let base = Int32(attributeIDs.count)
            attributeIDs += attributes.ids
            for offset in attributes.offsets.dropFirst() { tokenOffsets.append(base + offset) }
            for (position, tag) in sentence.tags.enumerated() {
                guard let index = tags.index(of: tag) else { throw TaggerEvaluation.unknownTag(tag, in: sentence, at: position, file: corpus.file, tags: tags) }
                goldTags.append(Int32(index))
            }
            sentenceStarts.append(goldTags.count)
        }
        // Number attributes by falling frequency, so the weights of the common ones sit together
        // in memory: the gradient's scattered reads and writes then mostly hit the cache.
        var frequencies = [Int](repeating: 0, count: growing.table.count)
        for id in attributeIDs { frequencies[Int(id)] += 1 }
        let order = frequencies.indices.sorted { frequencies[$0] != frequencies[$1] ? frequencies[$0] > frequencies[$1] : $0 < $1 }
        let kept = order.prefix { frequencies[$0] >= minimumCount }
        var renumbered = [Int32](repeating: -1, count: order.count)
        for (new, old) in kept.enumerated() { renumbered[old] = Int32(new) }
        var compacted: [Int32] = [], offsets: [Int32] = [0]
        compacted.reserveCapacity(attributeIDs.count)
        offsets.reserveCapacity(tokenOffsets.count)
        for token in 0..<goldTags.count {
            let start = compacted.count
            for slot in Int(tokenOffsets[token])..<Int(tokenOffsets[token + 1]) where renumbered[Int(attributeIDs[slot])] >= 0 {
                compacted.append(renumbered[Int(attributeIDs[slot])])
            }
            compacted[start...].sort()
            offsets.append(Int32(compacted.count))
        }
        attributeIDs = compacted
        tokenOffsets = offsets
        var table = AttributeTable()
        for old in kept { _ = table.index(of: growing.table.strings[old]) }
        extractor = AttributeExtractor(templates: templates, table: table)
    }

    public var sentenceCount: Int { sentenceStarts.count - 1 }
    public var tokenCount: Int { goldTags.count }
    public var attributeCount: Int { extractor.table.count }

    /// The attributes of sentence `index`, renumbered from its first token.
    func attributes(ofSentence index: Int) -> SentenceAttributes {
        let first = sentenceStarts[index], last = sentenceStarts[index + 1]
        let base = tokenOffsets[first]
        return SentenceAttributes(offsets: tokenOffsets[first...last].map { $0 - base },
                                  ids: Array(attributeIDs[Int(base)..<Int(tokenOffsets[last])]))
    }
}
