/// Which observation attributes the feature-based taggers (CRF, perceptron) extract for each
/// token, CRFsuite-style. For the token at position t with word w:
///
/// | attribute | example for `Zaman` in `Al - Zaman :` |
/// |---|---|
/// | `bias` | always on: a per-tag bias |
/// | `w=` the word, `l=` lower-cased | `w=Zaman`, `l=zaman` |
/// | `p1=`…`p4=` prefixes, `s1=`…`s4=` suffixes (up to `affixLength` characters) | `p2=Za`, `s3=man` |
/// | `shape=` (``WordShape/shape(_:)``) and flags (`digits`, `has_digit`, `upper`, `title`, `hyphen`, `no_alnum`) | `shape=Xx`, `title` |
/// | `w-2=` … `w+2=`: neighbouring words, lower-cased, `<s>`/`</s>` past the edges (`window`) | `w-1=-`, `w+1=:` |
/// | `s3-1=`, `s3+1=`: the neighbours' 3-letter suffixes (`neighbourSuffixes`) | `s3-1=-` |
/// | `w-1|w=`, `w|w+1=`: word pairs, lower-cased (`wordPairs`) | `w-1|w=-|zaman` |
public struct FeatureTemplates: Codable, Equatable, Sendable {
    public var affixLength = 4
    public var window = 2
    public var neighbourSuffixes = true
    public var wordPairs = true

    public init() {}

    /// The attributes of `word` itself (position 0).
    func localAttributes(of word: String) -> [String] {
        let lower = word.lowercased()
        var result = ["bias", "w=" + word, "l=" + lower]
        let characters = Array(word)
        for length in stride(from: 1, through: min(affixLength, characters.count), by: 1) {
            result.append("p\(length)=" + String(characters.prefix(length)))
            result.append("s\(length)=" + String(characters.suffix(length)))
        }
        result.append("shape=" + WordShape.shape(word))
        result += WordShape.flags(word)
        return result
    }

    /// The offsets of neighbouring words: -window … -1, 1 … window.
    var neighbourOffsets: [Int] { Array((-window)..<0) + Array(1...max(window, 1)).filter { _ in window > 0 } }
}
