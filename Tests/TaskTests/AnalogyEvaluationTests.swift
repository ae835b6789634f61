import RecurrentData
import RecurrentTasks
import Testing

/// 3CosAdd and the analogy evaluation on hand-made vectors where royalty and gender are axes:
/// king = man + royal, queen = woman + royal.
@Suite struct AnalogyEvaluationTests {
    static let vectors = WordVectors(words: ["man", "woman", "king", "queen", "apple", "King", "apples"], dimension: 4, values: [
        1, 0, 0, 0,
        0, 1, 0, 0,
        1, 0, 1, 0,
        0, 1, 1, 0,
        0, 0, 0, 1,
        1, 0, 1, 0.1,
        0, 0, 0.2, 1,
    ])!

    static let questions = """
        : royalty
        man king woman queen
        MAN KING WOMAN QUEEN
        man king woman apple
        man king robot queen

        : gram-plural
        apple apples man men
        """

    @Test func analogiesAndNeighborsFollowGensimsMostSimilar() throws {
        let similarity = WordSimilarity(Self.vectors)
        let answers = try similarity.analogy("man", "king", "woman", k: 2).get()
        #expect(answers.map(\.word) == ["queen", "King"], "a, b and c themselves are excluded")
        // cos(queen, k̂ing - m̂an + ŵoman), worked by hand: the query is (1/√2 - 1, 1, 1/√2, 0).
        let half: Float = (0.5 as Float).squareRoot()
        let query: [Float] = [half - 1, 1, half, 0]
        let norm: Float = query.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let expected: Float = (query[1] + query[2]) * half / norm
        #expect(abs(answers[0].similarity - expected) < 1e-6)
        #expect(similarity.analogy("man", "king", "robot", k: 1) == .failure(.init(word: "robot")))
        #expect(similarity.neighbors(of: "king", k: 1)?.first?.word == "King")
        #expect(WordSimilarity(Self.vectors, restrict: 2).neighbors(of: "man", k: 5)?.map(\.word) == ["woman"])
    }

    @Test func sectionsCountCorrectWrongAndOutOfVocabularyQuestions() throws {
        let questions = try AnalogyQuestions.parse(Self.questions, file: "q.txt")
        let result = AnalogyEvaluation.evaluate(questions, similarity: WordSimilarity(Self.vectors))
        let royalty = result.sections[0]
        #expect(royalty.questions == 4 && royalty.answered == 3 && royalty.correct == 2 && royalty.outOfVocabulary == 1)
        #expect(result.syntactic.questions == 1 && result.syntactic.answered == 0, "\"men\" has no vector")
        #expect(result.total.correct == 2 && result.total.questions == 5)
        #expect(abs(result.total.accuracy - 2.0 / 3) < 1e-12 && abs(result.total.accuracyOverAll - 2.0 / 5) < 1e-12)
        // Case-insensitive (gensim's default): KING and King are one word, whose vector is the more
        // frequent (earlier) one; case-sensitive, the upper-case question is out of vocabulary.
        let exact = AnalogyEvaluation.evaluate(questions, similarity: WordSimilarity(Self.vectors), caseInsensitive: false)
        #expect(exact.sections[0].answered == 2 && exact.sections[0].correct == 1)
        // Restricted to the 3 most frequent words, queen is no candidate: those questions are out of vocabulary.
        let restricted = AnalogyEvaluation.evaluate(questions, similarity: WordSimilarity(Self.vectors, restrict: 3))
        #expect(restricted.total.answered == 0)
    }

    @Test(arguments: [
        ("man king woman queen\n", 1, "before any"),
        (": s\nman king woman\n", 2, "found 3"),
        (": s\n:\n", 2, "needs a name"),
    ])
    func malformedQuestionFilesNameTheLine(text: String, line: Int, message: String) {
        #expect {
            try AnalogyQuestions.parse(text, file: "q.txt")
        } throws: { error in
            guard let error = error as? AnalogyQuestionsError else { return false }
            return error.line == line && error.description.hasPrefix("q.txt:\(line): ") && error.description.contains(message)
        }
    }
}
