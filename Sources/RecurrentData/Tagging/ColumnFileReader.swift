/// Reads CoNLL-style column files: one token per line, columns separated by spaces or tabs, a
/// blank line after each sentence, the word in column 1 and the tag in a chosen column (the
/// last by default), as in CoNLL-2000 chunking (`word POS chunk`). `-DOCSTART-` lines
/// (CoNLL-2003) separate documents and are skipped.
enum ColumnFileReader {
    /// `tagColumn` is 1-based (nil: the last column). Without `requireTags`, one column is
    /// enough and sentences come back untagged.
    static func read(_ scanner: TaggedTextScanner, tagColumn: Int?, requireTags: Bool) throws(TaggedTextError) -> TaggedCorpus {
        var sentences: [TaggedSentence] = []
        var current = TaggedSentence(words: [])
        let needed = requireTags ? max(2, tagColumn ?? 2) : 1
        let description = tagColumn.map { "the word and the tag in column \($0)" } ?? "a word and a tag, separated by whitespace"

        func finishSentence() {
            if !current.words.isEmpty { sentences.append(current) }
            current = TaggedSentence(words: [])
        }

        try scanner.forEachLine { (number, range) throws(TaggedTextError) in
            let fields = scanner.whitespaceFields(range)
            guard let first = fields.first else {
                finishSentence()
                return
            }
            if scanner.string(first) == "-DOCSTART-" {
                finishSentence()
                return
            }
            guard fields.count >= needed else {
                throw scanner.error(line: number, column: scanner.column(of: range.upperBound, lineStart: range.lowerBound),
                                    .tooFewColumns(expected: needed, found: fields.count, format: description))
            }
            current.words.append(scanner.string(first))
            current.lines.append(number)
            if requireTags {
                let tag = fields[(tagColumn ?? fields.count) - 1]
                current.tags.append(scanner.string(tag))
                current.tagColumns.append(scanner.column(of: tag.lowerBound, lineStart: range.lowerBound))
            }
        }
        finishSentence()
        return TaggedCorpus(file: scanner.file, sentences: sentences)
    }
}

/// Reads plain text to tag: one sentence per line, words separated by spaces or tabs; blank
/// lines are skipped.
enum PlainTextReader {
    static func read(_ scanner: TaggedTextScanner) throws(TaggedTextError) -> TaggedCorpus {
        var sentences: [TaggedSentence] = []
        try scanner.forEachLine { (number, range) throws(TaggedTextError) in
            let fields = scanner.whitespaceFields(range)
            guard !fields.isEmpty else { return }
            sentences.append(TaggedSentence(words: fields.map(scanner.string), lines: Array(repeating: number, count: fields.count)))
        }
        return TaggedCorpus(file: scanner.file, sentences: sentences)
    }
}
