import Foundation
import RecurrentTasks
import RecurrentTestSupport
import Testing

/// Chunk scores as conlleval computes them, and the per-token metrics.
@Suite struct ChunkEvaluationTests {
    struct Fixture: Decodable {
        struct Case: Decodable {
            struct Sentence: Decodable { var gold: [String]; var predicted: [String] }
            struct Counts: Decodable, Equatable { var gold: Int; var predicted: Int; var correct: Int }
            struct Expected: Decodable {
                var gold: Int, predicted: Int, correct: Int, tokens: Int
                var correct_tokens: Int
                var by_type: [String: Counts]
            }
            var name: String
            var sentences: [Sentence]
            var expected: Expected
        }
        var cases: [Case]
    }

    /// Fixture from scripts/make_conlleval_fixture.py, which restates conlleval's chunk rules and
    /// checks them against seqeval on B/I/O tags:
    ///     result = conlleval(sentences)
    ///     assert abs(precision - precision_score(gold, predicted)) < 1e-12
    @Test func matchesConllevalFixture() throws {
        let fixture = try fixtureJSON(Fixture.self, "conlleval.json")
        #expect(fixture.cases.count == 20)
        for testCase in fixture.cases {
            var evaluation = ChunkEvaluation()
            for sentence in testCase.sentences { evaluation.add(gold: sentence.gold, predicted: sentence.predicted) }
            let result = evaluation.finished()
            #expect(result.overall.gold == testCase.expected.gold, "\(testCase.name)")
            #expect(result.overall.predicted == testCase.expected.predicted, "\(testCase.name)")
            #expect(result.overall.correct == testCase.expected.correct, "\(testCase.name)")
            #expect(result.tokens == testCase.expected.tokens && result.correctTokens == testCase.expected.correct_tokens, "\(testCase.name)")
            let types = result.byType.mapValues { Fixture.Case.Counts(gold: $0.gold, predicted: $0.predicted, correct: $0.correct) }
            #expect(types == testCase.expected.by_type, "\(testCase.name)")
        }
    }

    @Test func chunkRulesOnSmallExamples() {
        var evaluation = ChunkEvaluation()
        // Gold: [NP He] [VP runs] [NP the race]; predicted: [NP He] [VP runs the] [NP race].
        evaluation.add(gold: ["B-NP", "B-VP", "B-NP", "I-NP"], predicted: ["B-NP", "B-VP", "I-VP", "B-NP"])
        let result = evaluation.finished()
        #expect(result.overall == ChunkEvaluation.Counts(gold: 3, predicted: 3, correct: 1))
        #expect(abs(result.overall.f1 - 1.0 / 3) < 1e-12)
        // IOB1: an I- after O starts a chunk.
        var iob1 = ChunkEvaluation()
        iob1.add(gold: ["I-NP", "I-NP", "O", "I-VP"], predicted: ["I-NP", "I-NP", "O", "I-VP"])
        #expect(iob1.finished().overall == ChunkEvaluation.Counts(gold: 2, predicted: 2, correct: 2))
        #expect(ChunkEvaluation.appliesTo(["B-NP", "I-NP", "O"]) && !ChunkEvaluation.appliesTo(["NOUN", "O"]) && !ChunkEvaluation.appliesTo(["O"]))
    }

    @Test func tokenMetrics() {
        var evaluation = TaggerEvaluation(chunked: false)
        evaluation.add(gold: ["A", "B", "A"], predicted: ["A", "A", "A"], known: [true, false, true])
        evaluation.add(gold: ["B"], predicted: ["B"], known: [false])
        #expect(evaluation.accuracy == 0.75 && evaluation.knownAccuracy == 1 && evaluation.unknownAccuracy == 0.5)
        #expect(evaluation.sentenceAccuracy == 0.5)
        let perTag = evaluation.json["per_tag"] as? [String: [String: Any]]
        // A: predicted 3, correct 2, gold 2 → precision 2/3, recall 1.
        #expect(abs((perTag?["A"]?["precision"] as? Double ?? 0) - 2.0 / 3) < 1e-12 && perTag?["A"]?["recall"] as? Double == 1)
        #expect(perTag?["B"]?["recall"] as? Double == 0.5 && perTag?["B"]?["precision"] as? Double == 1)
    }
}
