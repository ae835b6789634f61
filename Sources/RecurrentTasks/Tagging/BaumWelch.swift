import RecurrentData

/// Placeholder replaced below.
enum BaumWelch {
    static func run(_ tagger: HMMTagger, labeled: HMMCounts, unlabeled: TaggedCorpus, options: HMMOptions,
                    onIteration: (Int, Double) -> Bool) -> (tagger: HMMTagger, words: [String]) {
        (tagger, labeled.wordOrder)
    }
}
