import RecurrentNN
import RecurrentTensor
import Testing

/// Checks the gradients `backward()` leaves in `parameters` against central finite
/// differences of `loss`, which must build its scalar from the parameters' current values.
public func expectParameterGradientsMatch(_ parameters: [NamedParameter], step: Float = 1e-3, relative: Double = 1e-2,
                                   absolute: Double = 1e-3, _ comment: Comment? = nil,
                                   sourceLocation: SourceLocation = #_sourceLocation, loss: () -> Tensor) {
    for named in parameters { named.parameter.zeroGradient() }
    loss().backward()
    for named in parameters {
        let analytic = named.parameter.gradient?.scalars ?? [Float](repeating: 0, count: named.parameter.value.count)
        var worst = 0.0, worstIndex = 0, worstPair = (0.0, 0.0)
        for index in 0..<named.parameter.value.count {
            let original = named.parameter.value.scalars[index]
            named.parameter.update { $0[index] = original + step }
            let plus = Double(withoutGradient { loss() }.scalar)
            named.parameter.update { $0[index] = original - step }
            let minus = Double(withoutGradient { loss() }.scalar)
            named.parameter.update { $0[index] = original }
            let numeric = (plus - minus) / (Double(original + step) - Double(original - step))
            let exact = Double(analytic[index])
            let ratio = Swift.abs(exact - numeric) / (absolute + relative * Swift.max(Swift.abs(exact), Swift.abs(numeric)))
            if ratio > worst || ratio.isNaN { (worst, worstIndex, worstPair) = (ratio.isNaN ? .infinity : ratio, index, (exact, numeric)) }
        }
        #expect(worst <= 1, "\(named.name)[\(worstIndex)]: analytic \(worstPair.0), numeric \(worstPair.1)\(comment.map { " (\($0))" } ?? "")",
                sourceLocation: sourceLocation)
    }
}
