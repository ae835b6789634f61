/// An attention matrix drawn as a labelled heatmap: one column per source token (labels across
/// the top, turned to read upwards), one row per target token (labels down the left), each cell
/// shaded from white (weight 0) to dark blue (weight 1), with the weight printed in cells of at
/// least 0.5 where there is room. Rows are the decoder's steps, so row i shows what the model
/// looked at to write target token i.
///
/// ```swift
/// let heatmap = AttentionHeatmap(sourceTokens: ["ein", "hund", "</s>"], targetTokens: ["a", "dog", "</s>"], weights: weights)
/// try writeAtomically(Data(heatmap.svg().utf8), to: "attention.svg")
/// ```
public struct AttentionHeatmap: Sendable {
    public var sourceTokens: [String]
    public var targetTokens: [String]
    /// `weights[i][j]`: the weight target token i gave source token j (missing entries are 0).
    public var weights: [[Float]]
    /// The side of one cell, in pixels.
    public var cellSize = 28.0
    public var fontSize = 12.0

    public init(sourceTokens: [String], targetTokens: [String], weights: [[Float]]) {
        self.sourceTokens = sourceTokens
        self.targetTokens = targetTokens
        self.weights = weights
    }

    /// The picture as a standalone SVG file.
    public func svg() -> String {
        let margin = 10.0
        let left = margin + (targetTokens.map { TextMetrics.width(of: $0, size: fontSize) }.max() ?? 0) + 8
        let top = margin + (sourceTokens.map { TextMetrics.width(of: $0, size: fontSize) }.max() ?? 0) + 8
        let (columns, rows) = (sourceTokens.count, targetTokens.count)
        var document = SVGDocument(width: left + Double(columns) * cellSize + margin, height: top + Double(rows) * cellSize + margin)
        for (i, target) in targetTokens.enumerated() {
            let y = top + Double(i) * cellSize
            document.text(target, at: PlotPoint(x: left - 6, y: y + cellSize / 2), size: fontSize, anchor: .end, centeredVertically: true)
            for j in 0..<columns {
                let weight = Double(i < weights.count && j < weights[i].count ? weights[i][j] : 0)
                let clamped = weight.isFinite ? Swift.min(Swift.max(weight, 0), 1) : 0
                let cell = PlotRect(x: left + Double(j) * cellSize, y: y, width: cellSize, height: cellSize)
                document.rectangle(cell, fill: Self.color(clamped), stroke: SVGDocument.Stroke(color: "#FFFFFF", width: 1))
                if clamped >= 0.5 && cellSize >= 24 {
                    document.text(String(format: "%.2f", clamped).replacingOccurrences(of: "0.", with: "."),
                                  at: PlotPoint(x: cell.x + cellSize / 2, y: cell.y + cellSize / 2), size: fontSize * 0.75, anchor: .middle,
                                  centeredVertically: true, color: "#FFFFFF")
                }
            }
        }
        for (j, source) in sourceTokens.enumerated() {
            let x = left + Double(j) * cellSize + cellSize / 2
            document.text(source, at: PlotPoint(x: x, y: top - 6), size: fontSize, centeredVertically: true, rotation: -90)
        }
        return document.rendered()
    }

    /// White to #08306B (dark blue) in proportion to `weight` in 0…1.
    public static func color(_ weight: Double) -> String {
        let (red, green, blue) = (255 - weight * (255 - 8), 255 - weight * (255 - 48), 255 - weight * (255 - 107))
        func hex(_ value: Double) -> String {
            let text = String(Int(value.rounded()), radix: 16, uppercase: true)
            return text.count == 1 ? "0" + text : text
        }
        return "#" + hex(red) + hex(green) + hex(blue)
    }
}

import Foundation
