/// Strings numbered 0, 1, 2, ... in the order they were first added: the tag set and word
/// vocabularies of the taggers (`symbols[index(of: s)!] == s`).
///
/// ```swift
/// var tags = SymbolTable()
/// tags.add("NOUN")   // 0
/// tags.add("VERB")   // 1
/// tags.add("NOUN")   // 0 again
/// ```
public struct SymbolTable: Equatable, Sendable {
    public private(set) var symbols: [String] = []
    private var indices: [String: Int] = [:]

    public init() {}

    /// A table of `symbols` in this order; duplicates keep their first index.
    public init<S: Sequence>(_ symbols: S) where S.Element == String {
        for symbol in symbols { add(symbol) }
    }

    public var count: Int { symbols.count }

    /// The index of `symbol`, or nil when it was never added.
    public func index(of symbol: String) -> Int? { indices[symbol] }

    public func contains(_ symbol: String) -> Bool { indices[symbol] != nil }

    /// The index of `symbol`, adding it when new.
    @discardableResult
    public mutating func add(_ symbol: String) -> Int {
        if let index = indices[symbol] { return index }
        let index = symbols.count
        symbols.append(symbol)
        indices[symbol] = index
        return index
    }

    public subscript(index: Int) -> String { symbols[index] }
}
