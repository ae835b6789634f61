import CRecurrentKernels

// Elementwise functions. Each records its derivative in terms of its input x or output y:
//   exp: y      log: 1/x      tanh: 1 - y^2      sigmoid: y (1 - y)
//   relu: 1 where x > 0      sqrt: 1 / (2y)      square: 2x      abs: sign(x)
//   pow(x, p): p x^(p-1)

extension Tensor {
    /// Applies a vector kernel `(input, output, count)` to all elements.
    @inline(__always)
    func applyingKernel(_ kernel: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void) -> Tensor {
        Tensor(shape: shape) { out in kernel(storage.pointer, out.baseAddress!, out.count) }
    }

    /// e^x elementwise.
    public func exp() -> Tensor {
        let result = applyingKernel { rk_vexp($0, $1, $2) }
        return Tensor.record(result, [self]) { g in [g * result] }
    }

    /// Natural logarithm elementwise.
    public func log() -> Tensor {
        let result = applyingKernel { rk_vlog($0, $1, $2) }
        let input = self
        return Tensor.record(result, [self]) { g in [Tensor.broadcastingZip(g, input, "Tensor.log") { $0 / $1 }] }
    }

    /// Hyperbolic tangent elementwise.
    public func tanh() -> Tensor {
        let result = applyingKernel { rk_vtanh($0, $1, $2) }
        return Tensor.record(result, [self]) { g in
            [Tensor.broadcastingZip(g, result, "Tensor.tanh") { $0 * (1 - $1 * $1) }]
        }
    }

    /// The logistic function 1 / (1 + e^-x) elementwise.
    public func sigmoid() -> Tensor {
        let result = applyingKernel { rk_vsigmoid($0, $1, $2) }
        return Tensor.record(result, [self]) { g in
            [Tensor.broadcastingZip(g, result, "Tensor.sigmoid") { $0 * $1 * (1 - $1) }]
        }
    }

    /// max(x, 0) elementwise (the derivative at 0 is taken as 0, as in PyTorch).
    public func relu() -> Tensor {
        let result = mapValues { $0 > 0 ? $0 : 0 }
        let input = self
        return Tensor.record(result, [self]) { g in
            [Tensor.broadcastingZip(g, input, "Tensor.relu") { $1 > 0 ? $0 : 0 }]
        }
    }

    /// Square root elementwise.
    public func squareRoot() -> Tensor {
        let result = mapValues { $0.squareRoot() }
        return Tensor.record(result, [self]) { g in
            [Tensor.broadcastingZip(g, result, "Tensor.squareRoot") { $0 / (2 * $1) }]
        }
    }

    /// x^2 elementwise.
    public func squared() -> Tensor {
        let result = mapValues { $0 * $0 }
        let input = self
        return Tensor.record(result, [self]) { g in
            [Tensor.broadcastingZip(g, input, "Tensor.squared") { 2 * $0 * $1 }]
        }
    }

    /// |x| elementwise (derivative 0 at 0).
    public func abs() -> Tensor {
        let result = mapValues { Swift.abs($0) }
        let input = self
        return Tensor.record(result, [self]) { g in
            [Tensor.broadcastingZip(g, input, "Tensor.abs") { $1 > 0 ? $0 : $1 < 0 ? -$0 : 0 }]
        }
    }

    /// x^exponent elementwise.
    public func pow(_ exponent: Float) -> Tensor {
        let result = mapValues { cPowf($0, exponent) }
        let input = self
        return Tensor.record(result, [self]) { g in
            [Tensor.broadcastingZip(g, input, "Tensor.pow") { $0 * exponent * cPowf($1, exponent - 1) }]
        }
    }

    /// Elementwise clamp to [lower, upper]; the gradient passes where the value was inside.
    public func clamped(to range: ClosedRange<Float>) -> Tensor {
        let result = mapValues { Swift.min(Swift.max($0, range.lowerBound), range.upperBound) }
        let input = self
        return Tensor.record(result, [self]) { g in
            [Tensor.broadcastingZip(g, input, "Tensor.clamped") { range.contains($1) ? $0 : 0 }]
        }
    }
}
