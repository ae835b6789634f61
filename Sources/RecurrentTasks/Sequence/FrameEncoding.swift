import RecurrentTensor

/// Series of real-valued frames standardized per channel with statistics of the training data:
///
///     x'_t,d = (x_t,d − mean_d) / deviation_d
///
/// over every frame of every training series (never per series: per-series z-scoring erases
/// differences in level between series, such as JapaneseVowels' speakers, that tell classes
/// apart). A missing value (NaN, `?` in a `.ts` file) is left out of the statistics and becomes
/// 0, its channel's mean.
public struct FrameEncoding: Codable, Equatable, Sendable {
    public var channels: Int
    public var means: [Double]
    public var deviations: [Double]

    public init(channels: Int, means: [Double], deviations: [Double]) {
        self.channels = channels
        self.means = means
        self.deviations = deviations
    }

    /// The statistics of every frame of `series` (`values[t · channels + d]`).
    public static func fit(_ series: [[Float]], channels: Int) -> FrameEncoding {
        var means: [Double] = [], deviations: [Double] = []
        for channel in 0..<channels {
            var present: [Float] = []
            for values in series {
                for index in stride(from: channel, to: values.count, by: channels) where !values[index].isNaN { present.append(values[index]) }
            }
            let statistics = ColumnStandardization(columnsOf: Tensor(shape: [present.count, 1], scalars: present))
            means.append(present.isEmpty ? 0 : statistics.means[0])
            deviations.append(statistics.deviations[0])
        }
        return FrameEncoding(channels: channels, means: means, deviations: deviations)
    }

    /// Why these statistics cannot be used (a model file's), or nil.
    public var problem: String? {
        if channels < 1 { return "no channels" }
        if means.count != channels || deviations.count != channels { return "\(means.count) means and \(deviations.count) deviations for \(channels) channels" }
        if !means.allSatisfy(\.isFinite) || !deviations.allSatisfy({ $0 > 0 && $0.isFinite }) { return "the channel statistics are not finite positive numbers" }
        return nil
    }

    /// One series standardized, missing values at 0.
    public func encode(_ values: [Float]) -> [Float] {
        values.enumerated().map { index, value in
            value.isNaN ? 0 : Float((Double(value) - means[index % channels]) / deviations[index % channels])
        }
    }
}
