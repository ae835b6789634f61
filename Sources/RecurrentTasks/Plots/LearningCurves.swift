import Foundation

/// Learning curves from training logs: for each run, its training metric as a solid line and its
/// validation metric as a dashed line of the same colour, against steps, epochs or training time.
///
/// ```swift
/// let runs = try ["lstm.jsonl", "gru.jsonl"].map { try TrainingLog(contentsOfFile: $0) }
/// var curves = LearningCurves(runs: zip(runs, LearningCurves.labels(forFiles: runs.map(\.file))).map { .init(log: $0, label: $1) })
/// curves.x = .epoch
/// let svg = try curves.plot().svgDocument().rendered()
/// ```
///
/// A metric `m` is read from `train` records' field `m` and `validation` records' field `valid_m`:
/// `loss` gives both lines; `accuracy` or `perplexity` only the validation line; `learning_rate`
/// only the training one.
public struct LearningCurves: Sendable {
    /// What the horizontal axis counts.
    public enum XAxis: String, CaseIterable, Sendable {
        /// Optimizer steps (batches).
        case step
        /// Epochs, fractional between epoch ends (steps divided by the steps in one epoch).
        case epoch
        /// Training time (validation not counted), in seconds, minutes or hours by the longest run.
        case time
    }

    /// One training run: its log and the name the legend gives it.
    public struct Run: Sendable {
        public var log: TrainingLog
        public var label: String

        public init(log: TrainingLog, label: String) {
            self.log = log
            self.label = label
        }
    }

    public var runs: [Run]
    public var x: XAxis = .step
    public var metric = "loss"
    public var logarithmicY = false
    public var title: String?
    /// Pinned ends of the vertical axis (nil: fit the data).
    public var yLower: Double?, yUpper: Double?
    public var width = 800.0, height = 500.0
    /// Validation lines with at most this many points get a dot at each.
    public var markerLimit = 60

    public init(runs: [Run]) {
        self.runs = runs
    }

    /// Things worth telling the user (runs without training records, points a log scale cannot
    /// show, notes from reading the logs), filled by ``plot()``.
    public private(set) var notes: [String] = []

