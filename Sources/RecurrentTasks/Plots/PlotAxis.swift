/// One axis of a plot: its title, its scale, and either ticks chosen to fit its length or a
/// fixed set (the categories of a heatmap, say).
public struct PlotAxis: Sendable {
    public var title: String
    public var scale: PlotScale
    /// Ticks to show as given; nil lets ``PlotFrame`` choose "nice" ones that fit the axis.
    public var fixedTicks: [AxisTick]?

    public init(title: String, scale: PlotScale, fixedTicks: [AxisTick]? = nil) {
        self.title = title
        self.scale = scale
        self.fixedTicks = fixedTicks
    }
}
