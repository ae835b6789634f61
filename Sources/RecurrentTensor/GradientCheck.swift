/// A comparison of analytic gradients (from ``Tensor/backward(_:)``) with central finite
/// differences.
public struct GradientCheck: CustomStringConvertible, Sendable {
    /// The largest |analytic - numeric| / (absoluteTolerance + relativeTolerance · max(|analytic|, |numeric|)):
    /// at most 1 means every element agrees within tolerance.
    public var worstRatio: Double = 0
    /// Where the worst element is: input number, flat index, analytic and numeric values.
    public var worst: (input: Int, index: Int, analytic: Double, numeric: Double) = (0, 0, 0, 0)
    /// How many elements were compared.
    public var checked = 0

    public var passed: Bool { worstRatio <= 1 }

    public var description: String {
        "GradientCheck(\(checked) elements, worst ratio \(worstRatio) at input \(worst.input)[\(worst.index)]: analytic \(worst.analytic), numeric \(worst.numeric))"
    }

    /// Checks d f / d inputs at `inputs`. The output of `function` is reduced to a scalar
    /// with fixed random weights (so every output element matters), accumulated in Double;
    /// each input element is moved by ±`step` and the central difference compared with the
    /// analytic gradient.
    ///
    /// - Parameters:
    ///   - inputs: the points to check at; all are differentiated.
    ///   - step: the finite-difference step.
    ///   - relativeTolerance, absoluteTolerance: the agreement required per element.
    public init(of function: ([Tensor]) -> Tensor, at inputs: [Tensor], step: Float = 1e-3,
                relativeTolerance: Double = 1e-2, absoluteTolerance: Double = 1e-3, seed: UInt64 = 7) {
        let leaves = inputs.map { $0.detached.requiringGradient() }
        let output = function(leaves)
        var generator = RandomGenerator(seed: seed)
        let weights = Tensor.randomUniform(output.shape, in: -1..<1, using: &generator)
        (output * weights).sum().backward()

        func projected(_ arguments: [Tensor]) -> Double {
            let value = withoutGradient { function(arguments) }
            precondition(value.shape == weights.shape, "GradientCheck: the function's output shape changed")
            var total: Double = 0
            value.withUnsafeBufferPointer { values in
                weights.withUnsafeBufferPointer { w in
                    for index in values.indices { total += Double(values[index]) * Double(w[index]) }
                }
            }
            return total
        }

        for (inputIndex, input) in inputs.enumerated() {
            let analytic = leaves[inputIndex].gradient ?? Tensor.zeros(like: input)
            for flat in 0..<input.count {
                var arguments = inputs.map(\.detached)
                let original = input.storage.pointer[flat]
                arguments[inputIndex].withUnsafeMutableBufferPointer { $0[flat] = original + step }
                let plus = projected(arguments)
                arguments[inputIndex].withUnsafeMutableBufferPointer { $0[flat] = original - step }
                let minus = projected(arguments)
                // The step actually taken, after rounding to Float.
                let width = Double(original + step) - Double(original - step)
                let numeric = (plus - minus) / width
                let exact = Double(analytic.storage.pointer[flat])
                let ratio = Swift.abs(exact - numeric) / (absoluteTolerance + relativeTolerance * Swift.max(Swift.abs(exact), Swift.abs(numeric)))
                if ratio > worstRatio || ratio.isNaN {
                    worstRatio = ratio.isNaN ? .infinity : ratio
                    worst = (inputIndex, flat, exact, numeric)
                }
                checked += 1
            }
        }
    }
}
