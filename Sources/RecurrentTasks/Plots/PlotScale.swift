import Foundation

/// How data values along one axis map to positions: linearly or logarithmically, over a domain.
public struct PlotScale: Equatable, Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case linear, logarithmic
    }

    public var kind: Kind
    /// The values at the axis's two ends (`lower < upper`; both positive when logarithmic).
    public private(set) var lower: Double
    public private(set) var upper: Double

    /// A scale over exactly `lower...upper`. Returns nil when the range is empty, not finite, or
    /// (logarithmic) not positive.
    public init?(kind: Kind, lower: Double, upper: Double) {
        guard lower.isFinite, upper.isFinite, lower < upper, kind == .linear || lower > 0 else { return nil }
        self.kind = kind
        self.lower = lower
        self.upper = upper
    }

    /// A scale that shows every one of `values` with a margin of `padding` (a fraction of the
    /// range) at each end. Non-finite values (and, on a log scale, values ≤ 0) are ignored.
    /// `fixedLower` / `fixedUpper` pin an end instead (a user's axis limits). A margin never takes
    /// a linear axis of non-negative values below zero. A single value, or values all equal, get a
    /// range around them (±5 %, ±1 for zero; a fifth of a decade each way when logarithmic); no
    /// values at all give 0…1 (1…10 when logarithmic).
    public init(kind: Kind, covering values: [Double], padding: Double = 0.04,
                fixedLower: Double? = nil, fixedUpper: Double? = nil) {
        self.kind = kind
        let usable = values.filter { $0.isFinite && (kind == .linear || $0 > 0) }
        // Work in the axis's own coordinate (log10 for a log scale), where padding is even.
        let forward: (Double) -> Double = kind == .linear ? { $0 } : { log10($0) }
        let backward: (Double) -> Double = kind == .linear ? { $0 } : { pow(10, $0) }
        var low: Double, high: Double
        if let smallest = usable.min(), let largest = usable.max() {
            (low, high) = (forward(smallest), forward(largest))
            if high - low <= 1e-12 * max(abs(low), abs(high), 1e-300) {
                let half = kind == .logarithmic ? 0.2 : (low == 0 ? 1 : abs(low) * 0.05)
                (low, high) = (low - half, high + half)
            } else if (high - low) * padding * 4 < .greatestFiniteMagnitude {
                let margin = (high - low) * padding
                let paddedLow = low - margin
                (low, high) = (kind == .linear && low >= 0 && paddedLow < 0 ? 0 : paddedLow, high + margin)
            }
        } else {
            (low, high) = (forward(kind == .linear ? 0 : 1), forward(kind == .linear ? 1 : 10))
        }
        // Keep the ends representable: values near Double's limits leave no room for a margin.
        lower = max(backward(low), kind == .linear ? -.greatestFiniteMagnitude : .leastNormalMagnitude)
        upper = min(backward(high), .greatestFiniteMagnitude)
        if let fixedLower, fixedLower.isFinite, kind == .linear || fixedLower > 0 { lower = fixedLower }
        if let fixedUpper, fixedUpper.isFinite, kind == .linear || fixedUpper > 0 { upper = fixedUpper }
        if !(lower < upper) {
            // Pinned ends that leave no range (or cross): widen around what was pinned.
            if fixedLower != nil && fixedUpper == nil {
                upper = kind == .linear ? lower + max(abs(lower), 1) : lower * 10
            } else {
                lower = kind == .linear ? upper - max(abs(upper), 1) : upper / 10
            }
        }
    }

    /// Where `value` falls between the ends: 0 at `lower`, 1 at `upper`, outside 0…1 beyond them;
    /// nil for a value the scale cannot place (not finite, or ≤ 0 on a log scale).
    public func fraction(of value: Double) -> Double? {
        guard value.isFinite else { return nil }
        switch kind {
        case .linear:
            return (value - lower) / (upper - lower)
        case .logarithmic:
            guard value > 0 else { return nil }
            return (log10(value) - log10(lower)) / (log10(upper) - log10(lower))
        }
    }

    /// Ticks inside the domain, at most `maximumCount` of them labelled.
    public func ticks(maximumCount: Int) -> [AxisTick] {
        switch kind {
        case .linear:
            let values = AxisTicks.linear(from: lower, to: upper, maximumCount: maximumCount)
            return zip(values, AxisTicks.labels(for: values)).map { AxisTick(value: $0, label: $1) }
        case .logarithmic:
            return AxisTicks.logarithmic(from: lower, to: upper, maximumCount: maximumCount)
        }
    }
}
