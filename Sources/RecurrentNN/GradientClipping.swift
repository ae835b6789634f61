#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import RecurrentTensor

// Gradient clipping between `backward()` and `Optimizer.step()`, modifying the gradients held by
// the parameters in place. A parameter listed twice (tied weights) is counted and clipped once;
// parameters without a gradient (frozen, or unused by the loss) are ignored.

/// Rescales all gradients together so that their combined norm is at most `maxNorm`:
/// PyTorch's `torch.nn.utils.clip_grad_norm_`.
///
/// With one gradient `gᵢ` per parameter and p = `normType`:
///
/// ```
/// total = ‖(‖g₁‖_p, ‖g₂‖_p, …)‖_p          the norm of all gradients as one vector
/// c     = maxNorm / (total + 1e-6)
/// gᵢ    ← c·gᵢ                           only when c < 1
/// ```
///
/// Norms are accumulated in double precision and rounded to Float per parameter and for the
/// total, as PyTorch does on the CPU. A non-finite total makes every gradient non-finite, as in
/// PyTorch (whose `error_if_nonfinite` defaults to false): check the returned norm to skip
/// such a step.
///
/// - Parameters:
///   - parameters: the parameters whose gradients to clip, usually `model.parameters`.
///   - maxNorm: the largest allowed total norm.
///   - normType: p ≥ 1, or `.infinity` for the largest absolute value.
/// - Returns: the total norm before clipping (0 when no parameter has a gradient).
@discardableResult
public func clipGradientNorm(_ parameters: [NamedParameter], maxNorm: Float, normType: Float = 2) -> Float {
    clipGradientNorm(parameters.map(\.parameter), maxNorm: maxNorm, normType: normType)
}

/// Rescales all gradients together so that their combined norm is at most `maxNorm`; the same as the
/// overload taking named parameters.
@discardableResult
public func clipGradientNorm(_ parameters: [Parameter], maxNorm: Float, normType: Float = 2) -> Float {
    precondition(normType >= 1, "clipGradientNorm: normType must be ≥ 1 or .infinity, got \(normType)")
    let withGradients = distinctParametersWithGradients(parameters)
    guard !withGradients.isEmpty else { return 0 }
    let norms = withGradients.map { parameter in
        parameter.withGradientValues { vectorNorm(UnsafeBufferPointer($0), normType: normType) }
    }
    let total = norms.withUnsafeBufferPointer { vectorNorm($0, normType: normType) }
    let coefficient = maxNorm / (total + 1e-6)
    if !(coefficient >= 1) {  // also when the total is NaN, as PyTorch's clamp lets NaN through
        for parameter in withGradients {
            parameter.withGradientValues { gradient in for index in gradient.indices { gradient[index] *= coefficient } }
        }
    }
    return total
}

/// Clamps every gradient element to `[-limit, limit]`: PyTorch's
/// `torch.nn.utils.clip_grad_value_`. NaN elements stay NaN.
///
/// ```
/// g ← min(max(g, −limit), limit)        for every element of every gradient
/// ```
public func clipGradientValue(_ parameters: [NamedParameter], limit: Float) {
    clipGradientValue(parameters.map(\.parameter), limit: limit)
}

/// Clamps every gradient element to `[-limit, limit]`; the same as the
/// overload taking named parameters.
public func clipGradientValue(_ parameters: [Parameter], limit: Float) {
    precondition(limit >= 0, "clipGradientValue: limit must be non-negative, got \(limit)")
    for parameter in distinctParametersWithGradients(parameters) {
        parameter.withGradientValues { gradient in
            for index in gradient.indices {
                if gradient[index] > limit { gradient[index] = limit } else if gradient[index] < -limit { gradient[index] = -limit }
            }
        }
    }
}

// MARK: - Helpers

/// The distinct parameters that hold a gradient, in order, each with a single gradient (dense,
/// or row-sparse: the rows a lookup touched, whose norm is the norm of the dense gradient).
private func distinctParametersWithGradients(_ parameters: [Parameter]) -> [Parameter] {
    var seen = Set<ObjectIdentifier>()
    return parameters.filter { parameter in
        guard seen.insert(ObjectIdentifier(parameter)).inserted else { return false }
        parameter.consolidateGradient()
        return parameter.hasGradient
    }
}

extension Parameter {
    /// Calls `body` with the gradient's values to read or change in place: the dense gradient,
    /// or the touched rows of a sparse one.
    fileprivate func withGradientValues<Result>(_ body: (UnsafeMutableBufferPointer<Float>) -> Result) -> Result {
        if let result = value.withUnsafeMutableGradientBuffer(body) { return result }
        return sparseGradient!.withUnsafeMutableValues { body($0) }
    }
}

/// ‖x‖_p accumulated in double precision, rounded to Float: `torch.linalg.vector_norm`.
private func vectorNorm(_ values: UnsafeBufferPointer<Float>, normType: Float) -> Float {
    if normType == .infinity {
        var largest: Float = 0
        for value in values {
            if value.isNaN { return .nan }
            largest = Swift.max(largest, Swift.abs(value))
        }
        return largest
    }
    var sum: Double = 0
    switch normType {
    case 1:
        for value in values { sum += Double(Swift.abs(value)) }
        return Float(sum)
    case 2:
        // Four running sums break the dependency chain of one; in double precision their order
        // does not show in the Float result.
        var sums = (0.0, 0.0, 0.0, 0.0)
        var index = 0
        while index + 4 <= values.count {
            let a = Double(values[index]), b = Double(values[index + 1])
            let c = Double(values[index + 2]), d = Double(values[index + 3])
            sums.0 += a * a
            sums.1 += b * b
            sums.2 += c * c
            sums.3 += d * d
            index += 4
        }
        sum = (sums.0 + sums.1) + (sums.2 + sums.3)
        while index < values.count {
            sum += Double(values[index]) * Double(values[index])
            index += 1
        }
        return Float(sum.squareRoot())
    default:
        let p = Double(normType)
        for value in values { sum += pow(Double(Swift.abs(value)), p) }
        return Float(pow(sum, 1 / p))
    }
}
