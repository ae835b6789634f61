import Foundation
import RecurrentTasks
import RecurrentTensor
import Testing

/// Tick values and labels: round numbers a reader takes in at a glance, on awkward ranges too.
@Suite struct AxisTicksTests {
    func labelled(_ ticks: [AxisTick]) -> [String] { ticks.compactMap(\.label) }

    @Test func unitInterval() {
        let values = AxisTicks.linear(from: 0, to: 1, maximumCount: 6)
        #expect(values == [0, 0.2, 0.4, 0.6, 0.8, 1])
        #expect(AxisTicks.labels(for: values) == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        #expect(AxisTicks.linear(from: 0, to: 1, maximumCount: 11) == (0...10).map { Double($0) / 10 })
    }

    @Test func narrowRangeOfSmallNumbers() {
        let values = AxisTicks.linear(from: 0.0013, to: 0.0021, maximumCount: 6)
        #expect(values == [0.0014, 0.0016, 0.0018, 0.002])
        #expect(AxisTicks.labels(for: values) == ["0.0014", "0.0016", "0.0018", "0.0020"])
    }

    @Test func negativeRangesHaveNoNegativeZero() {
        let values = AxisTicks.linear(from: -1.05, to: 0.3, maximumCount: 6)
        #expect(values == [-1, -0.5, 0])
        #expect(AxisTicks.labels(for: values) == ["-1.0", "-0.5", "0.0"])
        #expect(AxisTicks.labels(for: [-0.0, 0.5]) == ["0.0", "0.5"])
    }

    @Test func countersUseThousandsAndMillions() {
        #expect(AxisTicks.labels(for: [0, 50_000, 100_000, 150_000]) == ["0", "50k", "100k", "150k"])
        #expect(AxisTicks.labels(for: [0, 500_000, 1_000_000, 1_500_000, 2_000_000]) == ["0", "0.5M", "1.0M", "1.5M", "2.0M"])
        #expect(AxisTicks.labels(for: [0, 500, 1000, 1500]) == ["0", "500", "1000", "1500"])
        #expect(AxisTicks.labels(for: [0, 2e-5, 4e-5]) == ["0", "2e-5", "4e-5"])
    }

    /// 1 … 10⁵ on a log axis: a labelled tick at each power of ten, minor ticks at 2…9 between.
    @Test func logarithmicOverDecades() {
        let ticks = AxisTicks.logarithmic(from: 1, to: 1e5, maximumCount: 8)
        #expect(labelled(ticks) == ["10⁰", "10¹", "10²", "10³", "10⁴", "10⁵"])
        #expect(ticks.filter { $0.label != nil }.map(\.value) == [1, 10, 100, 1000, 1e4, 1e5])
        #expect(ticks.filter { $0.label == nil }.count == 5 * 8)
        #expect(ticks.map(\.value) == ticks.map(\.value).sorted())
        // Fewer labels allowed: every other power of ten.
        #expect(labelled(AxisTicks.logarithmic(from: 1, to: 1e5, maximumCount: 3)) == ["10⁰", "10²", "10⁴"])
        // Small decades read as decimals.
        #expect(labelled(AxisTicks.logarithmic(from: 0.001, to: 1, maximumCount: 8)) == ["0.001", "0.01", "0.1", "1"])
    }

    /// Loss curves often span less than a decade; the log axis still gets several labels.
    @Test func logarithmicWithinADecade() {
        #expect(labelled(AxisTicks.logarithmic(from: 1.4, to: 4.2, maximumCount: 8)) == ["2", "3", "4"])
        #expect(labelled(AxisTicks.logarithmic(from: 0.8, to: 30, maximumCount: 8)) == ["1", "2", "5", "10", "20"])
        #expect(labelled(AxisTicks.logarithmic(from: 1.3, to: 1.6, maximumCount: 8)) == ["1.30", "1.35", "1.40", "1.45", "1.50", "1.55", "1.60"])
        #expect(labelled(AxisTicks.logarithmic(from: 1.3, to: 1.6, maximumCount: 5)) == ["1.3", "1.4", "1.5", "1.6"])
    }

    /// A single value or constant values still give an axis with ticks around the value.
    @Test(arguments: [[2.0], [2.0, 2.0, 2.0], [0.0], [-3.5], [1e-7, 1e-7], [123_456.0]])
    func degenerateData(values: [Double]) throws {
        for kind in PlotScale.Kind.allCases where kind == .linear || values[0] > 0 {
            let scale = PlotScale(kind: kind, covering: values)
            #expect(scale.lower < values[0] && values[0] < scale.upper, "\(kind) \(scale)")
            let ticks = scale.ticks(maximumCount: 6).filter { $0.label != nil }
            #expect(ticks.count >= 2, "\(kind) \(values): \(ticks)")
            #expect(ticks.allSatisfy { $0.value >= scale.lower && $0.value <= scale.upper })
            #expect(Set(ticks.compactMap(\.label)).count == ticks.count, "labels must differ: \(ticks)")
        }
    }

    @Test func noValuesAndPinnedEnds() throws {
        let empty = PlotScale(kind: .linear, covering: [])
        #expect((empty.lower, empty.upper) == (0, 1))
        let pinned = PlotScale(kind: .linear, covering: [1, 5], fixedLower: 2, fixedUpper: 3)
        #expect((pinned.lower, pinned.upper) == (2, 3))
        let crossed = PlotScale(kind: .linear, covering: [1, 5], fixedLower: 9)
        #expect(crossed.lower == 9 && crossed.upper > 9)
        let positive = PlotScale(kind: .linear, covering: [0.01, 10])
        #expect(positive.lower == 0, "a margin never takes non-negative data below zero")
        let log = PlotScale(kind: .logarithmic, covering: [-1, 0, 10, 1000])
        #expect(log.lower > 0 && log.lower < 10 && log.upper > 1000)
    }

    /// Over many ranges: ticks lie inside, at most as many as asked, evenly spaced by 1, 2 or 5
    /// times a power of ten, with distinct labels.
    @Test func randomRangesGiveEvenNiceSteps() {
        var generator = RandomGenerator(seed: 7)
        for _ in 0..<500 {
            let magnitude = pow(10, generator.nextUniformDouble() * 16 - 8)
            let low = (generator.nextUniformDouble() * 2 - 1) * magnitude * 10
            let high = low + magnitude * (0.01 + generator.nextUniformDouble() * 10)
            let maximum = 2 + generator.nextInt(below: 9)
            let values = AxisTicks.linear(from: low, to: high, maximumCount: maximum)
            #expect(values.count <= maximum && values.count >= 1, "\(low)...\(high) max \(maximum): \(values)")
            let tolerance = (high - low) * 1e-6
            #expect(values.allSatisfy { $0 >= low - tolerance && $0 <= high + tolerance }, "\(low)...\(high): \(values)")
            guard values.count >= 2 else { continue }
            let step = values[1] - values[0]
            let mantissa = step / pow(10, log10(step).rounded(.down))
            #expect([1, 2, 5, 10].contains { abs(mantissa - $0) < 1e-6 }, "step \(step) for \(low)...\(high)")
            #expect(zip(values, values.dropFirst()).allSatisfy { abs(($1 - $0) - step) <= step * 1e-6 })
            let labels = AxisTicks.labels(for: values)
            #expect(Set(labels).count == labels.count, "\(values) → \(labels)")
        }
    }
}
