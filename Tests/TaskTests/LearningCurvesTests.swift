import Foundation
import Recurrent
import RecurrentTestSupport
import Testing

/// Learning curves from logs shaped like the Trainer's: the right lines, positions and errors.
@Suite struct LearningCurvesTests {
    func run(_ text: String, _ label: String) throws -> LearningCurves.Run {
        LearningCurves.Run(log: try TrainingLog(text: text, file: label + ".jsonl"), label: label)
    }

    /// Two runs: four series, one `<path>` each, in well-formed SVG with the legend and axis titles.
    @Test func twoRunsGiveFourPaths() throws {
        var curves = LearningCurves(runs: [try run(syntheticTrainingLog(), "lstm"), try run(syntheticTrainingLog(floor: 1.2), "gru")])
        curves.title = "tiny & <fast>"
        let plot = try curves.plot()
        #expect(plot.series.map(\.label) == ["lstm training", "lstm validation", "gru training", "gru validation"])
        #expect(plot.series[0].color == plot.series[1].color && plot.series[0].color != plot.series[2].color)
        #expect(plot.series[0].dashes.isEmpty && !plot.series[1].dashes.isEmpty)
        #expect(plot.series[0].x == (1...16).map { Double($0 * 25) })
        #expect(plot.series[1].x == [100, 200, 300, 400])
        let outline = try XMLOutline(plot.svgDocument().rendered())
        #expect(outline.count("path") == 4)
        let dots = outline.elements.filter { $0.name == "circle" && $0.attributes["clip-path"] != nil }
        #expect(dots.count == 8, "a dot at each of the 4 validations of 2 runs")
        #expect(outline.count("circle") == 10, "and one on each validation line's sample in the legend")
        for text in ["lstm training", "gru validation", "step", "loss", "tiny & <fast>"] {
            #expect(outline.texts.contains(text), "\(text) in \(outline.texts)")
        }
        #expect(curves.notes.isEmpty)
    }

    @Test func epochsAndTime() throws {
        var curves = LearningCurves(runs: [try run(syntheticTrainingLog(secondsPerStep: 0.5), "a")])
        curves.x = .epoch
        var plot = try curves.plot()
        #expect(plot.xTitle == "epoch")
        #expect(plot.series[0].x == (1...16).map { Double($0) / 4 })
        #expect(plot.series[1].x == [1, 2, 3, 4])
        curves.x = .time
        plot = try curves.plot()
        #expect(plot.xTitle == "training time (min)", "200 s of training is shown in minutes")
        let minutes: [Double] = [50, 100, 150, 200].map { $0 / 60 }
        #expect(plot.series[1].x == minutes)
        let outline = try XMLOutline(plot.svgDocument().rendered())
        #expect(outline.count("path") == 2)
    }

    /// Accuracy exists in validation records only: one dashed line per run, titled as such.
    @Test func validationOnlyMetricAndLogScale() throws {
        var curves = LearningCurves(runs: [try run(syntheticTrainingLog(), "a"), try run(syntheticTrainingLog(floor: 1), "b")])
        curves.metric = "accuracy"
        var plot = try curves.plot()
        #expect(plot.series.map(\.label) == ["a", "b"], "the axis title says these are validation lines")
        #expect(plot.yTitle == "validation accuracy")
        #expect(try XMLOutline(plot.svgDocument().rendered()).count("path") == 2)
        curves.metric = "learning_rate"
        curves.logarithmicY = true
        plot = try curves.plot()
        #expect(plot.yTitle == "training learning_rate" && plot.yScale == .logarithmic)
        #expect(try XMLOutline(plot.svgDocument().rendered()).count("path") == 2)
    }

