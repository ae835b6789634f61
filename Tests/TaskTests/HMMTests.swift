import Foundation
import RecurrentData
import RecurrentTasks
import Testing

/// The HMM's counts and smoothing on a corpus small enough to work out by hand, its suffix
/// model, and Baum-Welch.
@Suite struct HMMTests {
    /// a/D b/N · a/D c/V · c/V. Tags D = 0, N = 1, V = 2; index 3 is <s> (history) and </s> (outcome).
    static let corpus = TaggedCorpus(file: "hand", sentences: [
        TaggedSentence(words: ["a", "b"], tags: ["D", "N"]),
        TaggedSentence(words: ["a", "c"], tags: ["D", "V"]),
        TaggedSentence(words: ["c"], tags: ["V"]),
    ])
    static let (D, N, V, boundary) = (0, 1, 2, 3)

    func probability(_ tagger: HMMTagger, _ a: Int, _ b: Int, _ c: Int) -> Double {
        exp(tagger.logTransitions[(a * 4 + b) * 4 + c])
    }

    @Test func countsByHand() throws {
        let counts = try HMMTrainer.count(Self.corpus, tags: TaggerTraining.tagSet(of: Self.corpus))
        // Outcomes D, N, </s>; D, V, </s>; V, </s>.
        #expect(counts.unigrams == [2, 1, 2, 3])
        #expect(counts.bigrams[Self.boundary * 4 + Self.D] == 2 && counts.bigrams[Self.V * 4 + Self.boundary] == 2)
        #expect(counts.trigrams[(Self.boundary * 4 + Self.boundary) * 4 + Self.D] == 2)
        #expect(counts.trigrams[(Self.D * 4 + Self.N) * 4 + Self.boundary] == 1)
        #expect(counts.trigrams.reduce(0, +) == 8)
        #expect(counts.emissions["a"] == [2, 0, 0] && counts.emissions["c"] == [0, 0, 2])
    }

    /// Deleted interpolation: each trigram's count goes to the order whose leave-one-out estimate
    /// is largest (ties to the higher order):
    /// (<s>,<s>,D) f=2: 1/7, 1/2, 1/2 → λ₃; (<s>,D,N): 0, 0, 0 → λ₃; (D,N,</s>): 2/7, 0, 0 → λ₁;
    /// (<s>,D,V): 1/7, 0, 0 → λ₁; (D,V,</s>): 2/7, 1, 0 → λ₂; (<s>,<s>,V): 1/7, 0, 0 → λ₁;
    /// (<s>,V,</s>): 2/7, 1, 0 → λ₂. So λ = (3, 2, 3) / 8.
    @Test func trigramInterpolationByHand() throws {
        let tags = TaggerTraining.tagSet(of: Self.corpus)
        let tagger = HMMTrainer.estimate(try HMMTrainer.count(Self.corpus, tags: tags), tags: tags.symbols, options: HMMOptions())
        // P(N | <s>, D) = 3/8·1/8 + 2/8·1/2 + 3/8·1/2
        #expect(abs(probability(tagger, Self.boundary, Self.D, Self.N) - 0.359375) < 1e-12)
        // P(</s> | D, N) = 3/8·3/8 + 2/8·1 + 3/8·1
        #expect(abs(probability(tagger, Self.D, Self.N, Self.boundary) - 0.765625) < 1e-12)
        // An unseen history (N, D): P(V | N, D) = (3/8·2/8 + 2/8·1/2 + 0) / (3/8 + 2/8), renormalized.
        #expect(abs(probability(tagger, Self.N, Self.D, Self.V) - 0.35) < 1e-12)
        for ab in 0..<16 {
            let total = (0..<4).reduce(0.0) { $0 + exp(tagger.logTransitions[ab * 4 + $1]) }
            #expect(abs(total - 1) < 1e-12, "every history's outcomes sum to 1")
        }
        #expect(tagger.tag(["a", "b"]) == [Self.D, Self.N] && tagger.tag(["c"]) == [Self.V])
    }

