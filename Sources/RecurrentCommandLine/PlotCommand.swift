import ArgumentParser
import Foundation
import Recurrent

extension LearningCurves.XAxis: ExpressibleByArgument {}

/// `recurrent plot LOG.jsonl ... --out curves.svg`: learning curves from training logs.
struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Draw learning curves from training logs (--log files) as an SVG image.",
        discussion: """
            One colour per log: training as a solid line, validation dashed. A metric NAME is read \
            from the "train" records' field NAME and the "validation" records' field valid_NAME, so \
            --metric loss draws both, --metric accuracy or perplexity the validation line only. \
            When a log holds several runs appended one after another, the last is drawn; a \
            resumed run replaces the records after its checkpoint.

            Convert to PNG with, for example, rsvg-convert curves.svg -o curves.png.
            """
    )

    @Argument(help: "JSON-lines logs written by `recurrent train ... --log FILE`.")
    var logs: [String]

    @Option(help: "Where to write the SVG image.")
    var out: String

    @Option(help: "Horizontal axis: optimizer steps, epochs, or training time.")
    var x: LearningCurves.XAxis = .step

    @Option(help: "The metric to draw (loss, or a validation metric such as accuracy or perplexity).")
    var metric = "loss"

    @Flag(help: "A logarithmic vertical axis.")
    var logY = false

    @Option(name: .customLong("label"), help: "The legend's name for a run, once per log in order (default: the file's name).")
    var labels: [String] = []

    @Option(help: "A title above the plot.")
    var title: String?

    @Option(help: "The lowest value on the vertical axis (default: fit the data).")
    var yMin: Double?

    @Option(help: "The highest value on the vertical axis (default: fit the data).")
    var yMax: Double?

    @Option(help: "Image width in pixels.")
    var width = 800

    @Option(help: "Image height in pixels.")
    var height = 500

    func validate() throws {
        guard !logs.isEmpty else { throw ValidationError("give at least one log file") }
        guard labels.isEmpty || labels.count == logs.count else {
            throw ValidationError("--label is given \(labels.count) time(s) for \(logs.count) log(s); give one per log, in order")
        }
        guard (200...20_000).contains(width), (150...20_000).contains(height) else {
            throw ValidationError("--width must be 200 to 20000 and --height 150 to 20000 pixels")
        }
        for (flag, value) in [("--y-min", yMin), ("--y-max", yMax)] {
            if let value, !value.isFinite { throw ValidationError("\(flag) must be a finite number") }
            if logY, let value, value <= 0 { throw ValidationError("\(flag) must be positive with --log-y") }
        }
        if let yMin, let yMax, yMin >= yMax { throw ValidationError("--y-min must be below --y-max") }
        let suffix = (out as NSString).pathExtension.lowercased()
        guard suffix.isEmpty || suffix == "svg" else {
            throw ValidationError("--out \(out): the image is SVG; name it .svg (for PNG: rsvg-convert curves.svg -o curves.png)")
        }
    }

    func run() throws {
        try checkWritableDestination(out, flag: "--out")
        let readLogs = try logs.map { try TrainingLog(contentsOfFile: $0) }
        let names = labels.isEmpty ? LearningCurves.labels(forFiles: logs) : labels
        var curves = LearningCurves(runs: zip(readLogs, names).map { LearningCurves.Run(log: $0, label: $1) })
        curves.x = x
        curves.metric = metric
        curves.logarithmicY = logY
        curves.title = title
        (curves.yLower, curves.yUpper) = (yMin, yMax)
        (curves.width, curves.height) = (Double(width), Double(height))
        let plot = try curves.plot()
        for note in curves.notes { printError("note: " + note) }
        try writeAtomically(Data(plot.svgDocument().rendered().utf8), to: out)
        printError("wrote \(out) (\(plot.series.count) line\(plot.series.count == 1 ? "" : "s") from \(logs.count) log\(logs.count == 1 ? "" : "s"))")
    }
}
