import Foundation
import RecurrentData

/// A JSON-lines log written by ``MetricsLog`` (the `--log` file of the training commands), read
/// back: one record per line, each with an `event` (`train`, `validation`, `end`, or others a
/// later version writes) and its numeric fields (`step`, `epoch`, `train_seconds`, `loss`,
/// `valid_loss`, `valid_accuracy` …).
///
/// ```swift
/// let log = try TrainingLog(contentsOfFile: "run.jsonl")
/// let losses = log.lastRun.filter { $0.event == "validation" }.compactMap { $0.numbers["valid_loss"] }
/// ```
public struct TrainingLog: Sendable {
    public struct Record: Sendable, Equatable {
        /// What the record is about: `train` (a report during training), `validation`, `end`.
        public var event: String
        /// The record's 1-based line in the file.
        public var line: Int
        /// Every field whose value is a number (booleans, strings and nulls are left out).
        public var numbers: [String: Double]

        public init(event: String, line: Int, numbers: [String: Double]) {
            self.event = event
            self.line = line
            self.numbers = numbers
        }

        public var step: Double? { numbers["step"] }
    }

    /// The file as named by the caller.
    public let file: String
    /// Every record, in file order.
    public let records: [Record]
    /// Things a reader should know that are not errors (an incomplete last line skipped, several
    /// runs in one file), as sentences naming the file.
    public private(set) var notes: [String] = []

    /// Reads and parses `path`.
    ///
    /// - Throws: ``TrainingLogError`` naming the file (and line) for an unreadable file, text that
    ///   is not UTF-8, a line that is not a JSON object, or a record without a usable `event` or `step`.
    public init(contentsOfFile path: String) throws {
        let text: String
        do {
            text = try TextFile.read(path)
        } catch let error as TextFileError {
            if error.problem == .empty { throw TrainingLogError(file: path, problem: .noRecords) }
            throw TrainingLogError(file: path, line: error.line, problem: .unreadable(error.description))
        }
        try self.init(text: text, file: path)
    }

    /// Parses log text; `file` names it in errors.
    ///
    /// Empty lines are skipped. A last line that is not complete (no line break after it, and not
    /// valid JSON) is skipped with a note: the log of a run still in progress may end mid-write.
    public init(text: String, file: String) throws {
        self.file = file
        var records: [Record] = []
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let decoder = JSONDecoder()
        for (index, line) in lines.enumerated() {
            let number = index + 1
            guard !line.allSatisfy(\.isWhitespace) else { continue }
            let fields: [String: LogValue]
            do {
                fields = try decoder.decode([String: LogValue].self, from: Data(line.utf8))
            } catch {
                if index == lines.count - 1 {
                    notes.append("\(file):\(number): skipped an incomplete last line (is the run still writing it?)")
                    continue
                }
                throw TrainingLogError(file: file, line: number, problem: .notAJSONObject(found: Self.excerpt(line)))
            }
            guard case .text(let event)? = fields["event"] else {
                throw TrainingLogError(file: file, line: number, problem: .missingField("event", expected: "a string such as \"train\""))
            }
            var numbers: [String: Double] = [:]
            for (key, value) in fields { if case .number(let number) = value { numbers[key] = number } }
            if event == "train" || event == "validation" {
                guard let step = numbers["step"], step >= 0 else {
                    throw TrainingLogError(file: file, line: number, problem: .missingField("step", expected: "a number ≥ 0"))
                }
            }
            records.append(Record(event: event, line: number, numbers: numbers))
        }
        self.records = records
        if records.isEmpty { throw TrainingLogError(file: file, problem: .noRecords) }
        let runs = records.dropLast().filter { $0.event == "end" }.count + 1
        if runs > 1 { notes.append("\(file): holds \(runs) runs appended one after another; using the last") }
    }

    /// The start of a line as a message can show it: at most 80 characters, control characters
    /// (which could upset a terminal) replaced.
    static func excerpt(_ line: Substring) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in line.prefix(80).unicodeScalars { scalars.append(scalar.value < 0x20 || scalar.value == 0x7F ? "\u{FFFD}" : scalar) }
        return String(scalars) + (line.count > 80 ? "…" : "")
    }

    /// The records of the last run in the file, as that run's model saw them.
    ///
    /// Two things can make a log hold more than one history. Running again with the same `--log`
    /// appends a new run after the old one's `end` record: only the last run is kept. Resuming
    /// from a checkpoint replays the steps after it: the old records from there on are replaced
    /// by the resumed run's (a record whose step goes back drops the kept ones at or after it).
    public var lastRun: [Record] {
        var kept: [Record] = []
        var ended = false, latestStep = -Double.infinity
        for record in records {
            if record.event == "end" {
                ended = true
                kept.append(record)
                continue
            }
            if ended {
                kept.removeAll()
                ended = false
                latestStep = -.infinity
            }
            if let step = record.step {
                if step < latestStep { kept.removeAll { ($0.step ?? -.infinity) >= step } }
                latestStep = max(latestStep, step)
            }
            kept.append(record)
        }
        return kept
    }

    /// A JSON value as far as a log reader cares: a number, a string, or anything else.
    private enum LogValue: Decodable {
        case number(Double), text(String), other

        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if (try? container.decode(Bool.self)) != nil {
                self = .other
            } else if let number = try? container.decode(Double.self) {
                self = .number(number)
            } else if let text = try? container.decode(String.self) {
                self = .text(text)
            } else {
                self = .other
            }
        }
    }
}

/// Why a training log cannot be read or plotted, located as a compiler would: `file:line: message`.
public struct TrainingLogError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Problem: Equatable, Sendable {
        /// The file cannot be read as text (the reader's own message, which names the file).
        case unreadable(String)
        /// The line is not one JSON object.
        case notAJSONObject(found: String)
        /// A record lacks a field or has the wrong kind of value in it.
        case missingField(String, expected: String)
        /// The file holds no records at all.
        case noRecords
        /// The log has nothing to draw for the requested metric; `available` lists what it has.
        case nothingToPlot(metric: String, available: [String])
        /// Steps cannot be turned into epochs: no validation ran at the end of an epoch.
        case noCompletedEpoch
        /// A record needed for the requested x axis lacks its field (`train_seconds`, say).
        case missingPosition(field: String)
    }

    public var file: String
    public var line: Int?
    public var problem: Problem

    public init(file: String, line: Int? = nil, problem: Problem) {
        self.file = file
        self.line = line
        self.problem = problem
    }

    public var description: String {
        let location = file + (line.map { ":\($0)" } ?? "")
        switch problem {
        case .unreadable(let message):
            return message
        case .notAJSONObject(let found):
            return "\(location): expected one JSON object per line (a training log written with --log), found: \(found)"
        case .missingField(let field, let expected):
            return "\(location): the record has no \"\(field)\" field holding \(expected)"
        case .noRecords:
            return "\(location): the log holds no records"
        case .nothingToPlot(let metric, let available):
            let listed = available.isEmpty ? "it has no metrics at all" : "it has " + available.joined(separator: ", ")
            return "\(location): nothing to plot for metric \"\(metric)\" (no \"train\" record with \"\(metric)\" and no "
                + "\"validation\" record with \"valid_\(metric)\"); \(listed)"
        case .noCompletedEpoch:
            return "\(location): no epoch was completed, so steps cannot be turned into epochs; plot with --x step or --x time"
        case .missingPosition(let field):
            return "\(location): the record has no \"\(field)\" to place it on the x axis"
        }
    }
}
