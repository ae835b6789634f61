import Foundation
import RecurrentTasks
import RecurrentTestSupport
import Testing

/// Layout of a line plot, read back from the SVG: the legend hides no line, tick labels keep
/// apart and stay on the canvas.
@Suite struct LinePlotTests {
    /// The points of a `<path d="M x y L x y ...">`.
    func points(_ d: String) -> [PlotPoint] {
        let numbers = d.split(whereSeparator: { $0 == "M" || $0 == "L" || $0 == " " }).compactMap { Double($0) }
        return stride(from: 0, to: numbers.count - 1, by: 2).map { PlotPoint(x: numbers[$0], y: numbers[$0 + 1]) }
    }

    func rect(_ attributes: [String: String]) -> PlotRect? {
        guard let x = attributes["x"].flatMap(Double.init), let y = attributes["y"].flatMap(Double.init),
              let width = attributes["width"].flatMap(Double.init), let height = attributes["height"].flatMap(Double.init) else { return nil }
        return PlotRect(x: x, y: y, width: width, height: height)
    }

    /// Whether any point sampled every half pixel along the line falls inside `box`.
    func passesThrough(_ line: [PlotPoint], _ box: PlotRect) -> Bool {
        zip(line, line.dropFirst()).contains { start, end in
            let samples = Int(max(abs(end.x - start.x), abs(end.y - start.y)) * 2) + 1
            return (0...samples).contains { index in
                let t = Double(index) / Double(samples)
                return box.contains(PlotPoint(x: start.x + (end.x - start.x) * t, y: start.y + (end.y - start.y) * t))
            }
        }
    }

    func render(_ plot: LinePlot) throws -> (outline: XMLOutline, legend: PlotRect?, area: PlotRect, lines: [[PlotPoint]]) {
        let outline = try XMLOutline(plot.svgDocument().rendered())
        let legend = outline.elements.first { $0.name == "rect" && $0.attributes["stroke"] == "#CCCCCC" }.flatMap { rect($0.attributes) }
        let area = try #require(outline.elements.first { $0.name == "rect" && $0.attributes["fill"] == "none" }.flatMap { rect($0.attributes) })
        let lines = outline.elements.filter { $0.name == "path" }.map { points($0.attributes["d"] ?? "") }
        return (outline, legend, area, lines)
    }

    func fallingCurves(count: Int) -> LinePlot {
        var plot = LinePlot(xTitle: "step", yTitle: "loss")
        for index in 0..<count {
            let x = (0...50).map { Double($0) * 100 }
            plot.series.append(LineSeries(label: "run \(index)", x: x, y: x.map { 1 + Double(index) * 0.2 + 3 * exp(-$0 / 800) },
                                          color: PlotPalette.color(index)))
        }
        return plot
    }

    /// Falling curves leave the upper right free: the legend goes there, over no line.
    @Test func legendInsideAFreeCorner() throws {
        let (outline, legend, area, lines) = try render(fallingCurves(count: 3))
        #expect(outline.count("path") == 3)
        let box = try #require(legend)
        #expect(area.contains(PlotPoint(x: box.minX, y: box.minY)) && area.contains(PlotPoint(x: box.maxX, y: box.maxY)))
        #expect(box.minX > area.minX + area.width / 2 && box.maxY < area.minY + area.height / 2, "upper right: \(box) in \(area)")
        #expect(!lines.contains { passesThrough($0, box) })
    }

    /// Lines everywhere: the legend moves out to the right of the plotting area.
    @Test func legendOutsideWhenNoPlaceIsFree() throws {
        var plot = LinePlot(xTitle: "step", yTitle: "loss")
        for index in 0..<2 {
            let x = (0...400).map(Double.init)
            plot.series.append(LineSeries(label: "wave \(index)", x: x, y: x.map { sin($0 / 5 + Double(index)) }, color: PlotPalette.color(index)))
        }
        let (_, legend, area, _) = try render(plot)
        let box = try #require(legend)
        #expect(box.minX > area.maxX && box.maxX <= plot.width, "\(box) right of \(area)")
    }

    /// At every size, x tick labels are apart and every label stays on the canvas.
    @Test(arguments: [(200.0, 150.0), (360, 240), (800, 500), (1600, 400)])
    func labelsKeepApartAndOnTheCanvas(width: Double, height: Double) throws {
        var plot = fallingCurves(count: 2)
        plot.series[0].x = plot.series[0].x.map { $0 * 1000 }  // up to 5M: long labels
        (plot.width, plot.height) = (width, height)
        let (outline, _, area, _) = try render(plot)
        let texts = zip(outline.elements.filter { $0.name == "text" }, outline.texts)
        let xLabels = texts.filter { $0.0.attributes["text-anchor"] == "middle" && Double($0.0.attributes["y"] ?? "") ?? 0 > area.maxY
            && Double($0.0.attributes["y"] ?? "") ?? 0 < area.maxY + 30 }
            .map { (x: Double($0.0.attributes["x"] ?? "") ?? 0, width: TextMetrics.width(of: $0.1, size: 12)) }
        #expect(xLabels.count >= 2, "\(outline.texts)")
        for (left, right) in zip(xLabels, xLabels.dropFirst()) {
            #expect(right.x - right.width / 2 > left.x + left.width / 2, "x labels overlap at \(width)×\(height): \(outline.texts)")
        }
        for label in xLabels { #expect(label.x - label.width / 2 >= 0 && label.x + label.width / 2 <= width) }
        let yLabels = texts.filter { $0.0.attributes["text-anchor"] == "end" }
        #expect(yLabels.count >= 2)
        for (element, text) in yLabels {
            #expect((Double(element.attributes["x"] ?? "") ?? 0) - TextMetrics.width(of: text, size: 12) >= 0, "\(text) off the left edge")
        }
        #expect(area.width > 0 && area.height > 0 && area.maxX <= width && area.maxY <= height)
    }

    /// Values at Double's limits, infinities and NaN never trap; the SVG stays well-formed.
    @Test func extremeValues() throws {
        let extremes: [Double] = [1e308, -1e308, 4.9e-324, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .infinity, .nan, 0, 1]
        for kind in PlotScale.Kind.allCases {
            var plot = LinePlot(xTitle: "x", yTitle: "y")
            plot.yScale = kind
            plot.xScale = kind
            plot.series = [LineSeries(label: "extreme", x: extremes, y: extremes.reversed(), color: "black", showsMarkers: true)]
            let outline = try XMLOutline(plot.svgDocument().rendered())
            #expect(outline.count("path") <= 1)
            for kind2 in PlotScale.Kind.allCases {
                let scale = PlotScale(kind: kind2, covering: extremes)
                #expect(scale.lower < scale.upper && scale.lower.isFinite && scale.upper.isFinite)
                _ = scale.ticks(maximumCount: 8)
            }
        }
    }
}
