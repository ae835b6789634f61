/// The attributes of every token of a sentence, as indices into an ``AttributeTable``, laid out
/// compressed-row: token t's attributes are `ids[offsets[t] ..< offsets[t + 1]]`.
public struct SentenceAttributes: Sendable {
    public var offsets: [Int32]
    public var ids: [Int32]
}

/// Turns sentences into attribute indices for ``FeatureTemplates``.
///
/// Most attributes depend on one word only (its spelling, or its being the neighbour at some
/// offset), so they are worked out once per distinct word and cached; only word pairs are looked
/// up per token, by the pair of cached word numbers. With a frozen table, attributes the model
/// never saw are left out.
public final class AttributeExtractor {
    public let templates: FeatureTemplates
    public private(set) var table: AttributeTable

    private struct WordEntry {
        var local: [Int32]
        /// One per neighbour offset (``FeatureTemplates/neighbourOffsets`` order); -1 when unknown.
        var asNeighbour: [Int32]
        /// `s3-1=`, `s3+1=` for this word as the previous and the next word.
        var suffixAsNeighbour: (Int32, Int32)
        var lowerNumber: Int32
    }

    private var words: [String: Int32] = [:]
    private var entries: [WordEntry] = []
    private var lowerNumbers: [String: Int32] = [:]
    private var lowerStrings: [String] = []
    private var pairs: [UInt64: Int32] = [:]
    private let offsets: [Int]
    static let sentenceStart = "<s>", sentenceEnd = "</s>"

    public init(templates: FeatureTemplates, table: AttributeTable) {
        self.templates = templates
        self.table = table
        offsets = templates.neighbourOffsets
    }

    /// Freezes the table: no attribute is added from now on (cached words keep theirs).
    public func freeze() { table.isFrozen = true }

    private func lowerNumber(_ lower: String) -> Int32 {
        if let number = lowerNumbers[lower] { return number }
        let number = Int32(lowerStrings.count)
        lowerStrings.append(lower)
        lowerNumbers[lower] = number
        return number
    }

    private func wordNumber(_ word: String) -> Int32 {
        if let number = words[word] { return number }
        // A tagger reading endless text would otherwise cache every word it ever met.
        if entries.count > 2_000_000 {
            words.removeAll(); entries.removeAll(); pairs.removeAll(); lowerNumbers.removeAll(); lowerStrings.removeAll()
        }
        let isBoundary = word == Self.sentenceStart || word == Self.sentenceEnd
        let lower = isBoundary ? word : word.lowercased()
        let local = isBoundary ? [] : templates.localAttributes(of: word).map { table.index(of: $0) }.filter { $0 >= 0 }
        let asNeighbour = offsets.map { offset in table.index(of: (offset < 0 ? "w\(offset)=" : "w+\(offset)=") + lower) }
        var suffixAsNeighbour: (Int32, Int32) = (-1, -1)
        if templates.neighbourSuffixes {
            let suffix = String(lower.suffix(3))
            suffixAsNeighbour = (table.index(of: "s3-1=" + suffix), table.index(of: "s3+1=" + suffix))
        }
        let number = Int32(entries.count)
        entries.append(WordEntry(local: local, asNeighbour: asNeighbour, suffixAsNeighbour: suffixAsNeighbour, lowerNumber: lowerNumber(lower)))
        words[word] = number
        return number
    }

    private func pair(_ template: UInt64, _ first: Int32, _ second: Int32) -> Int32 {
        let key = template << 62 | UInt64(UInt32(first)) << 31 | UInt64(UInt32(second))
        if let index = pairs[key] { return index }
        let name = (template == 0 ? "w-1|w=" : "w|w+1=") + lowerStrings[Int(first)] + "|" + lowerStrings[Int(second)]
        let index = table.index(of: name)
        pairs[key] = index
        return index
    }

    /// The attributes of each token of `words`.
    public func attributes(of sentence: [String]) -> SentenceAttributes {
        let numbers = sentence.map(wordNumber)
        let start = wordNumber(Self.sentenceStart), end = wordNumber(Self.sentenceEnd)
        func number(at position: Int) -> Int32 {
            position < 0 ? start : position >= numbers.count ? end : numbers[position]
        }
        var result = SentenceAttributes(offsets: [0], ids: [])
        result.ids.reserveCapacity(sentence.count * 32)
        for position in 0..<numbers.count {
            let entry = entries[Int(numbers[position])]
            result.ids += entry.local
            for (slot, offset) in offsets.enumerated() {
                let index = entries[Int(number(at: position + offset))].asNeighbour[slot]
                if index >= 0 { result.ids.append(index) }
            }
            if templates.neighbourSuffixes {
                let previous = entries[Int(number(at: position - 1))].suffixAsNeighbour.0
                let next = entries[Int(number(at: position + 1))].suffixAsNeighbour.1
                if previous >= 0 { result.ids.append(previous) }
                if next >= 0 { result.ids.append(next) }
            }
            if templates.wordPairs {
                let here = entry.lowerNumber
                let before = entries[Int(number(at: position - 1))].lowerNumber, after = entries[Int(number(at: position + 1))].lowerNumber
                let left = pair(0, before, here), right = pair(1, here, after)
                if left >= 0 { result.ids.append(left) }
                if right >= 0 { result.ids.append(right) }
            }
            result.offsets.append(Int32(result.ids.count))
        }
        return result
    }
}
