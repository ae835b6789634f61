/// Spelling features of a word, for taggers that must guess unknown words.
public enum WordShape {
    /// The word with uppercase letters as `X`, lowercase as `x`, digits as `d`, other characters
    /// kept, and runs of the same class collapsed: `Al-Zaman` → `Xx-Xx`, `1990s` → `dx`,
    /// `U.S.` → `X.X.`.
    public static func shape(_ word: String) -> String {
        var result = String.UnicodeScalarView()
        var last: Unicode.Scalar?
        for scalar in word.unicodeScalars {
            let mapped: Unicode.Scalar
            let properties = scalar.properties
            if properties.isUppercase {
                mapped = "X"
            } else if properties.isLowercase {
                mapped = "x"
            } else if properties.numericType == .decimal {
                mapped = "d"
            } else if properties.isAlphabetic {
                mapped = "x"  // letters without case (CJK, Arabic...)
            } else {
                mapped = scalar
            }
            if mapped != last { result.append(mapped) }
            last = mapped
        }
        return String(result)
    }

    /// A coarse class used to pick the suffix model for an unknown word.
    public enum Class: Int, CaseIterable, Codable, Sendable {
        /// Contains a digit.
        case number
        /// Starts with an uppercase letter.
        case capitalized
        /// Has letters, the first one lowercase (or uncased).
        case lowercase
        /// No letters or digits: punctuation and symbols.
        case symbol
        /// A web or e-mail address (`@`, `://` or a leading `www.`).
        case address
    }

    public static func wordClass(_ word: String) -> Class {
        if word.contains("@") || word.contains("://") || word.lowercased().hasPrefix("www.") { return .address }
        if word.unicodeScalars.contains(where: { $0.properties.numericType == .decimal }) { return .number }
        guard let letter = word.unicodeScalars.first(where: { $0.properties.isAlphabetic }) else { return .symbol }
        return letter.properties.isUppercase ? .capitalized : .lowercase
    }

    /// Boolean spelling features of a word, as short names: `digits` (only digits), `has_digit`,
    /// `upper` (all letters uppercase), `title` (first uppercase, then lowercase), `hyphen`,
    /// `no_alnum` (no letter or digit).
    public static func flags(_ word: String) -> [String] {
        var flags: [String] = []
        let scalars = Array(word.unicodeScalars)
        let digits = scalars.filter { $0.properties.numericType == .decimal }.count
        let letters = scalars.filter { $0.properties.isAlphabetic }
        if digits == scalars.count, !scalars.isEmpty { flags.append("digits") } else if digits > 0 { flags.append("has_digit") }
        if !letters.isEmpty {
            if letters.allSatisfy({ $0.properties.isUppercase }) {
                flags.append("upper")
            } else if let first = scalars.first, first.properties.isUppercase, scalars.dropFirst().allSatisfy({ !$0.properties.isUppercase }) {
                flags.append("title")
            }
        }
        if scalars.contains("-") { flags.append("hyphen") }
        if digits == 0, letters.isEmpty { flags.append("no_alnum") }
        return flags
    }
}
