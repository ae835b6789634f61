import Foundation

/// One mark along an axis: a labelled (major) tick, or an unlabelled minor one.
public struct AxisTick: Equatable, Sendable {
    /// The data value the tick marks.
    public var value: Double
    /// The text under or beside it; nil for a minor tick.
    public var label: String?

    public init(value: Double, label: String?) {
        self.value = value
        self.label = label
    }
}

/// Tick values a reader takes in at a glance: round numbers in steps of 1, 2 or 5 times a power
/// of ten on a linear axis; powers of ten (or 1-2-5 within a decade) on a logarithmic one.
public enum AxisTicks {
    /// The multiples of the smallest "nice" step (1, 2 or 5 × 10ᵏ) that leaves at most
    /// `maximumCount` of them in `low...high`, in increasing order.
    ///
    ///     linear(from: 0, to: 1, maximumCount: 6)            // 0, 0.2, 0.4, 0.6, 0.8, 1
    ///     linear(from: 0.0013, to: 0.0021, maximumCount: 6)  // 0.0014, 0.0016, 0.0018, 0.002
    ///
    /// A range of zero width gives its one value; a non-finite or reversed range gives none.
    public static func linear(from low: Double, to high: Double, maximumCount: Int) -> [Double] {
        guard low.isFinite, high.isFinite, low <= high, maximumCount >= 1 else { return [] }
        guard high > low else { return [low] }
        let rough = (high - low) / Double(min(maximumCount, 10_000))
        guard rough.isFinite, rough > 0 else { return [low, high] }  // a range wider than Double can hold
        var exponent = Int((log10(rough)).rounded(.down)) - 1
        while exponent < 400 {
            for mantissa in [1.0, 2.0, 5.0] {
                let step = mantissa * pow(10, Double(exponent))
                let first = (low / step - 1e-9).rounded(.up), last = (high / step + 1e-9).rounded(.down)
                guard first.isFinite, last.isFinite else { continue }
                if last - first + 1 <= Double(min(maximumCount, 10_000)) {
                    return stride(from: first, through: last, by: 1).map { cleaned($0 * step, step: step) }
                }
            }
            exponent += 1
        }
        return [low, high]
    }

    /// Ticks for a logarithmic axis over `low...high` (both positive): labelled powers of ten with
    /// minor ticks at 2…9 between them when the range spans decades; 1-2-5 or 1…9 times a power of
    /// ten when it spans about one; linear "nice" values when it spans less than that (loss going
    /// from 1.3 to 1.6 on a log axis is still labelled 1.3, 1.4, 1.5, 1.6). At most `maximumCount`
    /// are labelled.
    public static func logarithmic(from low: Double, to high: Double, maximumCount: Int) -> [AxisTick] {
        guard low > 0, high >= low, high.isFinite, maximumCount >= 1 else { return [] }
        let lowExponent = Int(log10(low).rounded(.down)) - 1, highExponent = Int(log10(high).rounded(.up)) + 1
        func values(_ mantissas: [Double], every: Int = 1) -> [Double] {
            var result: [Double] = []
            for exponent in lowExponent...highExponent where exponent % every == 0 {
                for mantissa in mantissas {
                    let value = mantissa * pow(10, Double(exponent))
                    if value.isFinite && value >= low * (1 - 1e-12) && value <= high * (1 + 1e-12) { result.append(value) }
                }
            }
            return result
        }
        func ticks(major: [Double], minor: [Double], sharingDecimals: Bool = false) -> [AxisTick] {
            let labels = AxisTicks.labels(for: major, sharingDecimals: sharingDecimals)
            let majorSet = Set(major)
            return (zip(major, labels).map { AxisTick(value: $0, label: $1) }
                    + minor.filter { !majorSet.contains($0) }.map { AxisTick(value: $0, label: nil) })
                .sorted { $0.value < $1.value }
        }
        let everyInteger = (1...9).map(Double.init)
        let decades = values([1])
        if decades.count >= 3 {
            let every = (decades.count + maximumCount - 1) / maximumCount
            let major = values([1], every: every)
            // Minor ticks at 2…9 only while they stay apart; beyond ten decades, at skipped decades.
            let minor = decades.count <= 10 ? values(everyInteger) : (every > 1 ? decades : [])
            return ticks(major: major, minor: minor)
        }
        for mantissas in [[1.0, 2, 5], everyInteger] {
            let major = values(mantissas)
            if major.count >= 3 && major.count <= maximumCount { return ticks(major: major, minor: values(everyInteger)) }
        }
        if decades.count == 2 { return ticks(major: decades, minor: values(everyInteger)) }
        let major = linear(from: low, to: high, maximumCount: maximumCount).filter { $0 > 0 }
        return ticks(major: major, minor: [], sharingDecimals: true)
    }

