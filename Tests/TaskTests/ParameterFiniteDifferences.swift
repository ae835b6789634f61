import RecurrentNN
import RecurrentTensor
import Testing

/// Compares the gradient `backward()` leaves in each parameter with central differences of
/// `loss` at up to `samples` of its elements (spread over the whole tensor), so large layers are
/// checked in little time. `loss` must read the parameters' current values.
func expectFiniteDifferenceGradients(_ parameters: [NamedParameter], samples: Int = 12, step: Float = 1e-2, tolerance: Double = 2e-3,
                                     sourceLocation: SourceLocation = #_sourceLocation, loss: () -> Tensor) {
    for named in parameters { named.parameter.zeroGradient() }
    loss().backward()
    for named in parameters {
        let parameter = named.parameter, count = parameter.value.count
        let analytic = parameter.gradient?.scalars ?? [Float](repeating: 0, count: count)
        for index in stride(from: 0, to: count, by: max(1, count / samples)) {
            let original = parameter.value.scalars[index]
            func value(at point: Float) -> Double {
                parameter.update { $0[index] = point }
                return Double(withoutGradient { loss() }.scalar)
            }
            let numeric = (value(at: original + step) - value(at: original - step)) / Double(2 * step)
            parameter.update { $0[index] = original }
            let exact = Double(analytic[index])
            #expect(abs(numeric - exact) <= tolerance * max(1, abs(exact)), "\(named.name)[\(index)]: analytic \(exact), numeric \(numeric)",
                    sourceLocation: sourceLocation)
        }
    }
}
