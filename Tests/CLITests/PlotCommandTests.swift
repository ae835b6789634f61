import Foundation
import RecurrentTestSupport
import Testing

/// `recurrent plot`, run as a user would: logs in, an SVG out, or exit 1 and nothing written.
@Suite struct PlotCommandTests {
    @Test func twoLogsToSVG() throws {
        let directory = try TemporaryDirectory()
        let lstm = try directory.write("lstm.jsonl", syntheticTrainingLog())
        let gru = try directory.write("gru.jsonl", syntheticTrainingLog(floor: 1.2))
        let out = directory.path("curves.svg")
        let result = try CommandRunner.run(["plot", lstm, gru, "--out", out, "--x", "epoch", "--log-y", "--title", "LSTM & GRU"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.isEmpty)
        #expect(result.standardError.contains("wrote \(out) (4 lines from 2 logs)"), "\(result.standardError)")
        let outline = try XMLOutline(try String(contentsOfFile: out, encoding: .utf8))
        #expect(outline.count("path") == 4)
        for text in ["lstm training", "gru validation", "epoch", "loss", "LSTM & GRU"] { #expect(outline.texts.contains(text)) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path).sorted() == ["curves.svg", "gru.jsonl", "lstm.jsonl"],
                "no temporary file left behind")
    }

    @Test func labelsMetricAndSize() throws {
        let directory = try TemporaryDirectory()
        let log = try directory.write("run.jsonl", syntheticTrainingLog())
        let out = directory.path("accuracy.svg")
        let result = try CommandRunner.run(["plot", log, log, "--label", "first", "--label", "second", "--metric", "accuracy",
                                            "--width", "400", "--height", "300", "--y-min", "0", "--y-max", "1", "--out", out])
        #expect(result.status == 0, "\(result.standardError)")
        let outline = try XMLOutline(try String(contentsOfFile: out, encoding: .utf8))
        #expect(outline.count("path") == 2)
        #expect(outline.texts.contains("first") && outline.texts.contains("second") && outline.texts.contains("validation accuracy"))
        #expect(outline.elements.first?.attributes["width"] == "400")
        #expect(outline.texts.contains("0.0") && outline.texts.contains("1.0"), "the pinned ends are ticks: \(outline.texts)")
    }

    /// The Trainer's own log, from `train classifier --log`, plots training and validation loss:
    /// the trainer writes the training loss before every validation, however short the run.
    @Test func trainerLogFromTheTabularCommand() throws {
        let directory = try TemporaryDirectory()
        let csv = try directory.write("train.csv", TabularCommandTests.data(rows: 120).classification)
        let log = directory.path("log.jsonl"), out = directory.path("curves.svg")
        let train = try CommandRunner.run(["train", "classifier", "--csv", csv, "--target", "label", "--epochs", "5",
                                           "--validation-split", "0.25", "--log", log, "--out", directory.path("model.safetensors")])
        #expect(train.status == 0, "\(train.standardError)")
        let result = try CommandRunner.run(["plot", log, "--x", "epoch", "--out", out])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(!result.standardError.contains("no \"train\" records"), "\(result.standardError)")
        let outline = try XMLOutline(try String(contentsOfFile: out, encoding: .utf8))
        #expect(outline.count("path") == 2)
        #expect(outline.elements.filter { $0.name == "circle" }.count == 5 + 1, "one dot per epoch's validation, one in the legend")
        #expect(outline.texts.contains("training") && outline.texts.contains("validation"))
    }

    /// A malformed log: exit 1, the message names file and line, and no image is written.
    @Test func malformedLogFailsWithFileAndLine() throws {
        let directory = try TemporaryDirectory()
        let good = try directory.write("good.jsonl", syntheticTrainingLog())
        let lines = syntheticTrainingLog().split(separator: "\n")
        let bad = try directory.write("bad.jsonl", lines[0] + "\n" + lines[1] + "\n{\"event\": \"train\", \"step\": 75, loss: 2}\n" + lines[2] + "\n")
        let out = directory.path("curves.svg")
        let result = try CommandRunner.run(["plot", good, bad, "--out", out])
        #expect(result.status == 1)
        #expect(result.standardError.contains("\(bad):3: expected one JSON object per line"), "\(result.standardError)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test(arguments: [
        (["--label", "only-one"], "--label is given 1 time(s) for 2 log(s)"),
        (["--width", "10"], "--width must be 200 to 20000"),
        (["--log-y", "--y-min", "0"], "--y-min must be positive with --log-y"),
        (["--y-min", "2", "--y-max", "1"], "--y-min must be below --y-max"),
        (["--x", "wall"], "wall"),
        (["--metric", "bleu"], "nothing to plot for metric \"bleu\""),
    ])
    func badFlagsExitOne(flags: [String], message: String) throws {
        let directory = try TemporaryDirectory()
        let log = try directory.write("run.jsonl", syntheticTrainingLog())
        let out = directory.path("curves.svg")
        let result = try CommandRunner.run(["plot", log, log, "--out", out] + flags)
        #expect(result.status == 1)
        #expect(result.standardError.contains(message), "\(result.standardError)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func pngNameAndMissingFile() throws {
        let directory = try TemporaryDirectory()
        let log = try directory.write("run.jsonl", syntheticTrainingLog())
        let png = try CommandRunner.run(["plot", log, "--out", directory.path("curves.png")])
        #expect(png.status == 1 && png.standardError.contains("the image is SVG"), "\(png.standardError)")
        let missing = directory.path("missing.jsonl")
        let result = try CommandRunner.run(["plot", missing, "--out", directory.path("curves.svg")])
        #expect(result.status == 1 && result.standardError.contains("\(missing): cannot read"), "\(result.standardError)")
    }
}
