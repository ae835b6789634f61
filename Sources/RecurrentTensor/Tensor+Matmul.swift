import CRecurrentKernels

extension Tensor {
    /// Matrix product `op(self) · op(other)`, where op transposes the last two axes when asked.
    ///
    /// - `[m, k] · [k, n] → [m, n]`
    /// - `[..., m, k] · [k, n] → [..., m, n]` (leading axes of `self` folded into m)
    /// - `[b, m, k] · [b, k, n] → [b, m, n]` (batched)
    ///
    /// Gradients, for C = A·B: dA = dC·Bᵀ and dB = Aᵀ·dC (with the transposes moved into the
    /// GEMM calls rather than materialized).
    public func matmul(_ other: Tensor, transposeSelf: Bool = false, transposeOther: Bool = false) -> Tensor {
        let lhs = self, rhs = other
        if rhs.rank == 2 && (lhs.rank == 2 || (lhs.rank > 2 && !transposeSelf)) {
            let folded = lhs.rank == 2 ? lhs : lhs.reshapedValues([Shape.count(Array(lhs.shape.dropLast())), lhs.shape[lhs.rank - 1]])
            let product2D = Tensor.gemm(folded, transposeSelf, rhs, transposeOther)
            let outputShape = lhs.rank == 2 ? product2D.shape : Array(lhs.shape.dropLast()) + [product2D.shape[1]]
            let result = product2D.reshapedValues(outputShape)
            let (lhsNeeds, rhsNeeds) = (lhs.requiresGradient, rhs.requiresGradient)
            return Tensor.record(result, [lhs, rhs]) { g in
                let g2D = g.reshapedValues(product2D.shape)
                let (dA, dB) = Tensor.gemmPullback(g2D, folded, transposeSelf, rhs, transposeOther, lhsNeeds, rhsNeeds)
                return [dA?.reshapedValues(lhs.shape), dB]
            }
        }
        precondition(lhs.rank == 3 && rhs.rank == 3 && lhs.shape[0] == rhs.shape[0],
                     "Tensor.matmul: cannot multiply shapes \(lhs.shape) and \(rhs.shape)")
        let batch = lhs.shape[0]
        let products = (0..<batch).map { Tensor.gemm(lhs.row($0), transposeSelf, rhs.row($0), transposeOther) }
        let result = Tensor.stackValues(products, shape: [batch] + (products.first?.shape ?? Tensor.productShape(lhs, transposeSelf, rhs, transposeOther)))
        let (lhsNeeds, rhsNeeds) = (lhs.requiresGradient, rhs.requiresGradient)
        return Tensor.record(result, [lhs, rhs]) { g in
            let pieces = (0..<batch).map {
                Tensor.gemmPullback(g.row($0), lhs.row($0), transposeSelf, rhs.row($0), transposeOther, lhsNeeds, rhsNeeds)
            }
            return [lhsNeeds ? Tensor.stackValues(pieces.map { $0.0! }, shape: lhs.shape) : nil,
                    rhsNeeds ? Tensor.stackValues(pieces.map { $0.1! }, shape: rhs.shape) : nil]
        }
    }

    static func productShape(_ a: Tensor, _ transposeA: Bool, _ b: Tensor, _ transposeB: Bool) -> [Int] {
        let m = transposeA ? a.shape[a.rank - 1] : a.shape[a.rank - 2]
        let n = transposeB ? b.shape[b.rank - 2] : b.shape[b.rank - 1]
        return [m, n]
    }

    /// op(a) · op(b) for matrices, unrecorded.
    static func gemm(_ a: Tensor, _ transposeA: Bool, _ b: Tensor, _ transposeB: Bool) -> Tensor {
        precondition(a.rank == 2 && b.rank == 2, "Tensor.matmul: expected matrices, got shapes \(a.shape) and \(b.shape)")
        let (m, k) = transposeA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
        let (kB, n) = transposeB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
        precondition(k == kB, "Tensor.matmul: inner dimensions differ: \(a.shape)\(transposeA ? "ᵀ" : "") · \(b.shape)\(transposeB ? "ᵀ" : "")")
        return Tensor(shape: [m, n]) { out in
            rk_sgemm(transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, 1, a.storage.pointer, Swift.max(a.shape[1], 1),
                     b.storage.pointer, Swift.max(b.shape[1], 1), 0, out.baseAddress!, Swift.max(n, 1))
        }
    }

    /// Gradients of C = op(A)·op(B) given dC, for matrices.
    static func gemmPullback(_ dC: Tensor, _ a: Tensor, _ transposeA: Bool, _ b: Tensor, _ transposeB: Bool,
                             _ needA: Bool, _ needB: Bool) -> (Tensor?, Tensor?) {
        var dA: Tensor?, dB: Tensor?
        if needA {
            // op(A) = A:  dA = dC · op(B)ᵀ.     op(A) = Aᵀ:  dA = op(B) · dCᵀ.
            dA = transposeA ? gemm(b, transposeB, dC, true) : gemm(dC, false, b, !transposeB)
        }
        if needB {
            // op(B) = B:  dB = op(A)ᵀ · dC.     op(B) = Bᵀ:  dB = dCᵀ · op(A).
            dB = transposeB ? gemm(dC, true, a, transposeA) : gemm(a, !transposeA, dC, false)
        }
        return (dA, dB)
    }
}