    @Test func bigramInterpolationAndAddKByHand() throws {
        let tags = TaggerTraining.tagSet(of: Self.corpus)
        let counts = try HMMTrainer.count(Self.corpus, tags: tags)
        var options = HMMOptions()
        options.order = 2
        // Bigrams (<s>,D)=2 → λ₂, (D,N) → λ₂ (tie), (N,</s>) → λ₁, (D,V) → λ₁, (V,</s>)=2 → λ₂, (<s>,V) → λ₁: λ = (3, 5) / 8.
        let bigram = HMMTrainer.estimate(counts, tags: tags.symbols, options: options)
        // P(V | <s>) = 3/8·2/8 + 5/8·1/3, whatever the tag before.
        for a in 0..<4 { #expect(abs(probability(bigram, a, Self.boundary, Self.V) - (3.0 / 32 + 5.0 / 24)) < 1e-12) }
        options.order = 3
        options.smoothing = .addk
        options.addK = 0.5
        let addK = HMMTrainer.estimate(counts, tags: tags.symbols, options: options)
        // (f(abc) + k) / (f(ab) + 4k)
        #expect(abs(probability(addK, Self.boundary, Self.D, Self.N) - 1.5 / 4) < 1e-12)
        #expect(abs(probability(addK, Self.N, Self.D, Self.N) - 0.5 / 2) < 1e-12)
    }

    /// θ = the standard deviation of (0.5, 0.25, 0.25) = √(1/48). "lks" has only V (walks, talks);
    /// its parent "ks" has N 1/3, V 2/3: P(V | lks) = (1 + θ·2/3) / (1 + θ).
    @Test func suffixModelBySuccessiveAbstraction() {
        let model = SuffixModel(rareWords: [("walks", 2, 1), ("talks", 2, 1), ("books", 1, 1)], tagProbabilities: [0.5, 0.25, 0.25], maximumLength: 10)
        let theta = (1.0 / 48).squareRoot()
        let milks = Array(model.logProbabilities(for: "milks")!).map(exp)
        #expect(abs(milks[2] - (1 + theta * 2 / 3) / (1 + theta)) < 1e-12)
        #expect(abs(milks[1] - (theta / 3) / (1 + theta)) < 1e-12)
        // "hooks" ends like "books" down to "ooks": P(N | ooks) = (1 + θ·P(N | oks)) / (1 + θ).
        let hooks = Array(model.logProbabilities(for: "hooks")!).map(exp)
        #expect(abs(hooks[1] - (1 + theta * (1 + theta / 3) / (1 + theta)) / (1 + theta)) < 1e-12)
        let unrelated = Array(model.logProbabilities(for: "xyz")!).map(exp)
        #expect(abs(unrelated[1] - 1.0 / 3) < 1e-12, "the empty suffix: the class's rare-word tags")
        #expect(model.logProbabilities(for: "Walks") == nil, "no capitalized rare word was seen")
    }

    /// Tags D, N, P, S, V. "that" is S after V (twice) and D at a sentence start; "so" is S.
    /// P(that | S) = 2/3, f(V → S) = 2, f(<s> → S) = 1, μ = 10:
    /// P(that | V, S) = (2 + 10·2/3) / (2 + 10), P(that | <s>, S) = (0 + 10·2/3) / (1 + 10).
    @Test func lexicalizedEmissionsByHand() throws {
        let corpus = TaggedCorpus(file: "lex", sentences: [
            TaggedSentence(words: ["I", "know", "that", "it"], tags: ["P", "V", "S", "P"]),
            TaggedSentence(words: ["that", "dog"], tags: ["D", "N"]),
            TaggedSentence(words: ["know", "that"], tags: ["V", "S"]),
            TaggedSentence(words: ["so"], tags: ["S"]),
        ])
        let tags = TaggerTraining.tagSet(of: corpus)
        var options = HMMOptions()
        options.lexicalizedWords = 2
        options.lexicalSmoothing = 10
        let counts = try HMMTrainer.count(corpus, tags: tags, lexicalizedWords: options.lexicalizedWords)
        #expect(counts.lexicalOrder == ["that", "know"], "the most frequent words, ties by first appearance")
        let tagger = HMMTrainer.estimate(counts, tags: tags.symbols, options: options)
        let (k, width) = (5, 6)
        let row = Int(try #require(tagger.lexicalWords["that"]))
        func p(_ b: Int, _ c: Int) -> Double { exp(tagger.lexicalLogProbabilities[(row * width + b) * k + c]) }
        let (D, S, V, start) = (0, 3, 4, 5)
        #expect(abs(p(V, S) - (2 + 10.0 * 2 / 3) / 12) < 1e-12)
        #expect(abs(p(start, S) - (10.0 * 2 / 3) / 11) < 1e-12)
        #expect(abs(p(start, D) - 1) < 1e-12, "f(that, <s>, D) = f(<s> → D) = 1 and P(that | D) = 1")
        #expect(tagger.tag(["I", "know", "that", "it"]).map { tags.symbols[$0] } == ["P", "V", "S", "P"])
        #expect(tagger.tag(["that", "dog"]).map { tags.symbols[$0] } == ["D", "N"])
    }

    @Test func baumWelchNeverDecreasesTheLikelihood() throws {
        let labeled = SyntheticTaggedCorpus.make(sentences: 20, seed: 21)
        let raw = SyntheticTaggedCorpus.make(sentences: 40, seed: 22)
        let unlabeled = TaggedCorpus(file: "u", sentences: raw.sentences.map { TaggedSentence(words: $0.words) })
        for weight in [1.0, 0.0] {
            var options = TaggerTrainingOptions()
            options.model = .hmm
            options.unlabeled = unlabeled
            options.hmm.emIterations = 8
            options.hmm.labeledWeight = weight
            var objectives: [Double] = []
            let bundle = try TaggerTraining.train(labeled, options: options) { progress in
                objectives.append(progress.metrics["log_likelihood"] ?? .nan)
                return true
            }
            #expect(objectives.count == 8, "weight \(weight)")
            #expect(objectives.allSatisfy { $0.isFinite }, "weight \(weight): \(objectives)")
            for (before, after) in zip(objectives, objectives.dropFirst()) {
                #expect(after >= before - 1e-9 * abs(before), "weight \(weight): \(objectives)")
            }
            #expect(objectives.last! > objectives.first!, "EM made progress")
            if weight == 1 {
                #expect(try bundle.evaluate(raw).accuracy > 0.9)
                #expect(bundle.knownWords.count < raw.sentences.flatMap(\.words).count)
            }
        }
    }

    @Test func trigramHMMTagsTheSyntheticLanguage() throws {
        var options = TaggerTrainingOptions()
        options.model = .hmm
        let bundle = try TaggerTraining.train(SyntheticTaggedCorpus.make(sentences: 100, seed: 31), options: options)
        let evaluation = try bundle.evaluate(SyntheticTaggedCorpus.make(sentences: 40, seed: 32))
        #expect(evaluation.accuracy > 0.97 && evaluation.unknownAccuracy > 0.8, "\(evaluation.json)")
    }
}
