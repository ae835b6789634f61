/// One line of a ``LinePlot``: points joined in the order given, with a style and a name for the
/// legend.
public struct LineSeries: Sendable {
    /// The legend's name for the line (empty: not in the legend).
    public var label: String
    /// The points' coordinates; `x[i]` pairs with `y[i]`.
    public var x: [Double]
    public var y: [Double]
    public var color: String
    public var width: Double
    /// Dash and gap lengths (empty: solid).
    public var dashes: [Double]
    /// Draw a dot at every point (useful when there are few; a single point always gets one).
    public var showsMarkers: Bool

    public init(label: String, x: [Double], y: [Double], color: String, width: Double = 1.8, dashes: [Double] = [],
                showsMarkers: Bool = false) {
        self.label = label
        self.x = x
        self.y = y
        self.color = color
        self.width = width
        self.dashes = dashes
        self.showsMarkers = showsMarkers
    }
}

/// Lines on two axes with a legend, drawn as SVG: learning curves, or anything else measured
/// along one variable.
///
/// ```swift
/// var plot = LinePlot(xTitle: "step", yTitle: "loss")
/// plot.series.append(LineSeries(label: "training", x: [0, 100, 200], y: [4.2, 2.1, 1.7], color: PlotPalette.color(0)))
/// plot.yScale = .logarithmic
/// let svg = plot.svgDocument().rendered()
/// ```
///
/// Each series is one `<path>`; series with a label are named in the legend. Points a scale cannot place (not finite, or ≤ 0 on a log axis)
/// are left out. Parts outside pinned axis limits are clipped at the plotting area.
public struct LinePlot: Sendable {
    public var series: [LineSeries] = []
    public var title: String?
    public var xTitle: String
    public var yTitle: String
    public var xScale: PlotScale.Kind = .linear
    public var yScale: PlotScale.Kind = .linear
    /// Pinned axis ends (nil: chosen to show all the data).
    public var xLower: Double?, xUpper: Double?, yLower: Double?, yUpper: Double?
    /// The drawing's size in pixels.
    public var width = 800.0, height = 500.0
    public var fontSize = 12.0

    static let markerRadius = 2.6

    public init(title: String? = nil, xTitle: String, yTitle: String) {
        self.title = title
        self.xTitle = xTitle
        self.yTitle = yTitle
    }

    /// The plot as a drawing of its own.
    public func svgDocument() -> SVGDocument {
        var svg = SVGDocument(width: width, height: height)
        draw(in: &svg, bounds: PlotRect(x: 0, y: 0, width: width, height: height))
        return svg
    }

    /// Draws the plot into part of a larger drawing (a panel beside other plots).
    public func draw(in svg: inout SVGDocument, bounds: PlotRect) {
        let frame = PlotFrame(title: title, x: PlotAxis(title: xTitle, scale: scale(xScale, series.flatMap(\.x), xLower, xUpper)),
                              y: PlotAxis(title: yTitle, scale: scale(yScale, series.flatMap(\.y), yLower, yUpper)),
                              fontSize: fontSize)
        let legend = PlotLegend(entries: series.filter { !$0.label.isEmpty }.map {
            PlotLegend.Entry(label: $0.label, stroke: stroke(of: $0), showsMarker: $0.showsMarkers)
        }, fontSize: fontSize)
        var layout = frame.layout(in: bounds)
        var lines = series.map { points(of: $0, layout) }
        var legendOrigin: PlotPoint?
        if !legend.entries.isEmpty {
            legendOrigin = legend.freePlacement(in: layout.plotArea, lines: lines)
            if legendOrigin == nil {
                layout = frame.layout(in: bounds, reservingRight: legend.width + fontSize)
                lines = series.map { points(of: $0, layout) }
                legendOrigin = PlotPoint(x: layout.plotArea.maxX + fontSize, y: layout.plotArea.minY)
            }
        }

        frame.drawGrid(layout, into: &svg)
        for (line, points) in zip(series, lines) {
            svg.polyline(points, stroke: stroke(of: line), clip: layout.plotArea)
            if line.showsMarkers || points.count == 1 {
                for point in points { svg.circle(center: point, radius: Self.markerRadius, fill: line.color, clip: layout.plotArea) }
            }
        }
        frame.drawAxes(layout, into: &svg)
        if let legendOrigin { legend.draw(at: legendOrigin, into: &svg) }
    }

    private func scale(_ kind: PlotScale.Kind, _ values: [Double], _ lower: Double?, _ upper: Double?) -> PlotScale {
        PlotScale(kind: kind, covering: values, padding: 0.03, fixedLower: lower, fixedUpper: upper)
    }

    private func stroke(of line: LineSeries) -> SVGDocument.Stroke {
        SVGDocument.Stroke(color: line.color, width: line.width, dashes: line.dashes)
    }

    private func points(of line: LineSeries, _ layout: PlotFrame.Layout) -> [PlotPoint] {
        zip(line.x, line.y).compactMap { layout.point(x: $0, y: $1) }
    }
}