    /// Labels for a set of tick values, written alike: the fewest decimals that tell them apart
    /// (`0.0014`, `0.0016`), `k` and `M` for thousands and millions on a counter (`20k`, `1.5M`),
    /// powers of ten as `10⁴` when every value is one, and `2e-7` style beyond those ranges.
    /// With `sharingDecimals` (linear axes) every label has as many decimals as the one that needs
    /// most (`0.5`, `1.0`, `1.5`); without it (logarithmic axes) each has its own (`0.01`, `0.1`, `1`).
    public static func labels(for values: [Double], sharingDecimals: Bool = true) -> [String] {
        let finite = values.filter(\.isFinite)
        guard let largest = finite.map(abs).max() else { return values.map { _ in "" } }
        let nonzero = finite.filter { $0 != 0 }
        if !nonzero.isEmpty, nonzero.allSatisfy(isPowerOfTen), finite.count == nonzero.count,
           nonzero.contains(where: { abs(log10(abs($0))) >= 4 }) {
            return values.map { value in
                guard value.isFinite else { return "" }
                let exponent = Int(log10(abs(value)).rounded())
                return (value < 0 ? "\u{2212}" : "") + "10" + superscript(exponent)
            }
        }
        let smallest = nonzero.map(abs).min() ?? largest
        if largest >= 1e9 || (largest > 0 && largest < 1e-3) || (smallest < 1e-4 && largest >= 10) {
            return values.map(scientific)
        }
        for (unit, suffix, from) in [(1e6, "M", 1e6), (1e3, "k", 1e4)] where largest >= from {
            if finite.allSatisfy({ isWhole($0 / unit * 100) }) {
                let scaled = plain(values.map { $0 / unit }, sharingDecimals: sharingDecimals)
                return zip(values, scaled).map { $0 == 0 ? "0" : $1 + suffix }
            }
        }
        return plain(values, sharingDecimals: sharingDecimals)
    }

    // MARK: - Helpers

    /// `value` rounded to the precision of `step`, so 3 × 0.1 is 0.3 and never -0.
    static func cleaned(_ value: Double, step: Double) -> Double {
        let decimals = max(0, -Int(log10(step).rounded(.down)) + 1)
        guard decimals < 15 else { return value == 0 ? 0 : value }
        let scale = pow(10, Double(decimals))
        let rounded = (value * scale).rounded() / scale
        return rounded == 0 ? 0 : rounded
    }

    static func plain(_ values: [Double], sharingDecimals: Bool) -> [String] {
        guard sharingDecimals else { return values.map { fixed($0, decimals: fewestDecimals([$0])) } }
        let decimals = fewestDecimals(values.filter(\.isFinite))
        return values.map { fixed($0, decimals: decimals) }
    }

    static func fewestDecimals(_ values: [Double]) -> Int {
        for decimals in 0...12 where values.allSatisfy({ abs((Double(fixed($0, decimals: decimals)) ?? .nan) - $0) <= 1e-9 * max(abs($0), 1e-300) }) {
            return decimals
        }
        return 12
    }

    static func fixed(_ value: Double, decimals: Int) -> String {
        let text = String(format: "%.\(decimals)f", value)
        return Double(text) == 0 ? String(format: "%.\(decimals)f", 0.0) : text
    }

    static func scientific(_ value: Double) -> String {
        guard value != 0, value.isFinite else { return value == 0 ? "0" : "\(value)" }
        let exponent = Int(log10(abs(value)).rounded(.down))
        var mantissa = value / pow(10, Double(exponent))
        var shown = exponent
        if abs(mantissa) >= 9.9995 { mantissa /= 10; shown += 1 }
        var digits = String(format: "%.3f", mantissa)
        while digits.hasSuffix("0") { digits.removeLast() }
        if digits.hasSuffix(".") { digits.removeLast() }
        return "\(digits)e\(shown)"
    }

    static func isPowerOfTen(_ value: Double) -> Bool {
        let exponent = log10(abs(value))
        return abs(exponent - exponent.rounded()) < 1e-9
    }

    static func isWhole(_ value: Double) -> Bool { abs(value - value.rounded()) < 1e-6 }

    static func superscript(_ exponent: Int) -> String {
        let digits: [Character] = ["\u{2070}", "\u{00B9}", "\u{00B2}", "\u{00B3}", "\u{2074}", "\u{2075}", "\u{2076}", "\u{2077}", "\u{2078}", "\u{2079}"]
        return (exponent < 0 ? "\u{207B}" : "") + String(String(abs(exponent)).compactMap { $0.wholeNumberValue.map { digits[$0] } })
    }
}
