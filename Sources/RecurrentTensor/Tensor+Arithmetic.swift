// Elementwise arithmetic with NumPy broadcasting. Each operator computes its result and
// records its pullback: for z = x op y with gradient g of z,
//   +  : dx = g,        dy = g
//   -  : dx = g,        dy = -g
//   *  : dx = g * y,    dy = g * x
//   /  : dx = g / y,    dy = -g * x / y^2
// each summed back to the operand's shape where the operand was broadcast.

extension Tensor {
    public static func + (lhs: Tensor, rhs: Tensor) -> Tensor {
        let result = broadcastingZip(lhs, rhs, "Tensor +") { $0 + $1 }
        let (lhsShape, rhsShape) = (lhs.shape, rhs.shape)
        return record(result, [lhs, rhs]) { g in [g.summed(toShape: lhsShape), g.summed(toShape: rhsShape)] }
    }

    public static func - (lhs: Tensor, rhs: Tensor) -> Tensor {
        let result = broadcastingZip(lhs, rhs, "Tensor -") { $0 - $1 }
        let (lhsShape, rhsShape) = (lhs.shape, rhs.shape)
        let rhsNeeds = rhs.requiresGradient
        return record(result, [lhs, rhs]) { g in
            [g.summed(toShape: lhsShape), rhsNeeds ? g.negatedValues().summed(toShape: rhsShape) : nil]
        }
    }

    public static func * (lhs: Tensor, rhs: Tensor) -> Tensor {
        let result = broadcastingZip(lhs, rhs, "Tensor *") { $0 * $1 }
        let (lhsNeeds, rhsNeeds) = (lhs.requiresGradient, rhs.requiresGradient)
        return record(result, [lhs, rhs]) { g in
            [lhsNeeds ? broadcastingZip(g, rhs, "Tensor *") { $0 * $1 }.summed(toShape: lhs.shape) : nil,
             rhsNeeds ? broadcastingZip(g, lhs, "Tensor *") { $0 * $1 }.summed(toShape: rhs.shape) : nil]
        }
    }

    public static func / (lhs: Tensor, rhs: Tensor) -> Tensor {
        let result = broadcastingZip(lhs, rhs, "Tensor /") { $0 / $1 }
        let (lhsNeeds, rhsNeeds) = (lhs.requiresGradient, rhs.requiresGradient)
        return record(result, [lhs, rhs]) { g in
            [lhsNeeds ? broadcastingZip(g, rhs, "Tensor /") { $0 / $1 }.summed(toShape: lhs.shape) : nil,
             rhsNeeds ? broadcastingZip(broadcastingZip(g, result, "Tensor /") { $0 * $1 }, rhs, "Tensor /") { -$0 / $1 }
                .summed(toShape: rhs.shape) : nil]
        }
    }

    public static prefix func - (operand: Tensor) -> Tensor {
        let result = operand.negatedValues()
        return record(result, [operand]) { g in [g.negatedValues()] }
    }

    // MARK: Scalars

    public static func + (lhs: Tensor, rhs: Float) -> Tensor {
        record(lhs.mapValues { $0 + rhs }, [lhs]) { g in [g] }
    }
    public static func + (lhs: Float, rhs: Tensor) -> Tensor { rhs + lhs }
    public static func - (lhs: Tensor, rhs: Float) -> Tensor { lhs + (-rhs) }
    public static func - (lhs: Float, rhs: Tensor) -> Tensor {
        record(rhs.mapValues { lhs - $0 }, [rhs]) { g in [g.negatedValues()] }
    }
    public static func * (lhs: Tensor, rhs: Float) -> Tensor {
        record(lhs.mapValues { $0 * rhs }, [lhs]) { g in [g.mapValues { $0 * rhs }] }
    }
    public static func * (lhs: Float, rhs: Tensor) -> Tensor { rhs * lhs }
    public static func / (lhs: Tensor, rhs: Float) -> Tensor { lhs * (1 / rhs) }
    public static func / (lhs: Float, rhs: Tensor) -> Tensor {
        let result = rhs.mapValues { lhs / $0 }
        return record(result, [rhs]) { g in
            [broadcastingZip(g, broadcastingZip(result, rhs, "Tensor /") { $0 / $1 }, "Tensor /") { -$0 * $1 }]
        }
    }

    public static func += (lhs: inout Tensor, rhs: Tensor) { lhs = lhs + rhs }
    public static func -= (lhs: inout Tensor, rhs: Tensor) { lhs = lhs - rhs }
    public static func *= (lhs: inout Tensor, rhs: Tensor) { lhs = lhs * rhs }
    public static func *= (lhs: inout Tensor, rhs: Float) { lhs = lhs * rhs }

    // MARK: Unrecorded helpers

    /// `transform` applied to every element; not recorded for differentiation.
    @inline(__always)
    public func mapValues(_ transform: (Float) -> Float) -> Tensor {
        Tensor(shape: shape) { out in
            let source = storage.pointer
            for index in 0..<out.count { out[index] = transform(source[index]) }
        }
    }

    func negatedValues() -> Tensor { mapValues { -$0 } }

    /// Adds `other` (same shape) times `scale` into this tensor's storage, in place and
    /// unrecorded: for gradient accumulation and optimizer updates.
    public mutating func addScaled(_ other: Tensor, _ scale: Float = 1) {
        precondition(shape == other.shape, "Tensor.addScaled: shapes \(shape) and \(other.shape) differ")
        let source = other.storage.pointer
        withUnsafeMutableBufferPointer { out in
            for index in 0..<out.count { out[index] += scale * source[index] }
        }
    }
}
