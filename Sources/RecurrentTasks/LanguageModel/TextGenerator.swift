import RecurrentNN
import RecurrentTensor

/// Token-by-token generation from a ``LanguageModel``: feed a token, read the distribution of
/// the next one, choose, feed it back, carrying the recurrent state.
public final class TextGenerator {
    public let model: LanguageModel
    private var states: [Tensor]?

    public init(model: LanguageModel) {
        self.model = model
    }

    /// Forgets the carried state.
    public func reset() { states = nil }

    /// Feeds `token` and returns the logits of the next token `[vocabulary]`.
    public func feed(_ token: Int) -> [Float] {
        withoutGradient {
            let (logits, final) = model([token], time: 1, batch: 1, states: states)
            states = final
            return logits.scalars
        }
    }

    /// Feeds several tokens (a prime) at once and returns the logits after the last.
    public func feed(_ tokens: [Int]) -> [Float] {
        precondition(!tokens.isEmpty, "TextGenerator.feed: no tokens")
        return withoutGradient {
            let (logits, final) = model(tokens, time: tokens.count, batch: 1, states: states)
            states = final
            let vocabulary = model.configuration.vocabularySize
            return Array(logits.scalars[((tokens.count - 1) * vocabulary)...])
        }
    }

    /// `count` tokens chosen greedily (argmax), starting from `start`.
    public func greedy(start: Int, count: Int) -> [Int] {
        reset()
        var token = start, result: [Int] = []
        result.reserveCapacity(count)
        for _ in 0..<count {
            let logits = feed(token)
            token = logits.indices.max { logits[$0] < logits[$1] } ?? 0
            result.append(token)
        }
        return result
    }

    /// Samples `count` tokens after `prime`: each from softmax(logits / temperature),
    /// restricted to the `topK` most likely when given; `emit` receives each as it is chosen.
    public func sample(prime: [Int], count: Int, temperature: Float = 1, topK: Int? = nil,
                       generator: inout RandomGenerator, emit: (Int) -> Void) {
        precondition(temperature > 0, "TextGenerator.sample: temperature must be positive")
        reset()
        var logits = feed(prime)
        for _ in 0..<count {
            let token = Self.sample(logits, temperature: temperature, topK: topK, generator: &generator)
            emit(token)
            logits = feed(token)
        }
    }

    /// One draw from softmax(logits / temperature) over the `topK` largest logits.
    public static func sample(_ logits: [Float], temperature: Float, topK: Int?, generator: inout RandomGenerator) -> Int {
        var candidates = Array(logits.indices)
        if let topK, topK > 0, topK < candidates.count {
            candidates.sort { logits[$0] > logits[$1] || (logits[$0] == logits[$1] && $0 < $1) }
            candidates = Array(candidates.prefix(topK))
        }
        let maximum = candidates.map { logits[$0] }.max() ?? 0
        let weights = candidates.map { Double(cExpf((logits[$0] - maximum) / temperature)) }
        let total = weights.reduce(0, +)
        var threshold = generator.nextUniformDouble() * total
        for (candidate, weight) in zip(candidates, weights) {
            threshold -= weight
            if threshold < 0 { return candidate }
        }
        return candidates.last ?? 0
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@inline(__always) func cExpf(_ x: Float) -> Float { expf(x) }
