import RecurrentTensor
import Testing

/// The largest |a - b| / (absolute + relative · max(|a|, |b|)) over two equally long lists;
/// at most 1 means they agree within tolerance. NaN anywhere (unless both NaN) is infinite.
public func closenessRatio(_ actual: [Float], _ expected: [Float], relative: Float, absolute: Float) -> Float {
    precondition(actual.count == expected.count)
    var worst: Float = 0
    for (a, b) in zip(actual, expected) {
        if a.isNaN && b.isNaN { continue }
        if a == b { continue }  // also equal infinities
        let ratio = Swift.abs(a - b) / (absolute + relative * Swift.max(Swift.abs(a), Swift.abs(b)))
        if ratio.isNaN || ratio > worst { worst = ratio.isNaN ? .infinity : ratio }
    }
    return worst
}

/// Expects two tensors to have the same shape and elementwise agree within tolerance.
public func expectClose(_ actual: Tensor, _ expected: Tensor, relative: Float = 1e-5, absolute: Float = 1e-6,
                        _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.shape == expected.shape, comment, sourceLocation: sourceLocation)
    guard actual.shape == expected.shape else { return }
    let ratio = closenessRatio(actual.scalars, expected.scalars, relative: relative, absolute: absolute)
    #expect(ratio <= 1, "worst mismatch ratio \(ratio)\(comment.map { ": \($0)" } ?? "")", sourceLocation: sourceLocation)
}

/// Expects two lists to agree elementwise within tolerance.
public func expectClose(_ actual: [Float], _ expected: [Float], relative: Float = 1e-5, absolute: Float = 1e-6,
                        _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.count == expected.count, comment, sourceLocation: sourceLocation)
    guard actual.count == expected.count else { return }
    let ratio = closenessRatio(actual, expected, relative: relative, absolute: absolute)
    #expect(ratio <= 1, "worst mismatch ratio \(ratio)\(comment.map { ": \($0)" } ?? "")", sourceLocation: sourceLocation)
}

/// Expects analytic gradients of `function` at `inputs` to match finite differences.
public func expectGradientsMatch(_ inputs: [Tensor], step: Float = 1e-3, relative: Double = 1e-2, absolute: Double = 1e-3,
                                 _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation,
                                 _ function: ([Tensor]) -> Tensor) {
    let check = GradientCheck(of: function, at: inputs, step: step, relativeTolerance: relative, absoluteTolerance: absolute)
    #expect(check.passed, "\(check)\(comment.map { ": \($0)" } ?? "")", sourceLocation: sourceLocation)
}
