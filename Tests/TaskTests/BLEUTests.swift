import Foundation
import RecurrentData
import RecurrentTasks
import RecurrentTestSupport
import Testing

/// BLEU and its 13a tokenization against the real sacreBLEU 2.6.0, on fixtures written by
/// `scripts/make_bleu_fixtures.py`:
///
///     tokenizer = Tokenizer13a()
///     {"line": line, "tokens": tokenizer(line.rstrip()).split(),
///      "lowercase_tokens": tokenizer(line.lower().rstrip()).split()}
///
///     lines = [line.rstrip() for line in open(path, encoding="utf-8", newline="\n")]
///     result = sacrebleu.metrics.BLEU(lowercase=lowercase).corpus_score(hypotheses, references)
///     {"score": result.score, "precisions": result.precisions, "bp": result.bp, "sys_len": result.sys_len,
///      "ref_len": result.ref_len, "counts": list(result.counts), "totals": list(result.totals)}
@Suite struct BLEUTests {
    struct TokenizeFixture: Decodable {
        struct Case: Decodable {
            var line: String
            var tokens: [String]
            var lowercase_tokens: [String]
        }
        var cases: [Case]
    }

    struct Expected: Decodable {
        struct Score: Decodable {
            var score: Double
            var precisions: [Double]
            var bp: Double
            var sys_len: Int
            var ref_len: Int
            var counts: [Int]
            var totals: [Int]
        }
        var references: [String]
        var cased: Score
        var lowercase: Score
    }

    @Test func tokenizationMatchesSacreBLEUs13a() throws {
        let fixture = try fixtureJSON(TokenizeFixture.self, "bleu/tokenize13a.json")
        #expect(fixture.cases.count == 20)
        for fixtureCase in fixture.cases {
            #expect(BLEU.preprocess(fixtureCase.line, options: .init(lowercase: false)) == fixtureCase.tokens, "\(fixtureCase.line.debugDescription)")
            #expect(BLEU.preprocess(fixtureCase.line, options: .init(lowercase: true)) == fixtureCase.lowercase_tokens,
                    "lowercase \(fixtureCase.line.debugDescription)")
        }
    }

    static let corpusCases = ["random", "short", "unigrams", "nomatch", "multiref", "case"]

    @Test(arguments: corpusCases) func corpusScoreMatchesSacreBLEU(name: String) throws {
        let expected = try fixtureJSON(Expected.self, "bleu/\(name)/expected.json")
        func lines(_ file: String) throws -> [String] {
            ParallelText.lines(of: try TextFile.decode(Array(fixtureData("bleu/\(name)/\(file)")), file: file))
        }
        let hypotheses = try lines("hyp.txt")
        let references = try expected.references.map { try lines($0).map { Optional($0) } }
        for (lowercase, score) in [(false, expected.cased), (true, expected.lowercase)] {
            let bleu = BLEU.corpus(hypotheses: hypotheses, references: references, options: .init(lowercase: lowercase))
            let label: Comment = "\(name), lowercase \(lowercase)"
            #expect(bleu.statistics.matches == score.counts, label)
            #expect(bleu.statistics.totals == score.totals, label)
            #expect(bleu.statistics.hypothesisLength == score.sys_len, label)
            #expect(bleu.statistics.referenceLength == score.ref_len, label)
            #expect(Swift.abs(bleu.score - score.score) <= 1e-9 * Swift.max(1, score.score), "\(label): \(bleu.score) vs \(score.score)")
            #expect(Swift.abs(bleu.brevityPenalty - score.bp) <= 1e-12, label)
            for (mine, theirs) in zip(bleu.precisions, score.precisions) { #expect(Swift.abs(mine - theirs) <= 1e-9, label) }
        }
    }

    @Test func statisticsAddUpAcrossBatches() {
        let hypotheses = ["the cat sat on the mat .", "a dog", "there is a cat here"]
        let references = ["the cat is on the mat.", "a big dog", "a cat is here"]
        var total = BLEU.Statistics()
        for (hypothesis, reference) in zip(hypotheses, references) {
            total += BLEU.segmentStatistics(hypothesis: hypothesis, references: [reference])
        }
        #expect(BLEU(total) == BLEU.corpus(hypotheses: hypotheses, references: references))
        #expect(Swift.abs(BLEU.corpus(hypotheses: references, references: references).score - 100) < 1e-9)
    }

    @Test func summaryReadsAsSacreBLEUsLine() {
        let bleu = BLEU.corpus(hypotheses: ["the cat sat on the mat"], references: ["the cat sat on a mat"])
        #expect(bleu.summary.hasPrefix(String(format: "BLEU = %.2f ", bleu.score)))
        #expect(bleu.summary.hasSuffix("(BP = 1.000 ratio = 1.000 hyp_len = 6 ref_len = 6)"))
    }
}
