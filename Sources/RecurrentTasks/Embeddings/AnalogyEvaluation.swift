import RecurrentData
import RecurrentTensor

/// How many analogy questions a section (or a group of sections) holds, answers and gets right.
public struct AnalogyScore: Equatable, Sendable {
    public var name: String
    public var questions = 0
    /// Questions whose four words all have vectors among the candidates; the others are counted
    /// here as unanswered, not dropped.
    public var answered = 0
    public var correct = 0

    public init(name: String) {
        self.name = name
    }

    /// Questions with a word the vectors lack.
    public var outOfVocabulary: Int { questions - answered }
    /// correct / answered: the figure gensim's `evaluate_word_analogies` and the original
    /// `compute-accuracy` report.
    public var accuracy: Double { answered > 0 ? Double(correct) / Double(answered) : 0 }
    /// correct / questions: unanswered questions counted as wrong.
    public var accuracyOverAll: Double { questions > 0 ? Double(correct) / Double(questions) : 0 }

    mutating func add(_ other: AnalogyScore) {
        questions += other.questions
        answered += other.answered
        correct += other.correct
    }
}

/// Accuracy on word analogies by 3CosAdd (``WordSimilarity``), per section, for the semantic and
/// syntactic sections, and overall, as gensim's `KeyedVectors.evaluate_word_analogies` computes it:
/// candidates and question words are the first `restrict` words; with `caseInsensitive` (gensim's
/// default) words are compared upper-cased and a question word takes the vector of its most
/// frequent case form; the answer is the best candidate whose form differs from a, b and c.
public struct AnalogyEvaluation: Equatable, Sendable {
    public var sections: [AnalogyScore]
    public var semantic: AnalogyScore
    public var syntactic: AnalogyScore
    public var total: AnalogyScore

    public static func evaluate(_ questions: AnalogyQuestions, similarity: WordSimilarity, caseInsensitive: Bool = true) -> AnalogyEvaluation {
        let vectors = similarity.unitVectors
        let candidates = similarity.candidateCount, dimension = similarity.dimension
        // Group the candidates by form; a group's vector is its first (most frequent) member's.
        var groups: [String: Int] = [:], representatives: [Int] = [], groupOf = [Int](repeating: 0, count: candidates)
        for index in 0..<candidates {
            let key = caseInsensitive ? vectors.words[index].uppercased() : vectors.words[index]
            if let group = groups[key] {
                groupOf[index] = group
            } else {
                groups[key] = representatives.count
                groupOf[index] = representatives.count
                representatives.append(index)
            }
        }
        func group(_ word: String) -> Int? { groups[caseInsensitive ? word.uppercased() : word] }

        var sections: [AnalogyScore] = []
        var answerable: [(section: Int, a: Int, b: Int, c: Int, expected: Int)] = []
        for (sectionIndex, section) in questions.sections.enumerated() {
            var score = AnalogyScore(name: section.name)
            score.questions = section.questions.count
            for question in section.questions {
                guard let a = group(question.a), let b = group(question.b), let c = group(question.c), let d = group(question.expected) else { continue }
                answerable.append((sectionIndex, a, b, c, d))
            }
            sections.append(score)
        }
        let predictions = bestGroups(for: answerable.map { ($0.a, $0.b, $0.c) }, similarity: similarity, groupOf: groupOf,
                                     representatives: representatives, candidates: candidates, dimension: dimension)
        for (question, predicted) in zip(answerable, predictions) {
            sections[question.section].answered += 1
            if predicted == question.expected { sections[question.section].correct += 1 }
        }
        var semantic = AnalogyScore(name: "semantic"), syntactic = AnalogyScore(name: "syntactic"), total = AnalogyScore(name: "total")
        for (score, section) in zip(sections, questions.sections) {
            if section.isSyntactic { syntactic.add(score) } else { semantic.add(score) }
            total.add(score)
        }
        return AnalogyEvaluation(sections: sections, semantic: semantic, syntactic: syntactic, total: total)
    }

    /// For each question (groups of a, b, c), the group of the candidate maximizing
    /// cos(w, b̂ - â + ĉ) outside those three groups, or -1 when there is none. Questions go in
    /// blocks through one GEMM per block of candidates.
    static func bestGroups(for questions: [(a: Int, b: Int, c: Int)], similarity: WordSimilarity, groupOf: [Int],
                           representatives: [Int], candidates: Int, dimension: Int) -> [Int] {
        let questionBlock = 128, candidateBlock = 4096
        var result = [Int](repeating: -1, count: questions.count)
        var queries = [Float](repeating: 0, count: questionBlock * dimension)
        var scores = [Float](repeating: 0, count: questionBlock * candidateBlock)
        similarity.unitVectors.values.withUnsafeBufferPointer { matrix in
            for blockStart in stride(from: 0, to: questions.count, by: questionBlock) {
                let block = questions[blockStart..<Swift.min(blockStart + questionBlock, questions.count)]
                for (row, question) in block.enumerated() {
                    let query = similarity.offsetQuery(a: representatives[question.a], b: representatives[question.b],
                                                       c: representatives[question.c])
                    for j in 0..<dimension { queries[row * dimension + j] = query[j] }
                }
                var bestScore = [Float](repeating: -.infinity, count: block.count)
                for candidateStart in stride(from: 0, to: candidates, by: candidateBlock) {
                    let width = Swift.min(candidateBlock, candidates - candidateStart)
                    queries.withUnsafeBufferPointer { queries in
                        scores.withUnsafeMutableBufferPointer { scores in
                            Kernels.gemm(transposeB: true, m: block.count, n: width, k: dimension, a: queries.baseAddress!, lda: dimension,
                                         b: matrix.baseAddress! + candidateStart * dimension, ldb: dimension,
                                         c: scores.baseAddress!, ldc: width)
                        }
                    }
                    for (row, question) in block.enumerated() {
                        for column in 0..<width {
                            let score = scores[row * width + column]
                            guard score > bestScore[row] else { continue }
                            let group = groupOf[candidateStart + column]
                            guard group != question.a && group != question.b && group != question.c else { continue }
                            bestScore[row] = score
                            result[blockStart + row] = group
                        }
                    }
                }
            }
        }
        return result
    }
}
