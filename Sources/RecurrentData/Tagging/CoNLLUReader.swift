/// Reads CoNLL-U (Universal Dependencies): ten tab-separated columns per word line
/// (`ID FORM LEMMA UPOS XPOS FEATS HEAD DEPREL DEPS MISC`), comment lines starting with `#`, a
/// blank line after each sentence.
///
/// Words come from FORM, tags from the chosen column. Multiword-token ranges (`3-4`) and empty
/// nodes (`8.1`) are skipped: a tagger tags syntactic words. Checked as it reads: ten columns,
/// IDs numbered 1, 2, 3, ..., a range starting at the next word and spanning two words or more,
/// no empty word or tag. Every error names the file, line and column.
enum CoNLLUReader {
    static let columnCount = 10

    /// The sentences of a CoNLL-U text, and the document line for line when `keepLines`.
    static func read(_ scanner: TaggedTextScanner, tagColumn: TagColumn, keepLines: Bool) throws(TaggedTextError)
        -> (corpus: TaggedCorpus, document: CoNLLUDocument?) {
        let tagIndex = tagColumn.conlluColumn - 1
        guard tagIndex < columnCount else {
            throw scanner.error(line: 1, .tooFewColumns(expected: tagIndex + 1, found: columnCount, format: "--tag-column \(tagColumn) in CoNLL-U"))
        }
        var sentences: [TaggedSentence] = []
        var blocks: [CoNLLUDocument.Block] = []
        var current = TaggedSentence(words: [])
        var block = CoNLLUDocument.Block(lines: [], wordLines: [])
        var nextWord = 1, rangeEnd = 0

        func finishSentence() {
            if !current.words.isEmpty {
                sentences.append(current)
                if keepLines { blocks.append(block) }
            }
            current = TaggedSentence(words: [])
            block = CoNLLUDocument.Block(lines: [], wordLines: [])
            nextWord = 1
            rangeEnd = 0
        }

        try scanner.forEachLine { (number, range) throws(TaggedTextError) in
            if scanner.isBlank(range) {
                finishSentence()
                return
            }
            if keepLines { block.lines.append(scanner.string(range)) }
            if scanner.bytes[range.lowerBound] == UInt8(ascii: "#") { return }
            let fields = scanner.tabFields(range)
            guard fields.count >= columnCount else {
                throw scanner.error(line: number, column: scanner.column(of: range.upperBound, lineStart: range.lowerBound) ,
                                    .tooFewColumns(expected: columnCount, found: fields.count, format: "CoNLL-U, tab-separated"))
            }
            guard fields.count == columnCount else {
                throw scanner.error(line: number, column: scanner.column(of: fields[columnCount].lowerBound, lineStart: range.lowerBound),
                                    .tooManyColumns(found: fields.count))
            }
            let idText = scanner.string(fields[0])
            switch parseID(idText) {
            case nil:
                throw scanner.error(line: number, column: 1, .invalidID(found: idText))
            case .emptyNode:
                return
            case .range(let first, let last):
                guard first == nextWord, last > first, first > rangeEnd else {
                    throw scanner.error(line: number, column: 1, .rangeOutOfPlace(found: idText, nextWord: nextWord))
                }
                rangeEnd = last
                return
            case .word(let index):
                guard index == nextWord else { throw scanner.error(line: number, column: 1, .wordOutOfSequence(found: index, expected: nextWord)) }
                nextWord += 1
            }
            let form = fields[1], tag = fields[tagIndex]
            guard !form.isEmpty else {
                throw scanner.error(line: number, column: scanner.column(of: form.lowerBound, lineStart: range.lowerBound), .emptyField(what: "a word form (column 2)"))
            }
            let tagColumnStart = scanner.column(of: tag.lowerBound, lineStart: range.lowerBound)
            guard !tag.isEmpty else { throw scanner.error(line: number, column: tagColumnStart, .emptyField(what: "a tag (column \(tagIndex + 1))")) }
            if keepLines { block.wordLines.append(block.lines.count - 1) }
            current.words.append(scanner.string(form))
            current.tags.append(scanner.string(tag))
            current.lines.append(number)
            current.tagColumns.append(tagColumnStart)
        }
        finishSentence()
        return (TaggedCorpus(file: scanner.file, sentences: sentences), keepLines ? CoNLLUDocument(blocks: blocks) : nil)
    }

    enum ID: Equatable {
        case word(Int)
        case range(Int, Int)
        case emptyNode
    }

    /// `n`, `n-m` or `n.k` with decimal digits; nil for anything else.
    static func parseID(_ text: String) -> ID? {
        func number(_ part: Substring) -> Int? {
            guard !part.isEmpty, part.count <= 9, part.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            return Int(part)
        }
        if let dash = text.firstIndex(of: "-") {
            guard let first = number(text[..<dash]), let last = number(text[text.index(after: dash)...]) else { return nil }
            return .range(first, last)
        }
        if let dot = text.firstIndex(of: ".") {
            guard number(text[..<dot]) != nil, number(text[text.index(after: dot)...]) != nil else { return nil }
            return .emptyNode
        }
        guard let index = number(text[...]), index >= 1 else { return nil }
        return .word(index)
    }
}
