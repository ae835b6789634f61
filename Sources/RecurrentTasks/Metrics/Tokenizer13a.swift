/// The tokenization BLEU is computed on by default in sacreBLEU and WMT's `mteval-v13a.pl`
/// ("13a"), reproduced step by step from sacreBLEU 2's `Tokenizer13a` and `TokenizerRegexp`,
/// on Unicode scalars as Python works on code points:
///
/// 1. remove `<skipped>`; remove `-` + line break; a line break becomes a space;
/// 2. when the line holds `&`: `&quot;` → `"`, `&amp;` → `&`, `&lt;` → `<`, `&gt;` → `>`, in that order;
/// 3. pad with a space on each side, then four regular-expression substitutions, each scanning
///    left to right without overlapping matches as Python's `re.sub` does:
///    - every ASCII character of ``isolated`` (`{|}~[\]^_`` ` `` !"#$%&()*+:;<=>?@/` and space)
///      gets a space on each side;
///    - a `.` or `,` after a non-digit: `X.` → `X . `;
///    - a `.` or `,` before a non-digit: `.X` → ` . X`;
///    - a `-` after a digit: `9-` → `9 - `;
/// 4. split on whitespace (Python's `str.split()`) and join with single spaces.
///
/// Apostrophes and hyphens between letters stay inside words, and `.` and `,` between digits
/// (`3.5`, `1,000`) stay inside numbers.
public enum Tokenizer13a {
    /// The tokens of one segment.
    public static func tokens(_ line: String) -> [String] {
        var text = line.replacingAll("<skipped>", with: "").replacingAll("-\n", with: "").replacingAll("\n", with: " ")
        if text.unicodeScalars.contains("&") {
            text = text.replacingAll("&quot;", with: "\"").replacingAll("&amp;", with: "&")
                .replacingAll("&lt;", with: "<").replacingAll("&gt;", with: ">")
        }
        var scalars: [Unicode.Scalar] = [" "] + Array(text.unicodeScalars) + [" "]
        // ([\{-\~\[-\` -\&\(-\+\:-\@\/]) → ' \1 '
        var padded: [Unicode.Scalar] = []
        padded.reserveCapacity(scalars.count * 2)
        for scalar in scalars {
            if isolated(scalar) { padded += [" ", scalar, " "] } else { padded.append(scalar) }
        }
        scalars = padded
        // ([^0-9])([\.,]) → '\1 \2 '
        scalars = substitutePairs(scalars, first: { !isASCIIDigit($0) }, second: isPeriodOrComma) { [$0, " ", $1, " "] }
        // ([\.,])([^0-9]) → ' \1 \2'
        scalars = substitutePairs(scalars, first: isPeriodOrComma, second: { !isASCIIDigit($0) }) { [" ", $0, " ", $1] }
        // ([0-9])(-) → '\1 \2 '
        scalars = substitutePairs(scalars, first: isASCIIDigit, second: { $0 == "-" }) { [$0, " ", $1, " "] }
        return PythonText.split(scalars)
    }

    /// The tokenized segment, tokens joined by single spaces (what sacreBLEU's tokenizer returns).
    public static func tokenize(_ line: String) -> String { tokens(line).joined(separator: " ") }

    /// `[\{-\~\[-\` -\&\(-\+\:-\@\/]`: the ranges `{`…`~`, `[`…`` ` ``, space…`&`, `(`…`+`, `:`…`@`, and `/`.
    static func isolated(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x7B...0x7E, 0x5B...0x60, 0x20...0x26, 0x28...0x2B, 0x3A...0x40, 0x2F: return true
        default: return false
        }
    }

    static func isASCIIDigit(_ scalar: Unicode.Scalar) -> Bool { scalar.value >= 0x30 && scalar.value <= 0x39 }
    static func isPeriodOrComma(_ scalar: Unicode.Scalar) -> Bool { scalar == "." || scalar == "," }

    /// `re.sub` of a two-character pattern: scanning from the left, each position where `first`
    /// and then `second` match is replaced and scanning resumes after the pair.
    static func substitutePairs(_ scalars: [Unicode.Scalar], first: (Unicode.Scalar) -> Bool, second: (Unicode.Scalar) -> Bool,
                                replacement: (Unicode.Scalar, Unicode.Scalar) -> [Unicode.Scalar]) -> [Unicode.Scalar] {
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(scalars.count + scalars.count / 4)
        var index = 0
        while index < scalars.count {
            if index + 1 < scalars.count, first(scalars[index]), second(scalars[index + 1]) {
                result += replacement(scalars[index], scalars[index + 1])
                index += 2
            } else {
                result.append(scalars[index])
                index += 1
            }
        }
        return result
    }
}

/// The few Python `str` operations BLEU's definition rests on, for code points.
public enum PythonText {
    /// Whether Python's `str.isspace()` holds: Unicode White_Space plus the information
    /// separators U+001C…U+001F, which Python also splits on.
    public static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        (0x1C...0x1F).contains(scalar.value) || scalar.properties.isWhitespace
    }

    /// `str.split()`: the runs of non-whitespace.
    public static func split(_ scalars: [Unicode.Scalar]) -> [String] {
        var words: [String] = []
        var word = String.UnicodeScalarView()
        for scalar in scalars {
            if isWhitespace(scalar) {
                if !word.isEmpty { words.append(String(word)); word.removeAll(keepingCapacity: true) }
            } else {
                word.append(scalar)
            }
        }
        if !word.isEmpty { words.append(String(word)) }
        return words
    }

    /// `str.split()` of a string.
    public static func split(_ text: String) -> [String] { split(Array(text.unicodeScalars)) }

    /// `str.rstrip()`: without trailing whitespace.
    public static func rstrip(_ text: String) -> String {
        var scalars = Array(text.unicodeScalars)
        while let last = scalars.last, isWhitespace(last) { scalars.removeLast() }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }

    /// `str.lower()`: each code point's full lower-case mapping, and capital sigma as final sigma
    /// (ς) where it ends a word: after a cased letter and not before one, case-ignorable
    /// characters skipped both ways.
    public static func lower(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var result = String.UnicodeScalarView()
        for (index, scalar) in scalars.enumerated() {
            if scalar == "\u{03A3}" {
                result.append(isFinalSigma(at: index, in: scalars) ? "\u{03C2}" : "\u{03C3}")
            } else {
                result.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            }
        }
        return String(result)
    }

    static func isFinalSigma(at index: Int, in scalars: [Unicode.Scalar]) -> Bool {
        var before = index - 1
        while before >= 0, scalars[before].properties.isCaseIgnorable { before -= 1 }
        guard before >= 0, scalars[before].properties.isCased else { return false }
        var after = index + 1
        while after < scalars.count, scalars[after].properties.isCaseIgnorable { after += 1 }
        return !(after < scalars.count && scalars[after].properties.isCased)
    }
}

extension String {
    /// Every occurrence of `target` replaced, scanning left to right, code point by code point
    /// (Python's `str.replace`; Swift's own string search compares characters, not code points).
    func replacingAll(_ target: String, with replacement: String) -> String {
        let source = Array(unicodeScalars), pattern = Array(target.unicodeScalars)
        var result = String.UnicodeScalarView()
        var index = 0
        while index < source.count {
            if index + pattern.count <= source.count, source[index..<(index + pattern.count)].elementsEqual(pattern) {
                result.append(contentsOf: replacement.unicodeScalars)
                index += pattern.count
            } else {
                result.append(source[index])
                index += 1
            }
        }
        return String(result)
    }
}
