/// A JSON value from a safetensors header. Objects keep their members in file order, and numbers
/// keep their text, so the reader can tell `2`, `2.0`, `-2` and `1e400` apart.
///
/// A parser of its own (rather than `JSONSerialization`) because the format forbids duplicate
/// keys, which `JSONSerialization` silently merges, and because a hostile header must produce an
/// error with a position, never a crash or a huge allocation: nesting depth is capped so deep
/// input cannot overflow the stack; containers deeper than a tensor's shape array (which the
/// reader never looks at) are checked but not kept; and kept arrays are capped in length, so
/// a 100 MB header cannot turn into gigabytes of values.
indirect enum SafeTensorsHeaderJSON {
    case object([(key: String, value: SafeTensorsHeaderJSON)])
    case array([SafeTensorsHeaderJSON])
    case string(String)
    case number(String)
    case bool(Bool)
    case null
    /// A well-formed container nested too deep for the reader to need it, not kept.
    case skipped(isObject: Bool)

    /// How the value reads in an error message: `"F32"`, `2.5`, `an object`, `an array of 1 element`.
    var summary: String {
        switch self {
        case .object: "an object"
        case .array(let elements): "an array of \(elements.count) element\(elements.count == 1 ? "" : "s")"
        case .string(let text): quotedForMessage(text)
        case .number(let text): text.count > 40 ? String(text.prefix(40)) + "…" : text
        case .bool(let value): "\(value)"
        case .null: "null"
        case .skipped(let isObject): isObject ? "an object" : "an array"
        }
    }

    /// The value as a non-negative integer that fits in `UInt64`: nil for anything else,
    /// including `2.0`, `1e3` and `-0`.
    var nonNegativeInteger: UInt64? {
        guard case .number(let text) = self else { return nil }
        return UInt64(text)
    }
}

/// Parses the bytes of a safetensors header (already checked to be UTF-8) into a
/// ``SafeTensorsHeaderJSON``, following RFC 8259 strictly: no trailing commas, no comments,
/// control characters escaped, surrogate escapes paired.
struct SafeTensorsHeaderJSONParser {
    /// A syntax error at byte `offset` of the header, or a duplicate key at nesting `depth`
    /// (1 for the top-level object).
    struct Failure: Error {
        enum Kind {
            case syntax(expected: String)
            case duplicateKey(String, depth: Int)
            /// Valid JSON beyond what a safetensors header can reasonably hold.
            case limit(String)
        }
        let offset: Int
        let kind: Kind
    }

    static let maximumDepth = 64
    /// Containers at this depth or above are kept: 1 the header, 2 an entry, 3 a shape.
    static let keptDepth = 3
    /// The longest kept array: far above any tensor's rank.
    static let maximumKeptArrayLength = 1024

    private let bytes: UnsafeRawBufferPointer
    private var index = 0
    private var depth = 0
    private var scratch: [UInt8] = []

    /// The value in `bytes`, which may be followed only by whitespace.
    static func parse(_ bytes: UnsafeRawBufferPointer) throws(Failure) -> SafeTensorsHeaderJSON {
        var parser = SafeTensorsHeaderJSONParser(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.parseValue()
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw parser.syntaxError("expected the end of the header after the JSON value") }
        return value
    }

    private init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    // MARK: - Values

    private mutating func parseValue() throws(Failure) -> SafeTensorsHeaderJSON {
        guard index < bytes.count else { throw syntaxError("expected a value, found the end of the header") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        default: throw syntaxError("expected a value (object, array, string, number, true, false or null)")
        }
    }

