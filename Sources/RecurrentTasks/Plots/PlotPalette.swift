/// Colours and strokes plots share, so every figure the package draws looks alike.
public enum PlotPalette {
    /// Line colours for categories (runs), in order: the Okabe–Ito palette, which stays
    /// distinguishable for readers with the common kinds of colour blindness. Its yellow is left
    /// out (too faint on white); after seven categories the colours repeat.
    public static let categorical = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]

    /// The colour of category `index` (any index; colours repeat).
    public static func color(_ index: Int) -> String {
        categorical[((index % categorical.count) + categorical.count) % categorical.count]
    }

    /// Dashes for a second kind of line of the same colour (validation beside training).
    public static let dashed: [Double] = [7, 4]

    static let text = "#222222"
    static let mutedText = "#555555"
    static let axis = "#444444"
    static let grid = "#E3E3E3"
}
