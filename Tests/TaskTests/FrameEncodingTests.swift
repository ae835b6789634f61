import Foundation
import RecurrentData
import RecurrentNN
import RecurrentTasks
import RecurrentTensor
import RecurrentTestSupport
import Testing

/// The frames' standardization and their first-difference channels: values on a hand-worked
/// case, model files with and without them, and files written before the channels existed.
@Suite struct FrameEncodingTests {
    /// Two series of two frames, two channels (`values[t · 2 + d]`); channel 1 misses its last
    /// value in both.
    ///
    ///     channel 0: A 0 4, B 4 0       mean 2, deviation 2    x' A −1 1, B 1 −1    Δ' A 2, B −2  → deviation 2
    ///     channel 1: A 5 ?, B 9 ?       mean 7, deviation 2    x' A −1 0, B 1 0     Δ' A 1, B −1  → deviation 1
    static let series: [[Float]] = [[0, 5, 4, .nan], [4, 9, 0, .nan]]

    @Test func theDifferenceChannelsOnAHandWorkedCase() {
        let encoding = FrameEncoding.fit(Self.series, channels: 2, differences: true)
        #expect(encoding.means == [2, 7] && encoding.deviations == [2, 2] && encoding.differenceDeviations == [2, 1])
        #expect(encoding.features == 4 && encoding.problem == nil)
        // Frame t: x'_0, x'_1, Δ_0, Δ_1; Δ is 0 at t = 0 and takes a missing value as its 0.
        #expect(encoding.encode(Self.series[0]) == [-1, -1, 0, 0, 1, 0, 1, 1])
        #expect(encoding.encode(Self.series[1]) == [1, 1, 0, 0, -1, 0, -1, -1])
        #expect(encoding.encode([2, 7]) == [0, 0, 0, 0], "one frame: no difference")
    }

    @Test func withoutDifferencesTheFramesAreTheStandardizedChannels() {
        let encoding = FrameEncoding.fit(Self.series, channels: 2)
        #expect(!encoding.differences && encoding.differenceDeviations.isEmpty && encoding.features == 2)
        #expect(encoding.encode(Self.series[0]) == [-1, -1, 1, 0])
    }

    @Test func aConstantChannelsDifferencesAreScaledByOne() {
        let encoding = FrameEncoding.fit([[3, 3, 3], [3]], channels: 1, differences: true)
        #expect(encoding.differenceDeviations == [1] && encoding.encode([3, 3, 5]) == [0, 0, 0, 0, 2, 2])
    }

    @Test func brokenDifferenceStatisticsAreAProblem() {
        var encoding = FrameEncoding.fit(Self.series, channels: 2, differences: true)
        encoding.differenceDeviations = [1]
        #expect(encoding.problem == "1 difference deviations for 2 difference channels")
        encoding.differenceDeviations = [1, 0]
        #expect(encoding.problem == "the difference deviations are not finite positive numbers")
    }

    @Test func aFileWrittenBeforeDifferencesReadsAsWithout() throws {
        let old = #"{"channels": 1, "means": [0.5], "deviations": [2]}"#
        let encoding = try JSONDecoder().decode(FrameEncoding.self, from: Data(old.utf8))
        #expect(encoding == FrameEncoding(channels: 1, means: [0.5], deviations: [2]) && encoding.problem == nil)
    }

    /// A trained classifier's file holds the difference statistics and answers with the same bits
    /// after a round trip; without them, the frames keep their width.
    @Test("a model file round trip keeps the encoding and the answers", arguments: [true, false])
    func modelFileRoundTrip(differences: Bool) throws {
        let directory = try TemporaryDirectory()
        var generator = RandomGenerator(seed: 2)
        let cases = (0..<12).map { index -> String in
            let dimensions = (0..<2).map { _ in (0..<(3 + index % 4)).map { _ in String(format: "%.3f", generator.nextNormal()) }.joined(separator: ",") }
            return dimensions.joined(separator: ":") + (index % 2 == 0 ? ":up" : ":down")
        }
        let train = try directory.write("train.ts", "@problemName test\n@classLabel true up down\n@data\n" + cases.joined(separator: "\n") + "\n")
        let model = directory.path("model.safetensors")
        var settings = SequenceTrainingSettings()
        settings.frameDifferences = differences
        settings.hiddenSize = 4
        settings.epochs = 2
        let training = try SequenceTraining(settings: settings, trainingFile: train, validationFile: nil, modelPath: model, showsProgress: false)
        try training.run()
        #expect(training.settings.frameDifferences == differences)
        #expect(training.bundle.model.configuration.features == (differences ? 4 : 2))

        let read = try SequenceModelBundle.read(from: model)
        #expect(read.encoding == training.bundle.encoding && read.encoding.frames?.differences == differences)
        let examples = try read.examples(from: train, labeled: true)
        #expect(examples.count == 12)
        #expect(read.model.outputs(for: examples) == training.bundle.model.outputs(for: examples))
    }
}
