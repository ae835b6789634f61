import RecurrentTensor

/// Series of real-valued frames standardized per channel with statistics of the training data:
///
///     x'_t,d = (x_t,d − mean_d) / deviation_d
///
/// over every frame of every training series (never per series: per-series z-scoring erases
/// differences in level between series, such as JapaneseVowels' speakers, that tell classes
/// apart). A missing value (NaN, `?` in a `.ts` file) is left out of the statistics and becomes
/// 0, its channel's mean.
///
/// With `differences`, each frame also carries each channel's first difference, scaled by the
/// training data's deviation of it, after the standardized values:
///
///     Δ_t,d = (x'_t,d − x'_{t−1},d) / differenceDeviation_d      Δ_0,d = 0
///
/// so a frame is `[x'_t,0 … x'_t,D−1, Δ_t,0 … Δ_t,D−1]`. A recurrent network reads a slope in
/// one step instead of having to hold the previous value (GunPoint's classes differ in the shape
/// of a smooth curve).
public struct FrameEncoding: Codable, Equatable, Sendable {
    public var channels: Int
    public var means: [Double]
    public var deviations: [Double]
    /// Whether frames carry each channel's first difference too (false in files written before it).
    public var differences: Bool
    /// The population deviation of each channel's Δ (unscaled) over the training series; empty
    /// without `differences`.
    public var differenceDeviations: [Double]

    public init(channels: Int, means: [Double], deviations: [Double], differences: Bool = false, differenceDeviations: [Double] = []) {
        self.channels = channels
        self.means = means
        self.deviations = deviations
        self.differences = differences
        self.differenceDeviations = differenceDeviations
    }

    private enum CodingKeys: String, CodingKey {
        case channels, means, deviations, differences, differenceDeviations
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        channels = try container.decode(Int.self, forKey: .channels)
        means = try container.decode([Double].self, forKey: .means)
        deviations = try container.decode([Double].self, forKey: .deviations)
        differences = try container.decodeIfPresent(Bool.self, forKey: .differences) ?? false
        differenceDeviations = try container.decodeIfPresent([Double].self, forKey: .differenceDeviations) ?? []
    }

    /// Values per encoded frame: the channels, twice with `differences`.
    public var features: Int { differences ? 2 * channels : channels }

    /// The statistics of every frame of `series` (`values[t · channels + d]`).
    public static func fit(_ series: [[Float]], channels: Int, differences: Bool = false) -> FrameEncoding {
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
        var encoding = FrameEncoding(channels: channels, means: means, deviations: deviations)
        guard differences else { return encoding }
        var steps = [[Float]](repeating: [], count: channels)
        for values in series {
            let standardized = encoding.encode(values)
            for index in stride(from: channels, to: standardized.count, by: 1) {
                steps[index % channels].append(standardized[index] - standardized[index - channels])
            }
        }
        encoding.differences = true
        // The deviation, not a centred scale: a mean slope is information (a drift), kept in Δ.
        encoding.differenceDeviations = steps.map { ColumnStandardization(columnsOf: Tensor(shape: [$0.count, 1], scalars: $0)).deviations[0] }
        return encoding
    }

    /// Why these statistics cannot be used (a model file's), or nil.
    public var problem: String? {
        if channels < 1 { return "no channels" }
        if means.count != channels || deviations.count != channels { return "\(means.count) means and \(deviations.count) deviations for \(channels) channels" }
        if !means.allSatisfy(\.isFinite) || !deviations.allSatisfy({ $0 > 0 && $0.isFinite }) { return "the channel statistics are not finite positive numbers" }
        if differenceDeviations.count != (differences ? channels : 0) {
            return "\(differenceDeviations.count) difference deviations for \(differences ? channels : 0) difference channels"
        }
        if !differenceDeviations.allSatisfy({ $0 > 0 && $0.isFinite }) { return "the difference deviations are not finite positive numbers" }
        return nil
    }

    /// One series (`values[t · channels + d]`) encoded, `features` values a frame, missing values at 0.
    public func encode(_ values: [Float]) -> [Float] {
        let standardized = values.enumerated().map { index, value in
            value.isNaN ? 0 : Float((Double(value) - means[index % channels]) / deviations[index % channels])
        }
        guard differences else { return standardized }
        let frames = standardized.count / channels
        var encoded = [Float](repeating: 0, count: frames * 2 * channels)
        for frame in 0..<frames {
            for channel in 0..<channels {
                let index = frame * channels + channel
                encoded[frame * 2 * channels + channel] = standardized[index]
                if frame > 0 {
                    let step = Double(standardized[index] - standardized[index - channels])
                    encoded[frame * 2 * channels + channels + channel] = Float(step / differenceDeviations[channel])
                }
            }
        }
        return encoded
    }
}
