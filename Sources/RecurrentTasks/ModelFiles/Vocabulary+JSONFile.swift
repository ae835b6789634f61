import Foundation
import RecurrentData

/// A vocabulary's JSON file, as exchanged with PyTorch (`vocab.json`):
///
///     {"level": "char" | "word", "tokens": ["token 0", "token 1", ...]}
extension Vocabulary {
    /// Reads a vocabulary JSON file, with a message naming the file for every way it can be
    /// wrong: unreadable, not JSON, not an object, a missing or unknown key, a level other than
    /// `char` or `word`, a token that is not a string, duplicate or malformed tokens.
    ///
    /// - Throws: ``TextFileError`` when the file cannot be read as UTF-8 text, otherwise
    ///   ``ModelFileError``.
    public init(contentsOfJSONFile path: String) throws {
        func failure(_ problem: String) -> ModelFileError { ModelFileError(path: path, problem: problem) }
        let expected = "expected {\"level\": \"char\" or \"word\", \"tokens\": [strings]}"
        let text = try TextFile.read(path)
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) else {
            throw failure("not valid JSON; \(expected)")
        }
        guard let fields = object as? [String: Any] else { throw failure("the JSON is not an object; \(expected)") }
        if let unknown = fields.keys.sorted().first(where: { $0 != "level" && $0 != "tokens" }) {
            throw failure("unexpected key \(unknown.debugDescription); \(expected)")
        }
        guard let levelValue = fields["level"] else { throw failure("missing key \"level\"; \(expected)") }
        guard let levelName = levelValue as? String, let level = TokenLevel(rawValue: levelName) else {
            throw failure("\"level\" is \(Self.describe(levelValue)), expected \"char\" or \"word\"")
        }
        guard let tokenValues = fields["tokens"] else { throw failure("missing key \"tokens\"; \(expected)") }
        guard let array = tokenValues as? [Any] else { throw failure("\"tokens\" is \(Self.describe(tokenValues)), expected an array of strings") }
        var tokens: [String] = []
        tokens.reserveCapacity(array.count)
        for (index, value) in array.enumerated() {
            guard let token = value as? String else { throw failure("token \(index) is \(Self.describe(value)), expected a string") }
            tokens.append(token)
        }
        do {
            try self.init(level: level, tokens: tokens)
        } catch let error as VocabularyError {
            throw failure(error.description)
        }
    }

    /// The vocabulary as compact JSON, `{"level":"word","tokens":[...]}`.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    private static func describe(_ value: Any) -> String {
        switch value {
        case let text as String: return text.count > 40 ? "a string \(String(text.prefix(40)).debugDescription)…" : text.debugDescription
        case is NSNull: return "null"
        case is [Any]: return "an array"
        case is [String: Any]: return "an object"
        case let number as NSNumber: return "the number or boolean \(number)"
        default: return "\(type(of: value))"
        }
    }
}
