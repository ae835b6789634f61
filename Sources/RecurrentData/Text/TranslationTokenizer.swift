/// The word tokenization of translation text, and its inverse: a small, documented rule set that
/// splits punctuation off words and puts it back.
///
/// Tokenizing a line:
/// 1. Lower-case it first when ``lowercases`` (Unicode's full lower-casing, locale-independent).
/// 2. Split it on whitespace (Unicode's White_Space).
/// 3. Cut each piece into tokens: a *word* is a run of letters, combining marks and digits that
///    may continue across one apostrophe (`'` or `’`) or hyphen between two word characters
///    (`don't`, `t-shirt`, `o’clock`), and across one `.` or `,` between two digits (`3.5`,
///    `1,000`). Every other character is a token of its own (`.`, `,`, `!`, `"`, `(`, `€`, …).
///
/// ```
/// Two young, White males are outside near many bushes.
/// Two | young | , | White | males | are | outside | near | many | bushes | .
/// ```
///
/// Detokenizing joins the tokens with single spaces, except that no space goes before closing
/// punctuation (`. , ! ? ; : % ) ] } » …`), after opening punctuation (`( [ { « ¿ ¡ $ £`),
/// or on either side of `/`; quotes alternate: `"` and `'` open
/// (no space after) and then close (no space before), `„` and `“` open, `”` closes, and `“`
/// closes a `„`. For ordinary text, detokenizing the tokens of a line gives the line back
/// (with whitespace runs as single spaces); on Multi30k's validation text that holds for most
/// lines (docs/seq2seq.md gives the rate).
public struct TranslationTokenizer: Codable, Equatable, Sendable {
    /// Whether text is lower-cased before it is cut.
    public var lowercases: Bool

    public init(lowercases: Bool = false) {
        self.lowercases = lowercases
    }

    /// The tokens of one line (of any text: line breaks are whitespace).
    public func tokens(_ text: String) -> [String] {
        let scalars = Array((lowercases ? text.lowercased() : text).unicodeScalars)
        var tokens: [String] = []
        var word = String.UnicodeScalarView()
        func flush() {
            if !word.isEmpty {
                tokens.append(String(word))
                word.removeAll(keepingCapacity: true)
            }
        }
        for (index, scalar) in scalars.enumerated() {
            if Self.isWordCharacter(scalar) {
                word.append(scalar)
            } else if !word.isEmpty, index + 1 < scalars.count, Self.joins(scalar, after: scalars[index - 1], before: scalars[index + 1]) {
                word.append(scalar)
            } else {
                flush()
                if !scalar.properties.isWhitespace { tokens.append(String(scalar)) }
            }
        }
        flush()
        return tokens
    }

    /// The text of tokens: see the type's documentation for where spaces go.
    public static func detokenize(_ tokens: [String]) -> String {
        var text = ""
        var previousAttachesToNext = true  // no space at the start
        var openQuotes: [String: Bool] = [:]  // for " and ': whether one is open
        var lowGermanQuoteOpen = false
        for token in tokens {
            var attachesToPrevious = closing.contains(token) || token == "/"
            var attachesToNext = opening.contains(token) || token == "/"
            switch token {
            case "\"", "'":
                let isOpen = openQuotes[token] ?? false
                if isOpen { attachesToPrevious = true } else { attachesToNext = true }
                openQuotes[token] = !isOpen
            case "„":
                attachesToNext = true
                lowGermanQuoteOpen = true
            case "“":
                if lowGermanQuoteOpen {
                    attachesToPrevious = true
                    lowGermanQuoteOpen = false
                } else {
                    attachesToNext = true
                }
            case "”":
                attachesToPrevious = true
            default:
                break
            }
            if !(previousAttachesToNext || attachesToPrevious) { text += " " }
            text += token
            previousAttachesToNext = attachesToNext
        }
        return text
    }

    /// Punctuation written against the token before it.
    static let closing: Set<String> = [".", ",", "!", "?", ";", ":", "%", ")", "]", "}", "»", "…"]
    /// Punctuation written against the token after it.
    static let opening: Set<String> = ["(", "[", "{", "«", "¿", "¡", "$", "£"]

    static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        if properties.isAlphabetic { return true }
        switch properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber, .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    /// Whether `scalar` stays inside a word between `previous` and `next`.
    static func joins(_ scalar: Unicode.Scalar, after previous: Unicode.Scalar, before next: Unicode.Scalar) -> Bool {
        switch scalar {
        case "'", "’", "-": return isWordCharacter(previous) && isWordCharacter(next)
        case ".", ",": return isDigit(previous) && isDigit(next)
        default: return false
        }
    }

    static func isDigit(_ scalar: Unicode.Scalar) -> Bool { scalar.properties.generalCategory == .decimalNumber }
}