    /// The plot: two series per run (fewer when a run lacks one of the metrics).
    ///
    /// - Throws: ``TrainingLogError`` when a run has nothing to draw for ``metric``, has no completed
    ///   epoch to convert steps to epochs, or lacks a record's training time.
    public mutating func plot() throws -> LinePlot {
        notes = runs.flatMap(\.log.notes)
        let trainingSeconds = runs.flatMap { $0.log.lastRun.compactMap { $0.numbers["train_seconds"] } }.max() ?? 0
        let (timeUnit, timeName) = trainingSeconds > 3 * 3600 ? (3600.0, "h") : trainingSeconds > 180 ? (60.0, "min") : (1.0, "s")
        var plot = LinePlot(title: title, xTitle: x == .time ? "training time (\(timeName))" : x.rawValue, yTitle: metric)
        plot.yScale = logarithmicY ? .logarithmic : .linear
        plot.xLower = 0
        (plot.yLower, plot.yUpper, plot.width, plot.height) = (yLower, yUpper, width, height)

        var anyTraining = false, anyValidation = false
        var runOfSeries: [String] = []
        for (index, run) in runs.enumerated() {
            let records = run.log.lastRun
            // A validation at an epoch's end (batch 0 of the next) tells how many steps an epoch has.
            let stepsPerEpoch = records.lazy.compactMap { record -> Double? in
                guard record.event == "validation", record.numbers["batch"] == 0, let epoch = record.numbers["epoch"], epoch >= 1,
                      let step = record.step else { return nil }
                return step / epoch
            }.first
            func curve(event: String, field: String) throws -> (x: [Double], y: [Double]) {
                var points: [(x: Double, y: Double)] = []
                for record in records where record.event == event {
                    guard let value = record.numbers[field], let step = record.step else { continue }
                    switch x {
                    case .step:
                        points.append((step, value))
                    case .epoch:
                        guard let stepsPerEpoch, stepsPerEpoch > 0 else { throw TrainingLogError(file: run.log.file, problem: .noCompletedEpoch) }
                        points.append((step / stepsPerEpoch, value))
                    case .time:
                        guard let seconds = record.numbers["train_seconds"] else {
                            throw TrainingLogError(file: run.log.file, line: record.line, problem: .missingPosition(field: "train_seconds"))
                        }
                        points.append((seconds / timeUnit, value))
                    }
                }
                points.sort { $0.x < $1.x }
                return (points.map(\.x), points.map(\.y))
            }
            let training = try curve(event: "train", field: metric)
            let validation = try curve(event: "validation", field: "valid_" + metric)
            guard !training.x.isEmpty || !validation.x.isEmpty else {
                throw TrainingLogError(file: run.log.file, problem: .nothingToPlot(metric: metric, available: Self.metrics(in: records)))
            }
            if training.x.isEmpty && metric == "loss" {
                notes.append("\(run.log.file): no \"train\" records (the trainer writes one every 10 s of training); drawing validation only")
            }
            if logarithmicY {
                let hidden = (training.y + validation.y).filter { !($0 > 0) }.count
                if hidden > 0 { notes.append("\(run.log.file): left out \(hidden) value(s) ≤ 0, which a log scale cannot show") }
            }
            let color = PlotPalette.color(index)
            anyTraining = anyTraining || !training.x.isEmpty
            anyValidation = anyValidation || !validation.x.isEmpty
            if !training.x.isEmpty {
                plot.series.append(LineSeries(label: "training", x: training.x, y: training.y, color: color, width: 1.6))
                runOfSeries.append(run.label)
            }
            if !validation.x.isEmpty {
                plot.series.append(LineSeries(label: "validation", x: validation.x, y: validation.y, color: color, width: 1.8,
                                              dashes: PlotPalette.dashed, showsMarkers: validation.x.count <= markerLimit))
                runOfSeries.append(run.label)
            }
        }
        // The legend says only what the axis title does not: the run, and the kind when both kinds are drawn.
        if !anyTraining { plot.yTitle = "validation " + metric }
        if !anyValidation { plot.yTitle = "training " + metric }
        for index in plot.series.indices {
            let kind = anyTraining && anyValidation ? plot.series[index].label : ""
            plot.series[index].label = runs.count > 1 ? [runOfSeries[index], kind].filter { !$0.isEmpty }.joined(separator: " ") : kind
        }
        return plot
    }

    /// The metrics a log can plot: training records' numeric fields and validation records'
    /// `valid_` fields (without the prefix), less the ones that say where a record is.
    static func metrics(in records: [TrainingLog.Record]) -> [String] {
        let positions: Set<String> = ["step", "epoch", "batch", "train_seconds", "seconds"]
        var names = Set<String>()
        for record in records {
            if record.event == "train" { names.formUnion(record.numbers.keys) }
            if record.event == "validation" {
                names.formUnion(record.numbers.keys.filter { $0.hasPrefix("valid_") }.map { String($0.dropFirst(6)) })
            }
        }
        return names.subtracting(positions).sorted()
    }

    /// Legend names for runs from their files: the file name without its extension
    /// (`runs/lstm.jsonl` → `lstm`), with as many parent folders as it takes to tell files of the
    /// same name apart (`a/log.jsonl`, `b/log.jsonl` → `a/log`, `b/log`).
    public static func labels(forFiles files: [String]) -> [String] {
        let components = files.map { file -> [String] in
            var parts = file.split(separator: "/").map(String.init)
            if let last = parts.popLast() {
                let name = (last as NSString).deletingPathExtension
                parts.append(name.isEmpty ? last : name)
            }
            return parts.isEmpty ? [file] : parts
        }
        let longest = components.map(\.count).max() ?? 1
        for depth in 1...max(longest, 1) {
            let labels = components.map { $0.suffix(depth).joined(separator: "/") }
            if Set(labels).count == labels.count || depth == longest { return labels }
        }
        return files
    }
}
