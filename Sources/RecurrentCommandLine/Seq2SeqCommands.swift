import ArgumentParser
import Foundation
import Recurrent

/// `recurrent evaluate seq2seq`: BLEU of a model's translations, and its loss under teacher forcing.
struct EvaluateSeq2SeqCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seq2seq",
        abstract: "BLEU (as sacreBLEU computes it) of a seq2seq model's translations, and its loss and perplexity.",
        discussion: """
            Translates --source with beam search and scores the translations against --reference \
            with corpus BLEU exactly as sacreBLEU 2 does by default (13a tokenization, mixed case, \
            exponential smoothing; signature nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp), and \
            lower-cased. The loss is the mean negative log-likelihood per reference token (</s> \
            included) under teacher forcing, in nats; exact_match is the fraction of translations whose \
            tokens equal the reference's. JSON keys: bleu, precisions, brevity_penalty, ratio, \
            hypothesis_length, reference_length, bleu_lowercase, loss, perplexity, exact_match, \
            sentences, translate_seconds.
            """
    )

    @Option(help: "A seq2seq model file.")
    var model: String

    @Option(help: "Source sentences, one per line.")
    var source: String

    @Option(help: "Reference translations, line-aligned with --source.")
    var reference: String

    @OptionGroup var decoding: DecodingFlags

    @Option(help: "Also write the translations to this file.")
    var output: String?

    @Flag(help: "Print one JSON object.")
    var json = false

    func run() throws {
        if let output { try checkWritableDestination(output, flag: "--output") }
        let bundle = try Seq2SeqBundle.read(from: model)
        let text = try ParallelText.read(source: source, target: reference)
        let start = monotonicSeconds()
        let found = translate(bundle, lines: text.sourceLines, options: decoding.options(nBest: 1), batch: decoding.batch).map { $0.first?.tokens ?? [] }
        let translations = found.map(bundle.decodeTarget)
        let seconds = monotonicSeconds() - start
        let bleu = BLEU.corpus(hypotheses: translations, references: text.targetLines)
        let lowercase = BLEU.corpus(hypotheses: translations, references: text.targetLines, options: .init(lowercase: true))
        let examples = Seq2SeqExamples(sources: text.sourceLines.map(bundle.encodeSource), targets: text.targetLines.map(bundle.encodeTarget),
                                       references: text.targetLines)
        let loss = Seq2SeqEvaluation(bundle: bundle, batchSize: decoding.batch).loss(examples)
        let exactMatch = Double(zip(found, examples.targets).filter { $0 == $1 }.count) / Double(Swift.max(text.count, 1))
        if let output { try writeAtomically(Data(translations.map { $0 + "\n" }.joined().utf8), to: output) }
        if json {
            try printJSON(["bleu": bleu.score, "precisions": bleu.precisions, "brevity_penalty": bleu.brevityPenalty, "ratio": bleu.ratio,
                           "hypothesis_length": bleu.statistics.hypothesisLength, "reference_length": bleu.statistics.referenceLength,
                           "bleu_lowercase": lowercase.score, "loss": loss, "perplexity": exp(loss), "exact_match": exactMatch, "sentences": text.count,
                           "translate_seconds": seconds])
        } else {
            print(bleu.summary)
            print("lowercase " + lowercase.summary)
            print(String(format: "loss %.4f perplexity %.2f exact match %.4f (%d sentences translated in %.1f s, beam %d)", loss, exp(loss),
                         exactMatch, text.count, seconds, decoding.beam))
        }
    }
}

/// `recurrent attention`: the attention weights of one translation as an SVG heatmap.
struct AttentionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attention",
        abstract: "Draw the attention of a seq2seq model translating a sentence, as an SVG heatmap.",
        discussion: """
            Translates --source (beam search) and draws the attention weights of the best \
            translation: source tokens across (ending with </s>), target tokens down (ending with \
            </s>), darker for more weight. Prints the translation.
            """
    )

    @Option(help: "A seq2seq model file with attention.")
    var model: String

    @Option(help: "The sentence to translate.")
    var source: String

    @Option(help: "Where to write the SVG picture.")
    var out: String

    @OptionGroup var decoding: DecodingFlags

    func run() throws {
        try checkWritableDestination(out, flag: "--out")
        let bundle = try Seq2SeqBundle.read(from: model)
        guard bundle.model.configuration.attention != .none else { throw CommandError("\(model): the model has no attention to draw") }
        let tokens = bundle.tokenizer.tokens(source)
        let found = bundle.model.beamSearch([bundle.sourceVocabulary.indices(of: tokens)], options: decoding.options(nBest: 1, recordsAttention: true))
        guard let best = found.first?.first else { throw CommandError("no translation was found for --source") }
        let targetWords = best.tokens.map { bundle.targetVocabulary.tokens[$0] } + [Vocabulary.sentenceEnd]
        let heatmap = AttentionHeatmap(sourceTokens: tokens + [Vocabulary.sentenceEnd], targetTokens: Array(targetWords.prefix(best.attention.count)),
                                       weights: best.attention)
        try writeAtomically(Data(heatmap.svg().utf8), to: out)
        print(bundle.decodeTarget(best.tokens))
    }
}
