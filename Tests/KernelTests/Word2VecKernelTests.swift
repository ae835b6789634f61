import CRecurrentKernels
import Foundation
import RecurrentTestSupport
import Testing

/// The word2vec updates on every instruction set this machine runs: one SGD step on the
/// negative-sampling loss, checked against finite differences of that loss written out here.
@Suite struct Word2VecKernelTests {
    static let instructionSets = [RK_ISA_GENERIC, RK_ISA_AVX2, RK_ISA_AVX512, RK_ISA_NEON].filter { rk_isa_supported($0) != 0 }
    static let dimensions = [1, 7, 19, 37]

    /// A model of `vocabulary` words with random input and output vectors (in ±0.5, so every
    /// dot product stays inside the sigmoid's ±6 table).
    final class Model {
        var input: [Float], output: [Float]
        let vocabulary: Int, dimension: Int

        init(vocabulary: Int, dimension: Int, seed: UInt64) {
            var generator = SplitMix(seed)
            self.vocabulary = vocabulary
            self.dimension = dimension
            input = (0..<(vocabulary * dimension)).map { _ in generator.uniform() - 0.5 }
            output = (0..<(vocabulary * dimension)).map { _ in generator.uniform() - 0.5 }
        }

        func withKernelModel<R>(_ body: (UnsafePointer<rk_word2vec_model>) -> R) -> R {
            input.withUnsafeMutableBufferPointer { input in
                output.withUnsafeMutableBufferPointer { output in
                    var model = rk_word2vec_model(input_vectors: input.baseAddress, output_vectors: output.baseAddress,
                                                  vocabulary: vocabulary, dimension: dimension, keep_threshold: nil,
                                                  negative_threshold: nil, negative_alias: nil, window: 1, negatives: 0, cbow: 0)
                    return withUnsafePointer(to: &model, body)
                }
            }
        }

        func row(_ values: [Float], _ word: Int) -> [Double] { values[(word * dimension)..<((word + 1) * dimension)].map(Double.init) }
    }

    struct SplitMix {
        var state: UInt64
        init(_ seed: UInt64) { state = seed }
        mutating func uniform() -> Float {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Float((z ^ (z >> 31)) >> 40) * 0x1p-24
        }
    }

    /// The loss of one update: L = -log σ(h·u_positive) - Σ_k log σ(-h·u_k).
    static func loss(hidden: [Double], positive: [Double], negatives: [[Double]]) -> Double {
        func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
        func logSigmoid(_ x: Double) -> Double { -log1p(exp(-x)) }
        return -logSigmoid(dot(hidden, positive)) - negatives.reduce(0) { $0 + logSigmoid(-dot(hidden, $1)) }
    }

    /// Central differences of `function` at `point`, in Double.
    static func numericalGradient(_ point: [Double], step: Double = 1e-5, _ function: ([Double]) -> Double) -> [Double] {
        point.indices.map { index in
            var plus = point, minus = point
            plus[index] += step
            minus[index] -= step
            return (function(plus) - function(minus)) / (2 * step)
        }
    }

    /// Expects `after - before` to equal `-alpha · gradient`.
    static func expectStep(_ before: [Double], _ after: [Double], alpha: Double, gradient: [Double], _ comment: String,
                           sourceLocation: SourceLocation = #_sourceLocation) {
        let step = zip(after, before).map { Float($0 - $1) }
        expectClose(step, gradient.map { Float(-alpha * $0) }, relative: 2e-3, absolute: 2e-7, Comment(rawValue: comment),
                    sourceLocation: sourceLocation)
    }

