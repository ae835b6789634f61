import RecurrentData

/// The rows of a neural tagger's two embeddings: words (row 0 padding, row 1 unknown, then the
/// words) and characters (the same two rows first, then the Unicode scalars seen in training).
///
/// Words are looked up by their ``key(_:)``: lower-cased when `lowercase` (the character encoder
/// still sees the case), with every digit turned into `0` when `normalizeDigits`, so `1984` and
/// `2023` share a vector. Characters are Unicode scalars; a word longer than
/// ``maximumCharacters`` keeps its first and last halves (URLs, long numbers), which bounds the
/// character encoder's time loop.
public struct NeuralTaggerVocabulary: Equatable, Sendable {
    public static let padding = 0, unknown = 1
    public static let reserved = ["<pad>", "<unk>"]
    public static let maximumCharacters = 30

    /// Row i of the word embedding is `words[i]` (the first two are ``reserved``).
    public let words: [String]
    /// Row i of the character embedding is `characters[i]` (the first two are ``reserved``).
    public let characters: [String]
    public let lowercase: Bool
    public let normalizeDigits: Bool
    private let wordIndex: [String: Int]
    private let characterIndex: [Unicode.Scalar: Int]

    /// A vocabulary of the given rows (each list starting with ``reserved``).
    public init(words: [String], characters: [String], lowercase: Bool, normalizeDigits: Bool) {
        precondition(Array(words.prefix(2)) == Self.reserved && Array(characters.prefix(2)) == Self.reserved,
                     "NeuralTaggerVocabulary: the lists must start with \(Self.reserved)")
        self.words = words
        self.characters = characters
        self.lowercase = lowercase
        self.normalizeDigits = normalizeDigits
        var wordIndex: [String: Int] = [:]
        for (index, word) in words.enumerated().dropFirst(2) where wordIndex[word] == nil { wordIndex[word] = index }
        self.wordIndex = wordIndex
        var characterIndex: [Unicode.Scalar: Int] = [:]
        for (index, character) in characters.enumerated().dropFirst(2) {
            if let scalar = character.unicodeScalars.first, character.unicodeScalars.count == 1, characterIndex[scalar] == nil {
                characterIndex[scalar] = index
            }
        }
        self.characterIndex = characterIndex
    }

    /// The vocabulary of `corpus`: word keys seen at least `minimumCount` times, most frequent
    /// first (ties in order of appearance), plus `extraWords` (keys of words a pretrained vector
    /// file has), and every character of every word.
    public static func build(from corpus: TaggedCorpus, lowercase: Bool, normalizeDigits: Bool, minimumCount: Int = 1,
                             extraWords: [String] = []) -> NeuralTaggerVocabulary {
        let keyer = NeuralTaggerVocabulary(words: reserved, characters: reserved, lowercase: lowercase, normalizeDigits: normalizeDigits)
        var counts: [String: Int] = [:], order: [String] = []
        var characters = SymbolTable(reserved)
        for sentence in corpus.sentences {
            for word in sentence.words {
                let key = keyer.key(word)
                if counts[key] == nil { order.append(key) }
                counts[key, default: 0] += 1
                for scalar in word.unicodeScalars { characters.add(String(scalar)) }
            }
        }
        let position = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        let frequent = order.filter { counts[$0]! >= minimumCount }.sorted { (counts[$1]!, position[$0]!) < (counts[$0]!, position[$1]!) }
        var words = SymbolTable(reserved + frequent)
        for word in extraWords { words.add(keyer.key(word)) }
        return NeuralTaggerVocabulary(words: words.symbols, characters: characters.symbols, lowercase: lowercase, normalizeDigits: normalizeDigits)
    }

    /// The form a word is looked up by.
    public func key(_ word: String) -> String {
        var key = lowercase ? word.lowercased() : word
        if normalizeDigits, key.unicodeScalars.contains(where: { $0.properties.numericType == .decimal }) {
            key = String(String.UnicodeScalarView(key.unicodeScalars.map { $0.properties.numericType == .decimal ? "0" : $0 }))
        }
        return key
    }

    /// The word embedding row of `word` (``unknown`` for a word not in the vocabulary).
    public func wordRow(_ word: String) -> Int { wordIndex[key(word)] ?? Self.unknown }

    /// The character embedding rows of `word`, at least one (an empty word is one unknown
    /// character) and at most ``maximumCharacters``.
    public func characterRows(_ word: String) -> [Int] {
        var rows = word.unicodeScalars.map { characterIndex[$0] ?? Self.unknown }
        if rows.isEmpty { rows = [Self.unknown] }
        if rows.count > Self.maximumCharacters {
            let half = Self.maximumCharacters / 2
            rows = Array(rows.prefix(half) + rows.suffix(Self.maximumCharacters - half))
        }
        return rows
    }
}
