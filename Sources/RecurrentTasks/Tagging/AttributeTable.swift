/// The attributes (observation features such as `w=dog` or `s3=ing`) a tagger knows, numbered
/// in the order they were first seen. While a model trains, the table grows; a trained model's
/// table is frozen, and an attribute it never saw has no index.
public struct AttributeTable: Sendable {
    public private(set) var strings: [String] = []
    private var indices: [String: Int32] = [:]
    public var isFrozen: Bool

    public init(frozen: Bool = false) {
        isFrozen = frozen
    }

    /// A frozen table of `strings` in this order; nil when one repeats.
    public init?(frozen strings: [String]) {
        isFrozen = true
        indices.reserveCapacity(strings.count)
        for (index, string) in strings.enumerated() {
            guard indices.updateValue(Int32(index), forKey: string) == nil else { return nil }
        }
        self.strings = strings
    }

    public var count: Int { strings.count }

    /// The index of `attribute`, adding it unless the table is frozen; -1 when unknown to a
    /// frozen table.
    public mutating func index(of attribute: String) -> Int32 {
        if let index = indices[attribute] { return index }
        guard !isFrozen else { return -1 }
        let index = Int32(strings.count)
        strings.append(attribute)
        indices[attribute] = index
        return index
    }
}