    @Test(arguments: dimensions)
    func skipGramStepIsTheNegativeGradient(dimension: Int) {
        let alpha = 0.1, inputWord = 1, positive = 2, negatives: [Int32] = [3, 0, 4]
        for isa in Self.instructionSets {
            let model = Model(vocabulary: 5, dimension: dimension, seed: UInt64(dimension))
            let (input, output) = (model.input, model.output)
            let hidden = model.row(input, inputWord), targets = [positive] + negatives.map(Int.init)
            model.withKernelModel { kernelModel in
                negatives.withUnsafeBufferPointer {
                    rk_word2vec_skipgram_update_isa(isa, kernelModel, inputWord, positive, $0.baseAddress, negatives.count, Float(alpha))
                }
            }
            let vectors = targets.map { model.row(output, $0) }
            let dHidden = Self.numericalGradient(hidden) { Self.loss(hidden: $0, positive: vectors[0], negatives: Array(vectors.dropFirst())) }
            Self.expectStep(hidden, model.row(model.input, inputWord), alpha: alpha, gradient: dHidden, "\(isa) d input")
            for (index, target) in targets.enumerated() {
                let dTarget = Self.numericalGradient(vectors[index]) { changed in
                    var all = vectors
                    all[index] = changed
                    return Self.loss(hidden: hidden, positive: all[0], negatives: Array(all.dropFirst()))
                }
                Self.expectStep(vectors[index], model.row(model.output, target), alpha: alpha, gradient: dTarget, "\(isa) d output \(target)")
            }
            for word in [0, 2, 3, 4] where word != inputWord {
                #expect(model.row(model.input, word) == model.row(input, word), "only the input word's vector moves")
            }
        }
    }

    @Test(arguments: dimensions)
    func cbowStepMovesEachContextWordByTheWholeHiddenGradient(dimension: Int) {
        let alpha = 0.1, context: [Int32] = [0, 1, 1, 3], center = 2, negatives: [Int32] = [4, 5]
        for isa in Self.instructionSets {
            let model = Model(vocabulary: 6, dimension: dimension, seed: 7 + UInt64(dimension))
            let (input, output) = (model.input, model.output)
            let words = [0, 1, 3]  // distinct context words; 1 appears twice, so it counts twice in the mean
            let targets = [center] + negatives.map(Int.init), vectors = targets.map { model.row(output, $0) }
            func lossOfContext(_ flat: [Double]) -> Double {
                let rows = words.indices.map { Array(flat[($0 * dimension)..<(($0 + 1) * dimension)]) }
                let members = context.map { rows[words.firstIndex(of: Int($0))!] }
                let mean = (0..<dimension).map { j in members.reduce(0) { $0 + $1[j] } / Double(members.count) }
                return Self.loss(hidden: mean, positive: vectors[0], negatives: Array(vectors.dropFirst()))
            }
            let before = words.flatMap { model.row(input, $0) }
            model.withKernelModel { kernelModel in
                context.withUnsafeBufferPointer { context in
                    negatives.withUnsafeBufferPointer {
                        rk_word2vec_cbow_update_isa(isa, kernelModel, context.baseAddress, context.count, center, $0.baseAddress,
                                                    negatives.count, Float(alpha))
                    }
                }
            }
            let after = words.flatMap { model.row(model.input, $0) }
            // Each context word moves by -alpha dL/dh per occurrence, count times its share of the
            // gradient of the mean (the original tool's rule): the step is -alpha · count · dL/dv.
            let gradient = Self.numericalGradient(before, lossOfContext).map { $0 * Double(context.count) }
            Self.expectStep(before, after, alpha: alpha, gradient: gradient, "\(isa) d context")
            #expect(model.row(model.input, center) == model.row(input, center), "the center word's input vector does not move")
        }
    }

    @Test func sigmoidTableIsAccurateAndSaturates() {
        var worst = 0.0
        for step in -5999...5999 {  // inside the table; at ±6 and beyond σ saturates
            let x = Float(step) / 1000
            worst = max(worst, abs(Double(rk_word2vec_sigmoid(x)) - 1 / (1 + exp(-Double(x)))))
        }
        #expect(worst < 2e-6, "worst error \(worst)")
        #expect(rk_word2vec_sigmoid(6.5) == 1 && rk_word2vec_sigmoid(-6.5) == 0 && rk_word2vec_sigmoid(100) == 1)
    }
}
