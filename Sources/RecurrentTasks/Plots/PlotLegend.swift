/// A box naming each line of a plot beside a short sample of it.
///
/// It goes inside the plotting area, in the first corner (or edge middle) where it hides no part
/// of any line; when every place would hide something it goes outside, to the right.
struct PlotLegend {
    struct Entry {
        var label: String
        var stroke: SVGDocument.Stroke
        var showsMarker: Bool
    }

    var entries: [Entry]
    var fontSize: Double

    private var rowHeight: Double { fontSize * 1.5 }
    private var padding: Double { fontSize * 0.6 }
    private var sampleLength: Double { fontSize * 2.4 }

    var width: Double {
        let widest = entries.map { TextMetrics.width(of: $0.label, size: fontSize) }.max() ?? 0
        return padding * 2 + sampleLength + fontSize * 0.6 + widest
    }

    var height: Double { padding * 2 + rowHeight * Double(entries.count) - (rowHeight - fontSize) }

    /// The top-left corner of the first free place inside `area`, trying the upper right first
    /// (where falling curves leave room), or nil when every place would cover part of a line.
    func freePlacement(in area: PlotRect, lines: [[PlotPoint]]) -> PlotPoint? {
        let margin = fontSize * 0.6
        let left = area.minX + margin, right = area.maxX - margin - width
        let top = area.minY + margin, bottom = area.maxY - margin - height
        let middleX = area.minX + (area.width - width) / 2, middleY = area.minY + (area.height - height) / 2
        guard right > left, bottom > top else { return nil }
        let candidates = [(right, top), (left, top), (right, bottom), (left, bottom), (middleX, top),
                          (right, middleY), (left, middleY), (middleX, bottom)]
        for (x, y) in candidates {
            let box = PlotRect(x: x, y: y, width: width, height: height).insetBy(-margin / 2)
            if !lines.contains(where: { Self.crosses($0, box) }) { return PlotPoint(x: x, y: y) }
        }
        return nil
    }

    /// Whether the polyline passes through `box`.
    static func crosses(_ line: [PlotPoint], _ box: PlotRect) -> Bool {
        if line.count == 1 { return box.contains(line[0]) }
        return zip(line, line.dropFirst()).contains { segmentMeets(from: $0, to: $1, box) }
    }

    /// Whether the segment touches `box` (Liang–Barsky: the part of the segment, 0 ≤ t ≤ 1, that
    /// lies on the inner side of all four edges is not empty).
    static func segmentMeets(from start: PlotPoint, to end: PlotPoint, _ box: PlotRect) -> Bool {
        let dx = end.x - start.x, dy = end.y - start.y
        var entering = 0.0, leaving = 1.0
        // Each edge as p·t ≤ q: t ≥ q/p where the segment enters (p < 0), t ≤ q/p where it leaves.
        for (direction, distance) in [(-dx, start.x - box.minX), (dx, box.maxX - start.x), (-dy, start.y - box.minY), (dy, box.maxY - start.y)] {
            if direction == 0 {
                if distance < 0 { return false }  // parallel to this edge and outside it
            } else {
                let t = distance / direction
                if direction < 0 { entering = max(entering, t) } else { leaving = min(leaving, t) }
                if entering > leaving { return false }
            }
        }
        return true
    }

    /// Draws the legend with its top-left corner at `origin`.
    func draw(at origin: PlotPoint, into svg: inout SVGDocument) {
        svg.rectangle(PlotRect(x: origin.x, y: origin.y, width: width, height: height), fill: "white",
                      stroke: SVGDocument.Stroke(color: "#CCCCCC", width: 1))
        for (row, entry) in entries.enumerated() {
            let middle = origin.y + padding + fontSize / 2 + rowHeight * Double(row)
            let start = PlotPoint(x: origin.x + padding, y: middle), end = PlotPoint(x: origin.x + padding + sampleLength, y: middle)
            svg.line(from: start, to: end, stroke: entry.stroke)
            if entry.showsMarker {
                svg.circle(center: PlotPoint(x: (start.x + end.x) / 2, y: middle), radius: LinePlot.markerRadius, fill: entry.stroke.color)
            }
            svg.text(entry.label, at: PlotPoint(x: end.x + fontSize * 0.6, y: middle), size: fontSize, centeredVertically: true,
                     color: PlotPalette.text)
        }
    }
}
