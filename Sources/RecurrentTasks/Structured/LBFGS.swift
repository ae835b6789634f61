import Foundation

/// Limited-memory BFGS (Nocedal 1980; Liu and Nocedal 1989) minimizing a smooth f(x), or with
/// `l1 > 0` the orthant-wise variant OWL-QN (Andrew and Gao 2007) minimizing f(x) + l1·‖x‖₁.
///
/// Each iteration takes the direction d = -H·g from the last `memory` pairs
/// (sᵢ = xᵢ₊₁ - xᵢ, yᵢ = gᵢ₊₁ - gᵢ) by the two-loop recursion, then backtracks along it until the
/// Armijo condition f(x + a·d) ≤ f(x) + 10⁻⁴·a·gᵀd holds (the first step is 1/‖g‖, later ones
/// start at 1). OWL-QN uses the pseudo-gradient of the L1 term in place of g, keeps d in the
/// orthant the pseudo-gradient points away from, and projects every trial point back into the
/// orthant of x (coordinates that would change sign become 0), so weights reach exact zeros.
///
/// Stops after `maxIterations`, when ‖g‖ ≤ `epsilon`·max(1, ‖x‖) (as liblbfgs), or when the
/// objective fell by less than a fraction `delta` over the last `period` iterations.
public struct LBFGS {
    public var memory = 6
    public var maxIterations = 100
    public var epsilon = 1e-5
    public var period = 10
    public var delta = 1e-5
    /// The L1 coefficient; > 0 turns on OWL-QN.
    public var l1 = 0.0
    public var maxLineSearchSteps = 40

    public init() {}

    /// What one iteration reached.
    public struct Iteration {
        public var index: Int
        public var objective: Double
        public var gradientNorm: Double
        public var step: Double
        public var evaluations: Int
    }

    public enum Stop: String, Sendable {
        case converged, noImprovement = "no_improvement", maxIterations = "max_iterations", lineSearchFailed = "line_search_failed", stopped
    }

