import CRecurrentKernels
import Foundation
import Testing

/// `rk_adam_update_isa` on every instruction set this machine runs, against the update written
/// out in Swift, operation for operation (a fused multiply-add is `addingProduct`, rounded once):
/// the results must be the same bits.
@Suite struct OptimizerKernelTests {
    /// Counts around every vector width, so that whole vectors, tails and both are updated.
    static let counts = [0, 1, 7, 8, 9, 15, 16, 17, 33, 129]

    /// ATen's `lerp`, from the nearer end.
    static func lerp(_ start: Float, _ end: Float, _ weight: Float) -> Float {
        abs(weight) < 0.5 ? start.addingProduct(weight, end - start) : end.addingProduct(weight - 1, end - start)
    }

    struct State: Equatable {
        var parameter: [Float], expAvg: [Float], expAvgSq: [Float], maxExpAvgSq: [Float]
    }

    static func reference(_ state: State, gradient: [Float], _ c: rk_adam_step) -> State {
        var s = state
        for j in s.parameter.indices {
            var direction = gradient[j]
            if c.decoupled != 0 { s.parameter[j] = s.parameter[j] * c.decay_factor }
            if c.l2 != 0 { direction = direction.addingProduct(s.parameter[j], c.weight_decay) }
            s.expAvg[j] = lerp(s.expAvg[j], direction, c.one_minus_beta1)
            s.expAvgSq[j] = (s.expAvgSq[j] * c.beta2).addingProduct(c.one_minus_beta2 * direction, direction)
            var secondMoment = s.expAvgSq[j]
            if c.amsgrad != 0 {
                let old = s.maxExpAvgSq[j]
                secondMoment = old.isNaN || old > secondMoment ? old : secondMoment
                s.maxExpAvgSq[j] = secondMoment
            }
            let denominator = secondMoment.magnitude.squareRoot() / c.bias_correction2_root + c.epsilon
            s.parameter[j] = s.parameter[j] + c.negative_step_size * s.expAvg[j] / denominator
        }
        return s
    }

    static func pseudoRandom(count: Int, scale: Float, seed: UInt64) -> [Float] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return (Float(state >> 40) / Float(1 << 24) * 2 - 1) * scale
        }
    }

    /// Adam, Adam with L2 and AMSGrad, AdamW, with β₁ below and above 0.5 (lerp's two forms).
    static let steps: [rk_adam_step] = [
        rk_adam_step(weight_decay: 0, decay_factor: 1, one_minus_beta1: 0.1, beta2: 0.999, one_minus_beta2: 0.001,
                     epsilon: 1e-8, negative_step_size: -0.01, bias_correction2_root: 0.0316, l2: 0, decoupled: 0, amsgrad: 0),
        rk_adam_step(weight_decay: 0.01, decay_factor: 1, one_minus_beta1: 0.7, beta2: 0.99, one_minus_beta2: 0.01,
                     epsilon: 1e-6, negative_step_size: -0.003, bias_correction2_root: 0.3, l2: 1, decoupled: 0, amsgrad: 1),
        rk_adam_step(weight_decay: 0.1, decay_factor: 0.999, one_minus_beta1: 0.1, beta2: 0.999, one_minus_beta2: 0.001,
                     epsilon: 1e-8, negative_step_size: -0.001, bias_correction2_root: 0.1, l2: 0, decoupled: 1, amsgrad: 0),
    ]

    @Test func adamUpdateMatchesItsOperationsOnEveryInstructionSet() {
        let instructionSets = [RK_ISA_GENERIC, RK_ISA_NEON, RK_ISA_AVX2, RK_ISA_AVX512].filter { rk_isa_supported($0) != 0 }
        for isa in instructionSets {
            for (index, step) in Self.steps.enumerated() {
                for count in Self.counts {
                    let seed = UInt64(10 * count + index)
                    let gradient = Self.pseudoRandom(count: count, scale: 2, seed: seed + 1)
                    // The second moments are non-negative; the running maximum is sometimes below, sometimes above.
                    let initial = State(parameter: Self.pseudoRandom(count: count, scale: 1, seed: seed + 2),
                                        expAvg: Self.pseudoRandom(count: count, scale: 0.5, seed: seed + 3),
                                        expAvgSq: Self.pseudoRandom(count: count, scale: 0.5, seed: seed + 4).map { $0 * $0 },
                                        maxExpAvgSq: Self.pseudoRandom(count: count, scale: 0.5, seed: seed + 5).map { $0 * $0 })
                    let expected = Self.reference(initial, gradient: gradient, step)
                    var got = initial
                    var constants = step
                    rk_adam_update_isa(isa, count, &got.parameter, gradient, &got.expAvg, &got.expAvgSq, &got.maxExpAvgSq, &constants)
                    #expect(got == expected, "\(String(cString: rk_isa_name(isa))) step \(index), count \(count)")
                }
            }
        }
    }

    /// AMSGrad's running maximum keeps a NaN from either side, as `torch.maximum` does.
    @Test func amsgradMaximumPropagatesNaN() {
        for isa in [RK_ISA_GENERIC, RK_ISA_AVX2].filter({ rk_isa_supported($0) != 0 }) {
            let count = 9  // one vector and a tail
            var parameter = [Float](repeating: 1, count: count), expAvg = [Float](repeating: 0, count: count)
            var expAvgSq = [Float](repeating: 0, count: count), maxExpAvgSq = [Float](repeating: 0, count: count)
            maxExpAvgSq[0] = .nan
            maxExpAvgSq[8] = .nan
            var gradient = [Float](repeating: 1, count: count)
            gradient[3] = .nan
            var step = Self.steps[1]
            rk_adam_update_isa(isa, count, &parameter, gradient, &expAvg, &expAvgSq, &maxExpAvgSq, &step)
            #expect(maxExpAvgSq[0].isNaN && maxExpAvgSq[3].isNaN && maxExpAvgSq[8].isNaN)
            #expect(!maxExpAvgSq[1].isNaN && !maxExpAvgSq[7].isNaN)
        }
    }
}
