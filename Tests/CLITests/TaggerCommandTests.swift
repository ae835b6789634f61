import Foundation
import RecurrentTestSupport
import Testing

/// `recurrent train tagger`, `tag`, `evaluate tagger` and `bench tagger`, run as a user would,
/// on a small generated corpus.
@Suite struct TaggerCommandTests {
    /// A toy language: DET ADJ* NOUN [ADV] VERB DET NOUN PUNCT; `runs`/`walks` are nouns after a
    /// determiner and verbs after a noun; made-up `-ly` adverbs.
    static func corpus(sentences: Int, seed: UInt64) -> [(words: [String], tags: [String])] {
        var state = seed &* 6364136223846793005 &+ 1442695040888963407
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        let determiners = ["the", "a", "some"], adjectives = ["big", "red", "old"], nouns = ["dog", "cat", "runs", "tree"]
        let verbs = ["sees", "runs", "walks", "likes"], stems = ["quick", "slow", "blor", "frim", "gast", "zell"]
        var result: [(words: [String], tags: [String])] = []
        for _ in 0..<sentences {
            var words: [String] = [], tags: [String] = []
            func add(_ word: String, _ tag: String) { words.append(word); tags.append(tag) }
            func nounPhrase() {
                add(determiners[next(3)], "DET")
                if next(2) == 0 { add(adjectives[next(3)], "ADJ") }
                add(nouns[next(4)], "NOUN")
            }
            nounPhrase()
            if next(3) == 0 { add(stems[next(6)] + "ly", "ADV") }
            add(verbs[next(4)], "VERB")
            nounPhrase()
            add(".", "PUNCT")
            result.append((words, tags))
        }
        return result
    }

    static func conllu(_ sentences: [(words: [String], tags: [String])]) -> String {
        sentences.enumerated().map { index, sentence in
            "# sent_id = \(index + 1)\n" + zip(sentence.words, sentence.tags).enumerated().map { position, pair in
                "\(position + 1)\t\(pair.0)\t\(pair.0)\t\(pair.1)\t_\t_\t0\tdep\t_\t_\n"
            }.joined() + "\n"
        }.joined()
    }

    static func columns(_ sentences: [(words: [String], tags: [String])]) -> String {
        sentences.map { zip($0.words, $0.tags).map { "\($0) \($1)\n" }.joined() + "\n" }.joined()
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not JSON: \(text)")
    }

    @Test func trainEvaluateAndTagEveryModel() throws {
        let directory = try TemporaryDirectory()
        let train = try directory.write("train.conllu", Self.conllu(Self.corpus(sentences: 80, seed: 1)))
        let dev = try directory.write("dev.conllu", Self.conllu(Self.corpus(sentences: 20, seed: 2)))
        for (model, extra) in [("hmm", [String]()), ("crf", ["--epochs", "30"]), ("perceptron", ["--epochs", "4"])] {
            let out = directory.path("\(model).safetensors"), log = directory.path("\(model).jsonl")
            let trained = try CommandRunner.run(["train", "tagger", "--train", train, "--dev", dev, "--model", model, "--seed", "1",
                                                 "--log", log, "--out", out] + extra)
            #expect(trained.status == 0, "\(model): \(trained.standardError)")
            #expect(trained.standardOutput.isEmpty, "progress goes to stderr")
            #expect(trained.standardError.contains("dev accuracy"))
            let records = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
            #expect(records.last?.contains("\"event\":\"end\"") == true, "\(model)")
            if model == "perceptron" {
                // The log is one `recurrent plot` reads: dev accuracy per epoch.
                let plotted = try CommandRunner.run(["plot", log, "--metric", "accuracy", "--x", "step", "--out", directory.path("p.svg")])
                #expect(plotted.status == 0, "\(plotted.standardError)")
                #expect(try String(contentsOfFile: directory.path("p.svg"), encoding: .utf8).contains("<svg"))
            }
            // `evaluate --model` finds the tagger's own evaluation from the file's kind.
            let evaluated = try CommandRunner.run(["evaluate", "--model", out, "--data", dev, "--json"])
            #expect(evaluated.status == 0, "\(evaluated.standardError)")
            let metrics = try json(evaluated.standardOutput)
            for key in ["accuracy", "known_accuracy", "unknown_accuracy", "sentence_accuracy", "per_tag", "tokens"] {
                #expect(metrics[key] != nil, "\(model): \(key)")
            }
            #expect((metrics["accuracy"] as? Double ?? 0) > 0.9, "\(model): \(metrics)")
            #expect(metrics["chunks"] == nil, "UPOS tags are not chunk tags")
            let text = try directory.write("input.txt", "the dog runs a cat .\nsome old tree walks the runs .\n")
            let tagged = try CommandRunner.run(["tag", "--model", out, "--input", text])
            #expect(tagged.status == 0, "\(tagged.standardError)")
            let lines = tagged.standardOutput.split(separator: "\n")
            #expect(lines.count == 2)
            #expect(lines.first == "the/DET dog/NOUN runs/VERB a/DET cat/NOUN ./PUNCT", "\(model): \(tagged.standardOutput)")
        }
    }