    /// Minimizes from `x` (updated in place). `evaluate(x, gradient)` returns f(x) and writes ∇f(x)
    /// (without the L1 term). `onIteration` sees each iteration and the point reached, and may return false to stop.
    public func minimize(_ x: inout [Double], evaluate: (UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Double,
                         onIteration: (Iteration, [Double]) -> Bool = { _, _ in true }) -> (objective: Double, stop: Stop) {
        let n = x.count
        var gradient = [Double](repeating: 0, count: n)
        func call(_ point: [Double], _ gradient: inout [Double]) -> Double {
            var value = point.withUnsafeBufferPointer { p in gradient.withUnsafeMutableBufferPointer { evaluate(p, $0) } }
            if l1 > 0 { value += l1 * point.reduce(0) { $0 + abs($1) } }
            return value
        }
        var objective = call(x, &gradient)
        var steepest = pseudoGradient(x, gradient)
        var history: [Double] = [objective]
        var s: [[Double]] = [], y: [[Double]] = [], rho: [Double] = []
        var direction = [Double](repeating: 0, count: n)
        var trial = [Double](repeating: 0, count: n), trialGradient = [Double](repeating: 0, count: n)
        var evaluations = 1

        if norm(steepest) <= epsilon * max(1, norm(x)) { return (objective, .converged) }
        for iteration in 1...max(maxIterations, 1) {
            // Two-loop recursion: direction = -H · steepest.
            for index in 0..<n { direction[index] = -steepest[index] }
            var alphas = [Double](repeating: 0, count: s.count)
            for k in stride(from: s.count - 1, through: 0, by: -1) {
                alphas[k] = rho[k] * dot(s[k], direction)
                axpy(-alphas[k], y[k], &direction)
            }
            if let lastS = s.last, let lastY = y.last {
                let scale = dot(lastS, lastY) / dot(lastY, lastY)
                for index in 0..<n { direction[index] *= scale }
            }
            for k in 0..<s.count {
                let beta = rho[k] * dot(y[k], direction)
                axpy(alphas[k] - beta, s[k], &direction)
            }
            if l1 > 0 {
                // Keep only the components that agree with the steepest-descent direction.
                for index in 0..<n where direction[index] * steepest[index] >= 0 { direction[index] = 0 }
            }
            var slope = dot(direction, steepest)
            if !(slope < 0) {
                // Not a descent direction: restart from steepest descent.
                s.removeAll(); y.removeAll(); rho.removeAll()
                for index in 0..<n { direction[index] = -steepest[index] }
                slope = dot(direction, steepest)
            }
            var step = iteration == 1 ? 1 / max(norm(direction), 1e-300) : 1
            // The orthant each coordinate must stay in (OWL-QN).
            let orthant: [Double] = l1 > 0 ? (0..<n).map { x[$0] != 0 ? (x[$0] > 0 ? 1 : -1) : (steepest[$0] > 0 ? -1 : 1) } : []
            var trialObjective = Double.infinity, accepted = false
            for _ in 0..<maxLineSearchSteps {
                for index in 0..<n {
                    var value = x[index] + step * direction[index]
                    if l1 > 0, value * orthant[index] <= 0 { value = 0 }
                    trial[index] = value
                }
                trialObjective = call(trial, &trialGradient)
                evaluations += 1
                var decrease = step * slope
                if l1 > 0 {
                    decrease = 0
                    for index in 0..<n { decrease += (trial[index] - x[index]) * steepest[index] }
                }
                if trialObjective.isFinite, trialObjective <= objective + 1e-4 * decrease {
                    accepted = true
                    break
                }
                step *= 0.5
            }
            guard accepted else { return (objective, .lineSearchFailed) }
            // Update the memory with the step taken and the change of the smooth gradient.
            var sNew = [Double](repeating: 0, count: n), yNew = [Double](repeating: 0, count: n)
            for index in 0..<n {
                sNew[index] = trial[index] - x[index]
                yNew[index] = trialGradient[index] - gradient[index]
            }
            let curvature = dot(sNew, yNew)
            if curvature > 1e-10 {
                if s.count == memory { s.removeFirst(); y.removeFirst(); rho.removeFirst() }
                s.append(sNew); y.append(yNew); rho.append(1 / curvature)
            }
            swap(&x, &trial)
            swap(&gradient, &trialGradient)
            objective = trialObjective
            steepest = pseudoGradient(x, gradient)
            history.append(objective)
            let gradientNorm = norm(steepest)
            guard onIteration(Iteration(index: iteration, objective: objective, gradientNorm: gradientNorm, step: step,
                                        evaluations: evaluations), x) else { return (objective, .stopped) }
            if gradientNorm <= epsilon * max(1, norm(x)) { return (objective, .converged) }
            if history.count > period {
                let before = history[history.count - 1 - period]
                if (before - objective) / max(abs(objective), 1e-300) < delta { return (objective, .noImprovement) }
            }
        }
        return (objective, .maxIterations)
    }

    /// The gradient, or for OWL-QN the pseudo-gradient of f + l1·‖x‖₁: at x = 0 the one-sided
    /// derivative that points downhill, or 0 when neither side does.
    func pseudoGradient(_ x: [Double], _ gradient: [Double]) -> [Double] {
        guard l1 > 0 else { return gradient }
        var result = gradient
        for index in 0..<x.count {
            if x[index] > 0 {
                result[index] += l1
            } else if x[index] < 0 {
                result[index] -= l1
            } else if gradient[index] + l1 < 0 {
                result[index] = gradient[index] + l1
            } else if gradient[index] - l1 > 0 {
                result[index] = gradient[index] - l1
            } else {
                result[index] = 0
            }
        }
        return result
    }
}

private func dot(_ a: [Double], _ b: [Double]) -> Double {
    a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
            var total = 0.0
            for index in 0..<a.count { total += a[index] * b[index] }
            return total
        }
    }
}

private func norm(_ a: [Double]) -> Double { dot(a, a).squareRoot() }

/// y += alpha · x
private func axpy(_ alpha: Double, _ x: [Double], _ y: inout [Double]) {
    x.withUnsafeBufferPointer { x in
        y.withUnsafeMutableBufferPointer { y in
            for index in 0..<x.count { y[index] += alpha * x[index] }
        }
    }
}