    private mutating func parseObject() throws(Failure) -> SafeTensorsHeaderJSON {
        try enterContainer()
        let keep = depth <= Self.keptDepth
        index += 1  // {
        var members: [(key: String, value: SafeTensorsHeaderJSON)] = []
        var seen = Set<String>()
        skipWhitespace()
        if consume(UInt8(ascii: "}")) {
            depth -= 1
            return keep ? .object(members) : .skipped(isObject: true)
        }
        while true {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw syntaxError("expected a string key") }
            let keyOffset = index
            let key = try parseString()
            guard seen.insert(key).inserted else { throw Failure(offset: keyOffset, kind: .duplicateKey(key, depth: depth)) }
            skipWhitespace()
            guard consume(UInt8(ascii: ":")) else { throw syntaxError("expected ':' after the key") }
            skipWhitespace()
            let value = try parseValue()
            if keep { members.append((key, value)) }
            skipWhitespace()
            if consume(UInt8(ascii: ",")) {
                skipWhitespace()
                continue
            }
            guard consume(UInt8(ascii: "}")) else { throw syntaxError("expected ',' or '}' after an object member") }
            depth -= 1
            return keep ? .object(members) : .skipped(isObject: true)
        }
    }

    private mutating func parseArray() throws(Failure) -> SafeTensorsHeaderJSON {
        try enterContainer()
        let keep = depth <= Self.keptDepth
        let start = index
        index += 1  // [
        var elements: [SafeTensorsHeaderJSON] = []
        skipWhitespace()
        if consume(UInt8(ascii: "]")) {
            depth -= 1
            return keep ? .array(elements) : .skipped(isObject: false)
        }
        while true {
            let element = try parseValue()
            if keep {
                guard elements.count < Self.maximumKeptArrayLength else {
                    throw Failure(offset: start, kind: .limit("an array longer than \(Self.maximumKeptArrayLength) elements"))
                }
                elements.append(element)
            }
            skipWhitespace()
            if consume(UInt8(ascii: ",")) {
                skipWhitespace()
                continue
            }
            guard consume(UInt8(ascii: "]")) else { throw syntaxError("expected ',' or ']' after an array element") }
            depth -= 1
            return keep ? .array(elements) : .skipped(isObject: false)
        }
    }

    private mutating func enterContainer() throws(Failure) {
        depth += 1
        if depth > Self.maximumDepth { throw Failure(offset: index, kind: .limit("nesting deeper than \(Self.maximumDepth) levels")) }
    }

    // MARK: - Strings

    private mutating func parseString() throws(Failure) -> String {
        let openingQuote = index
        index += 1
        scratch.removeAll(keepingCapacity: true)
        var runStart = index
        while true {
            guard index < bytes.count else {
                index = openingQuote
                throw syntaxError("unterminated string")
            }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[runStart..<index]))
                index += 1
                return String(decoding: scratch, as: UTF8.self)
            }
            if byte < 0x20 { throw syntaxError("control character U+\(hex4(UInt32(byte))) in a string must be escaped") }
            if byte == UInt8(ascii: "\\") {
                scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[runStart..<index]))
                try parseEscape()
                runStart = index
                continue
            }
            index += 1
        }
    }

    private mutating func parseEscape() throws(Failure) {
        index += 1  // backslash
        guard index < bytes.count else { throw syntaxError("unterminated escape") }
        let letter = bytes[index]
        index += 1
        switch letter {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(letter)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"):
            var value = try parseHex4()
            if (0xDC00...0xDFFF).contains(value) { throw syntaxError("unpaired low surrogate \\u\(hex4(value))") }
            if (0xD800...0xDBFF).contains(value) {
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                    throw syntaxError("high surrogate \\u\(hex4(value)) must be followed by a low surrogate escape")
                }
                index += 2
                let low = try parseHex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw syntaxError("expected a low surrogate after \\u\(hex4(value))") }
                value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
            }
            // Surrogates were excluded above, so the value is a scalar.
            if let scalar = Unicode.Scalar(value) {
                UTF8.encode(scalar) { scratch.append($0) }
            }
        default:
            index -= 1
            throw syntaxError("invalid escape '\\\(Character(Unicode.Scalar(letter)))'")
        }
    }

    private mutating func parseHex4() throws(Failure) -> UInt32 {
        guard index + 4 <= bytes.count else { throw syntaxError("expected four hexadecimal digits after \\u") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw syntaxError("expected four hexadecimal digits after \\u")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    private func hex4(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    // MARK: - Numbers and literals

    /// RFC 8259: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    private mutating func parseNumber() throws(Failure) -> String {
        let start = index
        _ = consume(UInt8(ascii: "-"))
        if consume(UInt8(ascii: "0")) {
            // A leading zero stands alone.
        } else if digits() == 0 {
            throw syntaxError("expected a digit")
        }
        if consume(UInt8(ascii: ".")), digits() == 0 { throw syntaxError("expected a digit after the decimal point") }
        if consume(UInt8(ascii: "e")) || consume(UInt8(ascii: "E")) {
            if !consume(UInt8(ascii: "+")) { _ = consume(UInt8(ascii: "-")) }
            if digits() == 0 { throw syntaxError("expected a digit in the exponent") }
        }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
    }

    private mutating func digits() -> Int {
        let start = index
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
        return index - start
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(Failure) {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count,
              literal.withUTF8Buffer({ expected in expected.elementsEqual(UnsafeRawBufferPointer(rebasing: bytes[index..<index + count])) })
        else { throw syntaxError("expected a value (object, array, string, number, true, false or null)") }
        index += count
    }

    // MARK: - Helpers

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    private func syntaxError(_ expected: String) -> Failure {
        Failure(offset: index, kind: .syntax(expected: expected))
    }
}
