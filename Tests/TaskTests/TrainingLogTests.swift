import Foundation
import RecurrentTasks
import RecurrentTestSupport
import Testing

/// Reading `--log` files back: records, clear errors with file and line, and runs that were
/// appended or resumed.
@Suite struct TrainingLogTests {
    @Test func readsNumbersOnly() throws {
        let log = try TrainingLog(text: syntheticTrainingLog(epochs: 1), file: "run.jsonl")
        #expect(log.records.map(\.event) == ["train", "train", "train", "train", "validation", "end"])
        let validation = log.records[4]
        #expect(validation.line == 5)
        #expect(validation.step == 100)
        #expect(validation.numbers["batch"] == 0)
        #expect(validation.numbers["improved"] == nil, "a boolean is not a number")
        #expect(log.records[5].numbers["reason"] == nil)
        #expect(log.notes.isEmpty)
    }

    @Test(arguments: [
        ("{\"event\":\"train\",\"step\":1}\n{\"event\":\"train\",\"step\":2\n{\"event\":\"end\"}\n", 2, "expected one JSON object per line"),
        ("[1, 2]\n\n", 1, "expected one JSON object per line"),
        ("\n\n{\"step\":3}\n", 3, "no \"event\" field"),
        ("{\"event\":7,\"step\":3}\n", 1, "no \"event\" field"),
        ("{\"event\":\"validation\",\"valid_loss\":2}\n", 1, "no \"step\" field"),
        ("{\"event\":\"train\",\"step\":\"12\",\"loss\":2}\n", 1, "no \"step\" field"),
    ])
    func malformedLinesNameFileAndLine(text: String, line: Int, message: String) throws {
        let error = try #require(throws: TrainingLogError.self) { try TrainingLog(text: text, file: "bad.jsonl") }
        #expect(error.line == line)
        #expect(error.description.hasPrefix("bad.jsonl:\(line): "), "\(error)")
        #expect(error.description.contains(message), "\(error)")
    }

    @Test func emptyAndMissingFiles() throws {
        #expect(throws: TrainingLogError(file: "e.jsonl", problem: .noRecords)) { try TrainingLog(text: "\n \n", file: "e.jsonl") }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("recurrent-log-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let empty = directory.appendingPathComponent("empty.jsonl").path
        #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
        #expect(throws: TrainingLogError(file: empty, problem: .noRecords)) { try TrainingLog(contentsOfFile: empty) }
        let missing = directory.appendingPathComponent("missing.jsonl").path
        let error = try #require(throws: TrainingLogError.self) { try TrainingLog(contentsOfFile: missing) }
        #expect(error.description.hasPrefix(missing + ": cannot read"), "\(error)")
        let binary = directory.appendingPathComponent("binary.jsonl").path
        #expect(FileManager.default.createFile(atPath: binary, contents: Data([0x7B, 0x0A, 0xFF, 0xFE])))
        let utf8Error = try #require(throws: TrainingLogError.self) { try TrainingLog(contentsOfFile: binary) }
        #expect(utf8Error.description.hasPrefix(binary + ":2:1: "), "\(utf8Error)")
    }

    /// A run still writing its log may end mid-line: that line is skipped with a note.
    @Test func incompleteLastLineIsSkipped() throws {
        let text = syntheticTrainingLog(epochs: 1) + "{\"event\":\"train\",\"st"
        let log = try TrainingLog(text: text, file: "live.jsonl")
        #expect(log.records.count == 6)
        #expect(log.notes == ["live.jsonl:7: skipped an incomplete last line (is the run still writing it?)"])
        #expect(throws: TrainingLogError.self) { try TrainingLog(text: text + "\n", file: "live.jsonl") }
    }

    /// The same --log used twice: the second run follows the first's `end`; only it is plotted.
    @Test func appendedRunsKeepTheLast() throws {
        let first = syntheticTrainingLog(epochs: 2), second = syntheticTrainingLog(epochs: 1, floor: 0.5)
        let log = try TrainingLog(text: first + second, file: "twice.jsonl")
        #expect(log.notes == ["twice.jsonl: holds 2 runs appended one after another; using the last"])
        let run = try TrainingLog(text: second, file: "once.jsonl").records
        #expect(log.lastRun.map(\.numbers) == run.map(\.numbers))
    }

    /// A resumed run replays the steps after its checkpoint; its records replace the old ones.
    @Test func resumedRunReplacesRecordsAfterTheCheckpoint() throws {
        func record(_ event: String, _ step: Int, _ loss: Double) -> String {
            event == "train" ? "{\"event\":\"train\",\"step\":\(step),\"loss\":\(loss)}\n"
                : "{\"event\":\"validation\",\"step\":\(step),\"valid_loss\":\(loss)}\n"
        }
        // Checkpoint at the validation of step 100; the run crashed after step 150.
        let crashed = record("train", 50, 3) + record("validation", 100, 2.5) + record("train", 120, 2.4) + record("train", 150, 2.3)
        let resumed = record("train", 130, 2.35) + record("validation", 200, 2) + "{\"event\":\"end\",\"step\":200}\n"
        let log = try TrainingLog(text: crashed + resumed, file: "resumed.jsonl")
        #expect(log.lastRun.map(\.step) == [50, 100, 120, 130, 200, 200])
        #expect(log.lastRun.map(\.event) == ["train", "validation", "train", "train", "validation", "end"])
        #expect(log.notes.isEmpty)
    }
}