    @Test func conlluInConlluOut() throws {
        let directory = try TemporaryDirectory()
        let train = try directory.write("train.conllu", Self.conllu(Self.corpus(sentences: 60, seed: 3)))
        let model = directory.path("m.safetensors")
        #expect(try CommandRunner.run(["train", "tagger", "--train", train, "--model", "hmm", "--out", model]).status == 0)
        let input = "# text = the cat sees a dog.\n1\tthe\t_\t_\t_\t_\t_\t_\t_\t_\n2-3\tcatsees\t_\t_\t_\t_\t_\t_\t_\t_\n"
            + "2\tcat\t_\t_\t_\t_\t_\t_\t_\t_\n3\tsees\t_\t_\t_\t_\t_\t_\t_\t_\n4\ta\t_\t_\t_\t_\t_\t_\t_\t_\n5\tdog\t_\t_\t_\t_\t_\t_\t_\t_\n\n"
        let file = try directory.write("in.conllu", input)
        let tagged = try CommandRunner.run(["tag", "--model", model, "--input", file])
        #expect(tagged.status == 0, "\(tagged.standardError)")
        let lines = tagged.standardOutput.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == "# text = the cat sees a dog.")
        #expect(lines[1] == "1\tthe\t_\tDET\t_\t_\t_\t_\t_\t_")
        #expect(lines[2] == "2-3\tcatsees\t_\t_\t_\t_\t_\t_\t_\t_")
        #expect(lines[4] == "3\tsees\t_\tVERB\t_\t_\t_\t_\t_\t_")
        let asJSON = try json(try CommandRunner.run(["tag", "--model", model, "--input", file, "--json"]).standardOutput)
        let sentences = try #require(asJSON["sentences"] as? [[String: [String]]])
        #expect(sentences.first?["tags"] == ["DET", "NOUN", "VERB", "DET", "NOUN"])
    }

    @Test func chunkTagsGetConllevalScores() throws {
        let directory = try TemporaryDirectory()
        // BIO chunks: noun phrases and verbs of the toy language, in a CoNLL-2000-style file.
        let chunked = Self.corpus(sentences: 60, seed: 4).map { sentence -> (words: [String], tags: [String]) in
            var tags: [String] = []
            for (index, tag) in sentence.tags.enumerated() {
                switch tag {
                case "DET": tags.append("B-NP")
                case "ADJ", "NOUN": tags.append(index > 0 && ["DET", "ADJ"].contains(sentence.tags[index - 1]) ? "I-NP" : "B-NP")
                case "VERB": tags.append("B-VP")
                default: tags.append("O")
                }
            }
            return (sentence.words, tags)
        }
        let train = try directory.write("train.txt", Self.columns(chunked)), model = directory.path("m.safetensors")
        let trained = try CommandRunner.run(["train", "tagger", "--train", train, "--format", "columns", "--model", "perceptron", "--epochs", "3",
                                             "--out", model])
        #expect(trained.status == 0, "\(trained.standardError)")
        let metrics = try json(try CommandRunner.run(["evaluate", "tagger", "--model", model, "--data", train, "--json"]).standardOutput)
        let chunks = try #require(metrics["chunks"] as? [String: Any])
        #expect((chunks["f1"] as? Double ?? 0) > 0.9, "\(chunks)")
        #expect((chunks["per_type"] as? [String: Any])?["NP"] != nil)
        let columns = try CommandRunner.run(["tag", "--model", model, "--format", "columns", "--input", train])
        #expect(columns.standardOutput.split(separator: "\n").first?.split(separator: " ").count == 3, "word, gold tag, predicted tag")
    }

    @Test func errorsNameTheFileLineAndColumn() throws {
        let directory = try TemporaryDirectory()
        let train = try directory.write("train.conllu", Self.conllu(Self.corpus(sentences: 30, seed: 5)))
        let model = directory.path("m.safetensors")
        #expect(try CommandRunner.run(["train", "tagger", "--train", train, "--model", "hmm", "--out", model]).status == 0)
        // A tag the model does not know.
        let unknown = try directory.write("unknown.conllu", "1\tthe\tthe\tDET\t_\t_\t0\tdep\t_\t_\n2\tdog\tdog\tNOUNX\t_\t_\t0\tdep\t_\t_\n\n")
        let evaluated = try CommandRunner.run(["evaluate", "tagger", "--model", model, "--data", unknown, "--json"])
        #expect(evaluated.status == 1)
        #expect(evaluated.standardError.contains("unknown.conllu:2:11: unknown tag \"NOUNX\""), "\(evaluated.standardError)")
        #expect(evaluated.standardOutput.isEmpty)
        // Too few columns: nothing is written.
        let broken = try directory.write("broken.conllu", "1\tthe\tthe\tDET\n")
        let out = directory.path("never.safetensors")
        let failed = try CommandRunner.run(["train", "tagger", "--train", broken, "--model", "crf", "--out", out])
        #expect(failed.status == 1)
        #expect(failed.standardError.contains("broken.conllu:1:14: expected 10 columns"), "\(failed.standardError)")
        #expect(!FileManager.default.fileExists(atPath: out))
        // The neural taggers are not there yet.
        let neural = try CommandRunner.run(["train", "tagger", "--train", train, "--model", "bilstm-crf", "--out", out])
        #expect(neural.status == 1 && neural.standardError.contains("not yet available"))
        // Invalid UTF-8 in the text to tag.
        let bad = directory.path("bad.txt")
        try Data([0x61, 0x20, 0xFF, 0x0A]).write(to: URL(fileURLWithPath: bad))
        let tagged = try CommandRunner.run(["tag", "--model", model, "--input", bad])
        #expect(tagged.status == 1 && tagged.standardError.contains("bad.txt:1:3"), "\(tagged.standardError)")
    }

    @Test func benchReportsEveryModel() throws {
        let result = try CommandRunner.run(["bench", "tagger", "--sentences", "100", "--runs", "1", "--json"])
        #expect(result.status == 0, "\(result.standardError)")
        let models = try #require(try json(result.standardOutput)["models"] as? [[String: Any]])
        #expect(models.map { $0["model"] as? String } == ["hmm", "perceptron", "crf"])
        #expect(models.allSatisfy { ($0["tokens_per_second"] as? Double ?? 0) > 0 && $0["train_seconds"] != nil })
    }
}
