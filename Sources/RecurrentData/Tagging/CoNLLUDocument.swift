/// A CoNLL-U file kept line for line, so that tags predicted for its words can be written back
/// into it: comments, multiword ranges, empty nodes and every other column stay as they were.
///
/// Each sentence block keeps its lines and which of them are words (the lines a tagger tags).
public struct CoNLLUDocument: Sendable {
    public struct Block: Sendable {
        /// The block's lines, comments included, without line endings.
        public var lines: [String]
        /// The indices in `lines` of the word lines, in word order.
        public var wordLines: [Int]
    }

    public var blocks: [Block]

    /// The document with column `column` (1-based) of every word line set to its sentence's
    /// tag, one tag list per block, as CoNLL-U text (a blank line after every sentence).
    public func filling(column: Int, with tags: [[String]]) throws -> String {
        guard tags.count == blocks.count else {
            throw TaggedTextError(file: "<output>", problem: .mismatch("expected tags for \(blocks.count) sentences, got \(tags.count)"))
        }
        var text = ""
        for (block, sentenceTags) in zip(blocks, tags) {
            guard sentenceTags.count == block.wordLines.count else {
                throw TaggedTextError(file: "<output>", problem: .mismatch("expected \(block.wordLines.count) tags for a sentence, got \(sentenceTags.count)"))
            }
            var lines = block.lines
            for (lineIndex, tag) in zip(block.wordLines, sentenceTags) {
                var fields = lines[lineIndex].split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
                if column - 1 < fields.count { fields[column - 1] = tag }
                lines[lineIndex] = fields.joined(separator: "\t")
            }
            for line in lines { text += line + "\n" }
            text += "\n"
        }
        return text
    }
}
