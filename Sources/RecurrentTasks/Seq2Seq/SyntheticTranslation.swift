import RecurrentData
import RecurrentTensor

/// Synthetic sequence-to-sequence tasks over the ten symbols `0`…`9`, generated on the fly, for
/// tests and teaching: each example is a line of space-separated symbols and its answer.
///
/// | task | source | target |
/// |---|---|---|
/// | `copy` | `3 1 4 1 5` | `3 1 4 1 5` |
/// | `reverse` | `3 1 4 1 5` | `5 1 4 1 3` |
/// | `sort` | `3 1 4 1 5` | `1 1 3 4 5` |
/// | `add` | `4 0 7 + 9 5` | `5 0 2` (each number of a…b digits, no leading zeros) |
///
/// For copy, reverse and sort the length is drawn uniformly from a…b.
public enum SyntheticTranslation: String, Codable, Sendable, CaseIterable {
    case copy, reverse, sort, add

    /// Every token the task's lines hold: the digits, and `+` for addition.
    public var symbols: [String] { (0...9).map(String.init) + (self == .add ? ["+"] : []) }

    /// One example with a length (or, for `add`, digit counts) in `lengths`.
    public func example(lengths: ClosedRange<Int>, generator: inout RandomGenerator) -> (source: [String], target: [String]) {
        func digits(_ count: Int, leadingZero: Bool) -> [Int] {
            (0..<count).map { index in index == 0 && !leadingZero && count > 1 ? 1 + generator.nextInt(below: 9) : generator.nextInt(below: 10) }
        }
        func length() -> Int { lengths.lowerBound + generator.nextInt(below: lengths.count) }
        switch self {
        case .copy, .reverse, .sort:
            let source = digits(length(), leadingZero: true)
            let target = self == .copy ? source : self == .reverse ? source.reversed() : source.sorted()
            return (source.map(String.init), target.map(String.init))
        case .add:
            let first = digits(length(), leadingZero: false), second = digits(length(), leadingZero: false)
            return (first.map(String.init) + ["+"] + second.map(String.init), Self.sum(first, second).map(String.init))
        }
    }

    /// `count` examples as lines of text.
    public func lines(count: Int, lengths: ClosedRange<Int>, generator: inout RandomGenerator) -> (sources: [String], targets: [String]) {
        var sources: [String] = [], targets: [String] = []
        for _ in 0..<count {
            let (source, target) = example(lengths: lengths, generator: &generator)
            sources.append(source.joined(separator: " "))
            targets.append(target.joined(separator: " "))
        }
        return (sources, targets)
    }

    /// The digits of the sum of two numbers given as digits, most significant first.
    static func sum(_ first: [Int], _ second: [Int]) -> [Int] {
        var result: [Int] = [], carry = 0
        var (a, b) = (Array(first.reversed()), Array(second.reversed()))
        let count = Swift.max(a.count, b.count)
        a += [Int](repeating: 0, count: count - a.count)
        b += [Int](repeating: 0, count: count - b.count)
        for index in 0..<count {
            let total = a[index] + b[index] + carry
            result.append(total % 10)
            carry = total / 10
        }
        if carry > 0 { result.append(carry) }
        while result.count > 1 && result.last == 0 { result.removeLast() }
        return result.reversed()
    }

    /// The vocabulary of the task: the special tokens, then its symbols.
    public var vocabulary: Vocabulary {
        // The symbols are distinct and contain no whitespace, so this cannot fail.
        (try? Vocabulary(level: .word, tokens: Vocabulary.sentenceSpecials + symbols))!
    }
}
