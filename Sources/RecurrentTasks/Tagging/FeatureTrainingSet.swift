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

    /// Extracts the attributes of `corpus` (whose tags must all be in `tags`), growing a new table.
    public init(corpus: TaggedCorpus, tags: SymbolTable, templates: FeatureTemplates) throws {
        extractor = AttributeExtractor(templates: templates, table: AttributeTable())
        tagCount = tags.count
        tokenOffsets = [0]
        attributeIDs = []
        goldTags = []
        sentenceStarts = [0]
        tokenOffsets.reserveCapacity(corpus.tokenCount + 1)
        goldTags.reserveCapacity(corpus.tokenCount)
        for sentence in corpus.sentences {
            let attributes = extractor.attributes(of: sentence.words)
            let base = Int32(attributeIDs.count)
            attributeIDs += attributes.ids
            for offset in attributes.offsets.dropFirst() { tokenOffsets.append(base + offset) }
            for (position, tag) in sentence.tags.enumerated() {
                guard let index = tags.index(of: tag) else { throw TaggerEvaluation.unknownTag(tag, in: sentence, at: position, file: corpus.file, tags: tags) }
                goldTags.append(Int32(index))
            }
            sentenceStarts.append(goldTags.count)
        }
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
