/// The axes around a plotting area, shared by every kind of plot: an optional title above, a
/// light grid at the major ticks, the frame, tick marks, tick labels and axis titles.
///
/// ``layout(in:reservingRight:)`` decides where the plotting area goes inside a drawing's bounds
/// (the margins follow from the labels' sizes) and which ticks fit; a plot then paints its grid,
/// its data and its axes in that order:
///
/// ```swift
/// let layout = frame.layout(in: bounds)
/// frame.drawGrid(layout, into: &svg)
/// // ... the data, mapped with layout.point(x:y:) ...
/// frame.drawAxes(layout, into: &svg)
/// ```
public struct PlotFrame: Sendable {
    public var title: String?
    public var x: PlotAxis
    public var y: PlotAxis
    /// Size of tick labels; axis titles and the plot title are a little larger.
    public var fontSize: Double

    public init(title: String? = nil, x: PlotAxis, y: PlotAxis, fontSize: Double = 12) {
        self.title = title
        self.x = x
        self.y = y
        self.fontSize = fontSize
    }

    /// Where things go: the plotting area and the ticks chosen for it.
    public struct Layout: Sendable {
        public var bounds: PlotRect
        public var plotArea: PlotRect
        public var xTicks: [AxisTick]
        public var yTicks: [AxisTick]
        let xScale: PlotScale
        let yScale: PlotScale

        /// The position of the data point (`x`, `y`); nil when a scale cannot place a value. Points
        /// outside the domain land outside the plotting area (clip to it), but never further than a
        /// million pixels, which renderers draw badly.
        public func point(x: Double, y: Double) -> PlotPoint? {
            guard let fx = xScale.fraction(of: x), let fy = yScale.fraction(of: y) else { return nil }
            let limit = 1e6
            return PlotPoint(x: min(max(plotArea.minX + fx * plotArea.width, -limit), limit),
                             y: min(max(plotArea.maxY - fy * plotArea.height, -limit), limit))
        }
    }

    var titleSize: Double { fontSize * 1.3 }
    var axisTitleSize: Double { fontSize * 1.1 }
    private var tickLength: Double { 5 }
    private var gap: Double { fontSize * 0.4 }

    /// Lays the frame out inside `bounds`, leaving `reservingRight` pixels free at the right (for
    /// a legend beside the plot).
    public func layout(in bounds: PlotRect, reservingRight: Double = 0) -> Layout {
        let top = bounds.minY + (title == nil ? fontSize : titleSize * 2.2)
        let bottom = bounds.maxY - (tickLength + gap + fontSize + gap * 2 + axisTitleSize + gap * 1.5)
        let plotHeight = max(bottom - top, 10)
        let yTicks = y.fixedTicks ?? y.scale.ticks(maximumCount: max(2, Int(plotHeight / (fontSize * 3.5))))
        let widestYLabel = yTicks.compactMap(\.label).map { TextMetrics.width(of: $0, size: fontSize) }.max() ?? 0
        let left = bounds.minX + gap * 2 + axisTitleSize + gap * 2 + widestYLabel + gap + tickLength
        var right = bounds.maxX - reservingRight - fontSize * 1.5
        var xTicks = chooseXTicks(length: right - left)
        // A label centred on a tick near the right end may stick out; pull the area in for it.
        if let last = xTicks.last(where: { $0.label != nil }), let label = last.label, let fraction = x.scale.fraction(of: last.value) {
            let overhang = left + fraction * (right - left) + TextMetrics.width(of: label, size: fontSize) / 2
                - (bounds.maxX - reservingRight - gap)
            if overhang > 0 {
                right -= overhang
                xTicks = chooseXTicks(length: right - left)
            }
        }
        let area = PlotRect(x: left, y: top, width: max(right - left, 10), height: plotHeight)
        return Layout(bounds: bounds, plotArea: area, xTicks: xTicks, yTicks: yTicks, xScale: x.scale, yScale: y.scale)
    }

