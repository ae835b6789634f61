/// The file formats a tagger reads.
public enum TaggedTextFormat: String, CaseIterable, Sendable {
    /// CoNLL-U (Universal Dependencies), ten tab-separated columns.
    case conllu
    /// Whitespace-separated columns, word first, a blank line between sentences (CoNLL-2000).
    case columns
    /// One sentence per line, words separated by whitespace; no tags.
    case text

    /// `conllu` for `.conllu` files, otherwise `fallback`.
    public static func guess(path: String, otherwise fallback: TaggedTextFormat) -> TaggedTextFormat {
        path.lowercased().hasSuffix(".conllu") ? .conllu : fallback
    }
}

/// The sentences of a tagging file, with the file's name for messages.
///
/// ```swift
/// let train = try TaggedCorpus.read("en_ewt-ud-train.conllu", format: .conllu, tagColumn: .upos)
/// train.sentences[0].words   // ["Al", "-", "Zaman", ":", ...]
/// train.sentences[0].tags    // ["PROPN", "PUNCT", "PROPN", "PUNCT", ...]
/// ```
public struct TaggedCorpus: Sendable {
    public var file: String
    public var sentences: [TaggedSentence]

    public init(file: String, sentences: [TaggedSentence]) {
        self.file = file
        self.sentences = sentences
    }

    /// Words in all sentences.
    public var tokenCount: Int { sentences.reduce(0) { $0 + $1.count } }

    /// Reads `path`. `tagColumn` picks the tag (CoNLL-U: UPOS by default; columns: the last
    /// column by default; ignored for text). With `requireTags` false, a column file may have
    /// only words.
    public static func read(_ path: String, format: TaggedTextFormat, tagColumn: TagColumn? = nil,
                            requireTags: Bool = true) throws -> TaggedCorpus {
        try parse(TaggedTextScanner(path: path), format: format, tagColumn: tagColumn, requireTags: requireTags)
    }

    /// Reads `bytes` as if they were the file `file`.
    public static func parse(_ bytes: [UInt8], file: String, format: TaggedTextFormat, tagColumn: TagColumn? = nil,
                             requireTags: Bool = true) throws -> TaggedCorpus {
        try parse(TaggedTextScanner(bytes: bytes, file: file), format: format, tagColumn: tagColumn, requireTags: requireTags)
    }

    /// Reads a CoNLL-U file keeping it line for line, to write tags back into it.
    public static func readCoNLLU(_ bytes: [UInt8], file: String, tagColumn: TagColumn = .upos) throws -> (TaggedCorpus, CoNLLUDocument) {
        let (corpus, document) = try CoNLLUReader.read(TaggedTextScanner(bytes: bytes, file: file), tagColumn: tagColumn, keepLines: true)
        return (corpus, document ?? CoNLLUDocument(blocks: []))
    }

    static func parse(_ scanner: TaggedTextScanner, format: TaggedTextFormat, tagColumn: TagColumn?, requireTags: Bool) throws -> TaggedCorpus {
        switch format {
        case .conllu:
            return try CoNLLUReader.read(scanner, tagColumn: tagColumn ?? .upos, keepLines: false).corpus
        case .columns:
            let column: Int?
            switch tagColumn {
            case nil: column = nil
            case .number(let number): column = number
            case .upos, .xpos:
                throw TaggedTextError(file: scanner.file, problem: .mismatch("--tag-column \(tagColumn!) names a CoNLL-U column; give a column number for a column file"))
            }
            return try ColumnFileReader.read(scanner, tagColumn: column, requireTags: requireTags)
        case .text:
            return try PlainTextReader.read(scanner)
        }
    }
}