    @Test func logScaleLeavesOutNonPositiveValuesWithANote() throws {
        let text = syntheticTrainingLog().replacingOccurrences(of: "\"valid_accuracy\":", with: "\"valid_accuracy\":0,\"x\":")
        var curves = LearningCurves(runs: [try run(text, "a")])
        curves.metric = "accuracy"
        curves.logarithmicY = true
        let plot = try curves.plot()
        #expect(curves.notes == ["a.jsonl: left out 4 value(s) ≤ 0, which a log scale cannot show"])
        let outline = try XMLOutline(plot.svgDocument().rendered())
        #expect(outline.count("path") == 0)
        #expect(!outline.elements.contains { $0.name == "circle" && $0.attributes["clip-path"] != nil })
    }

    @Test func nothingToPlotNamesWhatTheLogHas() throws {
        var curves = LearningCurves(runs: [try run(syntheticTrainingLog(), "a")])
        curves.metric = "bleu"
        #expect(throws: TrainingLogError(file: "a.jsonl", problem: .nothingToPlot(
            metric: "bleu", available: ["accuracy", "items_per_second", "learning_rate", "loss"]))) { try curves.plot() }
        let error = TrainingLogError(file: "a.jsonl", problem: .nothingToPlot(metric: "bleu", available: ["loss"]))
        #expect(error.description.hasPrefix("a.jsonl: nothing to plot for metric \"bleu\""))
    }

    @Test func epochsNeedACompletedEpoch() throws {
        let text = syntheticTrainingLog(stepsPerEpoch: 1000, reportEvery: 10).split(separator: "\n").prefix(5).joined(separator: "\n") + "\n"
        var curves = LearningCurves(runs: [try run(text, "short")])
        #expect(try curves.plot().series.count == 1)
        curves.x = .epoch
        #expect(throws: TrainingLogError(file: "short.jsonl", problem: .noCompletedEpoch)) { try curves.plot() }
    }

    /// A validation-only log (a short tabular run: the trainer reports every 10 s) still plots.
    @Test func validationOnlyLogGetsANote() throws {
        let text = syntheticTrainingLog().split(separator: "\n").filter { !$0.contains("\"train\"") }.joined(separator: "\n")
        var curves = LearningCurves(runs: [try run(text, "tabular")])
        let plot = try curves.plot()
        #expect(plot.series.map(\.label) == [""], "one line needs no legend")
        #expect(curves.notes.count == 1 && curves.notes[0].hasPrefix("tabular.jsonl: no \"train\" records"))
    }

    @Test func labelsFromFileNames() {
        #expect(LearningCurves.labels(forFiles: ["runs/lstm.jsonl", "gru.log", "plain"]) == ["lstm", "gru", "plain"])
        #expect(LearningCurves.labels(forFiles: ["a/run/log.jsonl", "b/run/log.jsonl"]) == ["a/run/log", "b/run/log"])
        #expect(LearningCurves.labels(forFiles: ["x/a/log.jsonl", "y/b/log.jsonl", "c.jsonl"]) == ["a/log", "b/log", "c"])
        #expect(LearningCurves.labels(forFiles: [".hidden"]) == [".hidden"])
    }

    /// The library example in docs/plots.md, kept compiling and working (with the files in a
    /// temporary folder rather than the current one, which tests running in parallel share).
    @Test func documentationExample() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("recurrent-plot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        try writeAtomically(Data(syntheticTrainingLog().utf8), to: path("lstm.jsonl"))
        try writeAtomically(Data(syntheticTrainingLog(floor: 1).utf8), to: path("gru.jsonl"))

        let logs = try [path("lstm.jsonl"), path("gru.jsonl")].map { try TrainingLog(contentsOfFile: $0) }
        let names = LearningCurves.labels(forFiles: logs.map(\.file))
        var curves = LearningCurves(runs: zip(logs, names).map { LearningCurves.Run(log: $0, label: $1) })
        curves.x = .epoch
        let svg = try curves.plot().svgDocument().rendered()
        try writeAtomically(Data(svg.utf8), to: path("curves.svg"))

        let outline = try XMLOutline(try String(contentsOfFile: path("curves.svg"), encoding: .utf8))
        #expect(outline.count("path") == 4)
        #expect(outline.texts.contains("gru validation") && outline.texts.contains("epoch"))
    }
}