    /// The most x ticks whose labels keep at least two characters' room between them.
    private func chooseXTicks(length: Double) -> [AxisTick] {
        if let fixed = x.fixedTicks { return fixed }
        var count = max(2, Int(length / (fontSize * 6)))
        while true {
            let ticks = x.scale.ticks(maximumCount: count)
            let labelled = ticks.compactMap { tick in
                tick.label.flatMap { label in x.scale.fraction(of: tick.value).map { ($0 * length, TextMetrics.width(of: label, size: fontSize)) } }
            }
            let apart = zip(labelled, labelled.dropFirst()).allSatisfy { left, right in
                right.0 - left.0 >= (left.1 + right.1) / 2 + fontSize * 1.2
            }
            if apart || count <= 2 { return ticks }
            count -= 1
        }
    }

    /// Light lines across the plotting area at the major ticks (drawn under the data).
    public func drawGrid(_ layout: Layout, into svg: inout SVGDocument) {
        let area = layout.plotArea
        let stroke = SVGDocument.Stroke(color: PlotPalette.grid, width: 1)
        for tick in layout.xTicks where tick.label != nil {
            guard let fraction = layout.xScale.fraction(of: tick.value), (0...1).contains(fraction) else { continue }
            let position = area.minX + fraction * area.width
            svg.line(from: PlotPoint(x: position, y: area.minY), to: PlotPoint(x: position, y: area.maxY), stroke: stroke)
        }
        for tick in layout.yTicks where tick.label != nil {
            guard let fraction = layout.yScale.fraction(of: tick.value), (0...1).contains(fraction) else { continue }
            let position = area.maxY - fraction * area.height
            svg.line(from: PlotPoint(x: area.minX, y: position), to: PlotPoint(x: area.maxX, y: position), stroke: stroke)
        }
    }

    /// The frame, tick marks (minor ones shorter), tick labels, axis titles and the title (drawn
    /// over the data).
    public func drawAxes(_ layout: Layout, into svg: inout SVGDocument) {
        let area = layout.plotArea
        let stroke = SVGDocument.Stroke(color: PlotPalette.axis, width: 1)
        svg.rectangle(area, stroke: stroke)
        for tick in layout.xTicks {
            guard let fraction = layout.xScale.fraction(of: tick.value), (-1e-9...1 + 1e-9).contains(fraction) else { continue }
            let position = area.minX + fraction * area.width
            let length = tick.label == nil ? tickLength * 0.6 : tickLength
            svg.line(from: PlotPoint(x: position, y: area.maxY), to: PlotPoint(x: position, y: area.maxY + length), stroke: stroke)
            if let label = tick.label {
                svg.text(label, at: PlotPoint(x: position, y: area.maxY + tickLength + gap + fontSize * 0.8),
                         size: fontSize, anchor: .middle, color: PlotPalette.text)
            }
        }
        for tick in layout.yTicks {
            guard let fraction = layout.yScale.fraction(of: tick.value), (-1e-9...1 + 1e-9).contains(fraction) else { continue }
            let position = area.maxY - fraction * area.height
            let length = tick.label == nil ? tickLength * 0.6 : tickLength
            svg.line(from: PlotPoint(x: area.minX - length, y: position), to: PlotPoint(x: area.minX, y: position), stroke: stroke)
            if let label = tick.label {
                svg.text(label, at: PlotPoint(x: area.minX - tickLength - gap, y: position), size: fontSize, anchor: .end,
                         centeredVertically: true, color: PlotPalette.text)
            }
        }
        let bounds = layout.bounds
        svg.text(x.title, at: PlotPoint(x: area.minX + area.width / 2, y: bounds.maxY - gap * 1.5),
                 size: axisTitleSize, anchor: .middle, color: PlotPalette.text)
        svg.text(y.title, at: PlotPoint(x: bounds.minX + gap * 2 + axisTitleSize * 0.8, y: area.minY + area.height / 2),
                 size: axisTitleSize, anchor: .middle, rotation: -90, color: PlotPalette.text)
        if let title {
            svg.text(title, at: PlotPoint(x: area.minX + area.width / 2, y: bounds.minY + titleSize * 1.4),
                     size: titleSize, anchor: .middle, bold: true, color: PlotPalette.text)
        }
    }
}
