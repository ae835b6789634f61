import Foundation
import RecurrentTestSupport
import Testing

/// `recurrent train seq2seq`, `translate`, `evaluate seq2seq` and `attention`, run as a user would.
@Suite struct Seq2SeqCommandTests {
    func json(_ text: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    static let tiny = ["--hidden", "12", "--embed", "6", "--batch", "16", "--lr", "0.01", "--dropout", "0"]

    @Test func textModelEndToEnd() throws {
        let directory = try TemporaryDirectory()
        let sources = (0..<40).map { ["ein hund läuft .", "zwei katzen schlafen .", "ein mann isst ."][$0 % 3] }
        let targets = (0..<40).map { ["A dog runs.", "Two cats sleep.", "A man eats."][$0 % 3] }
        let source = try directory.write("train.de", sources.joined(separator: "\n") + "\n")
        let target = try directory.write("train.en", targets.joined(separator: "\n") + "\n")
        let model = directory.path("m.safetensors")
        let trained = try CommandRunner.run(["train", "seq2seq", "--source", source, "--target", target, "--valid-source", source,
                                             "--valid-target", target, "--epochs", "30", "--select", "loss", "--min-count", "1", "--out", model] + Self.tiny)
        #expect(trained.status == 0, "\(trained.standardError)")
        #expect(trained.standardOutput.isEmpty && trained.standardError.contains("best validation loss"))

        let evaluated = try CommandRunner.run(["evaluate", "--model", model, "--source", source, "--reference", target, "--beam", "3", "--json"])
        #expect(evaluated.status == 0, "\(evaluated.standardError)")
        let metrics = try json(evaluated.standardOutput)
        #expect(Set(metrics.keys) == ["bleu", "precisions", "brevity_penalty", "ratio", "hypothesis_length", "reference_length",
                                      "bleu_lowercase", "loss", "perplexity", "exact_match", "sentences", "translate_seconds"])
        #expect((metrics["bleu"] as? Double ?? 0) > 90, "three sentences, learned: \(metrics)")
        #expect(metrics["sentences"] as? Int == 40)

        let input = try directory.write("in.de", "ein hund läuft .\nzwei katzen schlafen .\n")
        let translated = try CommandRunner.run(["translate", "--model", model, "--input", input])
        #expect(translated.status == 0 && translated.standardOutput == "A dog runs.\nTwo cats sleep.\n", "\(translated.standardOutput.debugDescription)")
        let nBest = try CommandRunner.run(["translate", "--model", model, "--input", input, "--beam", "3", "--n-best", "2"])
        let lines = nBest.standardOutput.split(separator: "\n")
        #expect(lines.count == 4 && lines[0].hasPrefix("0 ||| A dog runs. ||| ") && lines[2].hasPrefix("1 ||| Two cats sleep. ||| "))
        let predicted = try CommandRunner.run(["predict", "--model", model, "--input", input, "--json"])
        let translations = try #require(try json(predicted.standardOutput)["translations"] as? [[String: Any]])
        #expect(translations.count == 2)

        let picture = directory.path("map.svg")
        let drawn = try CommandRunner.run(["attention", "--model", model, "--source", "ein mann isst .", "--out", picture])
        #expect(drawn.status == 0 && drawn.standardOutput == "A man eats.\n", "\(drawn.standardError)")
        let outline = try XMLOutline(String(contentsOfFile: picture, encoding: .utf8))
        #expect(outline.texts.contains("ein") && outline.texts.contains("</s>") && outline.texts.contains("man"))
    }

    @Test func syntheticReverseLearnsAndResumes() throws {
        let directory = try TemporaryDirectory()
        let model = directory.path("r.safetensors")
        let arguments = ["train", "seq2seq", "--synthetic", "reverse", "--length", "2-3", "--examples", "64", "--valid-bleu-sentences", "32",
                         "--out", model] + Self.tiny
        let first = try CommandRunner.run(arguments + ["--epochs", "1"])
        #expect(first.status == 0, "\(first.standardError)")
        let resumed = try CommandRunner.run(arguments + ["--epochs", "2", "--resume"])
        #expect(resumed.status == 0 && resumed.standardError.contains("resuming"), "\(resumed.standardError)")
        #expect(resumed.standardError.contains("after 2 epochs"))
    }

    @Test func pretrainedVectorsInitializeBothEmbeddings() throws {
        let directory = try TemporaryDirectory()
        let source = try directory.write("s.txt", "ein hund\nein mann\n"), target = try directory.write("t.txt", "a dog\na man\n")
        let vectors = try directory.write("v.txt", "dog 1 2 3\nhund 4 5 6\nman 7 8 9\n")
        let model = directory.path("m.safetensors")
        let trained = try CommandRunner.run(["train", "seq2seq", "--source", source, "--target", target, "--epochs", "1", "--min-count", "1",
                                             "--hidden", "4", "--embeddings", vectors, "--freeze", "--out", model])
        #expect(trained.status == 0, "\(trained.standardError)")
        #expect(trained.standardError.contains("1 of 7 words found in \(vectors)") && trained.standardError.contains("2 of 7 words found"),
                "source: hund; target: dog and man (of the 4 specials and 3 words each)")
        #expect(trained.standardError.contains("embedding 3"), "the embedding takes the vectors' size")
    }

    @Test func badInputFailsWithItsPlaceAndWritesNothing() throws {
        let directory = try TemporaryDirectory()
        let source = try directory.write("s.txt", "a b\nc d\n"), target = try directory.write("t.txt", "x y\n")
        let model = directory.path("m.safetensors")
        let mismatched = try CommandRunner.run(["train", "seq2seq", "--source", source, "--target", target, "--epochs", "1", "--out", model])
        #expect(mismatched.status == 1 && mismatched.standardError.contains("\(target):2: \(target) has 1 lines but \(source) has 2"),
                "\(mismatched.standardError)")
        let empty = try directory.write("empty.txt", "")
        let emptied = try CommandRunner.run(["train", "seq2seq", "--source", empty, "--target", target, "--epochs", "1", "--out", model])
        #expect(emptied.status == 1 && emptied.standardError.contains("\(empty): the file is empty"))
        let invalidPath = directory.path("bad.txt")
        try Data([0x61, 0x0A, 0x62, 0xFF, 0x0A]).write(to: URL(fileURLWithPath: invalidPath))
        let invalid = try CommandRunner.run(["train", "seq2seq", "--source", invalidPath, "--target", source, "--epochs", "1", "--out", model])
        #expect(invalid.status == 1 && invalid.standardError.contains("\(invalidPath):2:2: the text is not valid UTF-8"), "\(invalid.standardError)")
        let dot = try CommandRunner.run(["train", "seq2seq", "--synthetic", "copy", "--attention", "dot", "--epochs", "1", "--out", model])
        #expect(dot.status == 1 && dot.standardError.contains("dot attention"))
        let both = try CommandRunner.run(["train", "seq2seq", "--synthetic", "copy", "--source", source, "--epochs", "1", "--out", model])
        #expect(both.status == 1)
        #expect(!FileManager.default.fileExists(atPath: model))
        let notAModel = try CommandRunner.run(["translate", "--model", source])
        #expect(notAModel.status == 1)
    }
}
