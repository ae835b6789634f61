/// Which column of a CoNLL-U or column file holds the tag: UPOS (column 4 of CoNLL-U), XPOS
/// (column 5) or a 1-based column number; for column files the default is the last column.
public enum TagColumn: Equatable, Sendable, CustomStringConvertible {
    case upos
    case xpos
    case number(Int)

    /// `upos`, `xpos` or a positive column number.
    public init?(_ text: String) {
        switch text.lowercased() {
        case "upos": self = .upos
        case "xpos": self = .xpos
        default:
            guard let number = Int(text), number >= 1 else { return nil }
            self = .number(number)
        }
    }

    /// The 1-based column number in a CoNLL-U file.
    public var conlluColumn: Int {
        switch self {
        case .upos: 4
        case .xpos: 5
        case .number(let number): number
        }
    }

    public var description: String {
        switch self {
        case .upos: "upos"
        case .xpos: "xpos"
        case .number(let number): String(number)
        }
    }
}
