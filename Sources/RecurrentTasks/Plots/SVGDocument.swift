import Foundation

/// A Scalable Vector Graphics drawing built element by element, rendered as a standalone SVG
/// 1.1 file that browsers, editors and `rsvg-convert` open.
///
/// Every piece of text (labels, titles, colours) is escaped for XML, and characters XML cannot
/// hold at all (control characters) are replaced, so any run name or title gives a valid file.
/// Coordinates are written with at most two decimals: a hundredth of a pixel is invisible and
/// keeps files small.
///
/// ```swift
/// var svg = SVGDocument(width: 200, height: 100)
/// svg.text("loss < 2", at: PlotPoint(x: 100, y: 50), anchor: .middle)
/// try writeAtomically(Data(svg.rendered().utf8), to: "hello.svg")
/// ```
public struct SVGDocument: Sendable {
    public let width: Double
    public let height: Double
    /// The font every text element uses unless it says otherwise.
    public var fontFamily = "DejaVu Sans, Helvetica, Arial, sans-serif"
    private var definitions: [String] = []
    private var elements: [String] = []
    private var clipCount = 0

    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// Where a text's `at` point sits along the text.
    public enum TextAnchor: String, Sendable {
        case start, middle, end
    }

    /// How a stroke is drawn.
    public struct Stroke: Sendable {
        public var color: String
        public var width: Double
        /// Dash and gap lengths in pixels (empty: solid).
        public var dashes: [Double]

        public init(color: String, width: Double = 1, dashes: [Double] = []) {
            self.color = color
            self.width = width
            self.dashes = dashes
        }

        var attributes: String {
            var text = "stroke=\"\(SVGDocument.escaped(color))\" stroke-width=\"\(SVGDocument.number(width))\""
            if !dashes.isEmpty { text += " stroke-dasharray=\"\(dashes.map(SVGDocument.number).joined(separator: " "))\"" }
            return text
        }
    }

    // MARK: - Elements

    /// A rectangle, filled and/or outlined.
    public mutating func rectangle(_ rect: PlotRect, fill: String? = nil, stroke: Stroke? = nil) {
        elements.append("<rect x=\"\(Self.number(rect.x))\" y=\"\(Self.number(rect.y))\" width=\"\(Self.number(rect.width))\" "
                        + "height=\"\(Self.number(rect.height))\" fill=\"\(fill.map(Self.escaped) ?? "none")\""
                        + (stroke.map { " " + $0.attributes } ?? "") + "/>")
    }

    /// A straight line segment.
    public mutating func line(from start: PlotPoint, to end: PlotPoint, stroke: Stroke) {
        elements.append("<line x1=\"\(Self.number(start.x))\" y1=\"\(Self.number(start.y))\" x2=\"\(Self.number(end.x))\" "
                        + "y2=\"\(Self.number(end.y))\" \(stroke.attributes)/>")
    }

    /// An open polyline through `points` (one `<path>` element), clipped to `clip` when given.
    public mutating func polyline(_ points: [PlotPoint], stroke: Stroke, clip: PlotRect? = nil) {
        guard let first = points.first else { return }
        var data = "M\(Self.number(first.x)) \(Self.number(first.y))"
        for point in points.dropFirst() { data += "L\(Self.number(point.x)) \(Self.number(point.y))" }
        elements.append("<path d=\"\(data)\" fill=\"none\" \(stroke.attributes) stroke-linejoin=\"round\" stroke-linecap=\"round\""
                        + clipAttribute(clip) + "/>")
    }

    /// A filled circle.
    public mutating func circle(center: PlotPoint, radius: Double, fill: String, clip: PlotRect? = nil) {
        elements.append("<circle cx=\"\(Self.number(center.x))\" cy=\"\(Self.number(center.y))\" r=\"\(Self.number(radius))\" "
                        + "fill=\"\(Self.escaped(fill))\"" + clipAttribute(clip) + "/>")
    }

    /// One line of text. `at` is on the text's baseline unless `centeredVertically`, in which case
    /// it is at the middle of the text's height; `rotation` turns it (degrees, clockwise) around `at`.
    public mutating func text(_ string: String, at point: PlotPoint, size: Double = 12, anchor: TextAnchor = .start,
                              centeredVertically: Bool = false, rotation: Double = 0, bold: Bool = false,
                              color: String = "#222222") {
        var attributes = "x=\"\(Self.number(point.x))\" y=\"\(Self.number(point.y))\" font-size=\"\(Self.number(size))\""
        if anchor != .start { attributes += " text-anchor=\"\(anchor.rawValue)\"" }
        // dominant-baseline is not applied by every renderer; a shift of 0.35em centres digits and
        // lower-case letters everywhere.
        if centeredVertically { attributes += " dy=\"0.35em\"" }
        if rotation != 0 {
            attributes += " transform=\"rotate(\(Self.number(rotation)) \(Self.number(point.x)) \(Self.number(point.y)))\""
        }
        if bold { attributes += " font-weight=\"bold\"" }
        attributes += " fill=\"\(Self.escaped(color))\""
        elements.append("<text \(attributes)>\(Self.escaped(string))</text>")
    }

    /// The whole file: XML declaration, `<svg>` root with a white background, then the elements
    /// in the order they were added (later ones paint over earlier ones).
    public func rendered() -> String {
        var lines = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
                     "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"\(Self.number(width))\" "
                     + "height=\"\(Self.number(height))\" viewBox=\"0 0 \(Self.number(width)) \(Self.number(height))\" "
                     + "font-family=\"\(Self.escaped(fontFamily))\">"]
        if !definitions.isEmpty { lines.append("<defs>" + definitions.joined() + "</defs>") }
        lines.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>")
        lines += elements
        lines.append("</svg>")
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: - Helpers

    private mutating func clipAttribute(_ clip: PlotRect?) -> String {
        guard let clip else { return "" }
        let name: String
        if let index = clipRectangles.firstIndex(of: clip) {
            name = "clip\(index)"
        } else {
            name = "clip\(clipRectangles.count)"
            clipRectangles.append(clip)
            definitions.append("<clipPath id=\"\(name)\"><rect x=\"\(Self.number(clip.x))\" y=\"\(Self.number(clip.y))\" "
                               + "width=\"\(Self.number(clip.width))\" height=\"\(Self.number(clip.height))\"/></clipPath>")
        }
        return " clip-path=\"url(#\(name))\""
    }

    private var clipRectangles: [PlotRect] = []

    /// `text` made safe inside an XML element or a double-quoted attribute: `& < > " '` become
    /// entities, tab and line breaks become character references, and characters XML 1.0 forbids
    /// (the other C0 controls, U+FFFE, U+FFFF) become U+FFFD.
    public static func escaped(_ text: String) -> String {
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            // As references, so an attribute value keeps them (a parser turns literal ones into spaces).
            case "\t", "\n", "\r": result += "&#\(scalar.value);"
            default:
                let forbidden = scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF
                result.unicodeScalars.append(forbidden ? "\u{FFFD}" : scalar)
            }
        }
        return result
    }

    /// A coordinate with at most two decimals and no trailing zeros (`12`, `12.5`, `-0.25`).
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let rounded = (value * 100).rounded() / 100
        if rounded == rounded.rounded() { return abs(rounded) < 1e15 ? String(Int(rounded)) : String(format: "%.0f", rounded) }
        var text = String(format: "%.2f", rounded)
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }
}
