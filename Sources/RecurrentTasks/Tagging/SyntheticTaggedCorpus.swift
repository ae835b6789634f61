import RecurrentData
import RecurrentTensor

/// A small made-up tagged language, for tests and benchmarks that must not depend on real data:
/// sentences such as `the big dog quickly chases a cat .` from a tiny grammar
/// (DET ADJ* NOUN [ADV] VERB DET NOUN [ADP DET NOUN] PUNCT), with ambiguous words (`runs` is a
/// NOUN or a VERB) and made-up words whose suffix gives their tag away (`-ly` adverbs,
/// `-ness` nouns, `-ize` verbs), so unknown words can be guessed.
public enum SyntheticTaggedCorpus {
    static let determiners = ["the", "a", "every", "some", "this"]
    static let adjectives = ["big", "small", "red", "old", "happy", "quiet"]
    static let nouns = ["dog", "cat", "house", "tree", "man", "woman", "runs", "walks", "garden", "river"]
    static let verbs = ["sees", "chases", "likes", "runs", "walks", "finds", "keeps"]
    static let adverbs = ["quickly", "slowly", "often", "never"]
    static let prepositions = ["in", "near", "under", "with"]
    static let stems = ["blor", "frim", "gast", "quon", "zell", "mav", "trisk", "plon", "vend", "hox", "drell", "sarp"]

    /// `count` sentences drawn with `seed`.
    public static func make(sentences count: Int, seed: UInt64, file: String = "<synthetic>") -> TaggedCorpus {
        var generator = RandomGenerator(seed: seed)
        func pick(_ words: [String]) -> String { words[generator.nextInt(below: words.count)] }
        func invented(_ suffix: String) -> String { pick(stems) + pick(stems).prefix(2) + suffix }
        var sentences: [TaggedSentence] = []
        for _ in 0..<count {
            var words: [String] = [], tags: [String] = []
            func add(_ word: String, _ tag: String) { words.append(word); tags.append(tag) }
            func nounPhrase() {
                add(pick(determiners), "DET")
                for _ in 0..<generator.nextInt(below: 3) { add(pick(adjectives), "ADJ") }
                generator.nextInt(below: 5) == 0 ? add(invented("ness"), "NOUN") : add(pick(nouns), "NOUN")
            }
            nounPhrase()
            if generator.nextInt(below: 3) == 0 { generator.nextInt(below: 3) == 0 ? add(invented("ly"), "ADV") : add(pick(adverbs), "ADV") }
            generator.nextInt(below: 6) == 0 ? add(invented("izes"), "VERB") : add(pick(verbs), "VERB")
            nounPhrase()
            if generator.nextInt(below: 2) == 0 {
                add(pick(prepositions), "ADP")
                nounPhrase()
            }
            add(".", "PUNCT")
            if let first = words.first { words[0] = first.prefix(1).uppercased() + first.dropFirst() }
            sentences.append(TaggedSentence(words: words, tags: tags))
        }
        return TaggedCorpus(file: file, sentences: sentences)
    }

    /// The corpus as a column file (`word TAG` lines, a blank line after each sentence).
    public static func columnText(_ corpus: TaggedCorpus) -> String {
        corpus.sentences.map { sentence in zip(sentence.words, sentence.tags).map { "\($0) \($1)\n" }.joined() + "\n" }.joined()
    }
}
