/// Estimates how wide a line of text will be drawn, so labels, margins and legends can be laid
/// out without a font engine.
///
/// The widths are DejaVu Sans's (the first font ``SVGDocument`` asks for, and the widest of the
/// ones it names), grouped by shape, in ems. Estimates err on the wide side so a label never
/// runs into its neighbour.
public enum TextMetrics {
    /// The estimated width of `text` at font size `size` (pixels).
    public static func width(of text: String, size: Double) -> Double {
        var ems = 0.0
        for character in text { ems += width(of: character) }
        return ems * size
    }

    static func width(of character: Character) -> Double {
        switch character {
        case " ", ".", ",", ":", ";", "'", "!", "|", "i", "j", "l": return 0.32
        case "(", ")", "[", "]", "f", "t", "r", "-", "/": return 0.42
        case "m", "w", "M", "W", "%", "\u{2014}": return 0.98
        case "0"..."9", "+", "=", "<", ">", "\u{00D7}", "\u{2212}": return 0.64
        case "a"..."z": return 0.62
        case "A"..."Z": return 0.74
        case "\u{2070}"..."\u{209F}", "\u{00B2}", "\u{00B3}", "\u{00B9}": return 0.42  // superscript digits and signs
        default: return 0.7
        }
    }
}
