import CRecurrentKernels
import RecurrentTensor

/// The additive (Bahdanau) attention score as one recorded operation:
///
///     e[b, t, s] = Σ_a v[a] · tanh(q[b, t, a] + k[b, s, a])
///
/// with q the queries' projection `[batch, time, attention]`, k the memory's projection (bias
/// included) `[batch, memoryTime, attention]` and v `[1, attention]`. Written out rather than
/// composed of broadcasting primitives because its `[batch, time, memoryTime, attention]`
/// intermediate is the largest tensor of an attention step. Backward, with u = tanh(q + k) and
/// the score gradient g:
///
///     dPre[b, t, s, a] = g[b, t, s] · v[a] · (1 - u²)
///     dq[b, t, a] = Σ_s dPre[b, t, s, a]     dk[b, s, a] = Σ_t dPre[b, t, s, a]
///     dv[a] = Σ_{b,t,s} g[b, t, s] · u[b, t, s, a]
enum AdditiveScores {
    static func compute(queries: Tensor, keys: Tensor, weight: Tensor) -> Tensor {
        precondition(queries.rank == 3 && keys.rank == 3 && queries.shape[0] == keys.shape[0] && queries.shape[2] == keys.shape[2],
                     "AdditiveScores: queries \(queries.shape) and keys \(keys.shape) do not match")
        let (batch, time, width) = (queries.shape[0], queries.shape[1], queries.shape[2])
        let memoryTime = keys.shape[1]
        precondition(weight.count == width, "AdditiveScores: weight \(weight.shape) does not have \(width) elements")
        let rows = batch * time * memoryTime
        // u = tanh(q + k), [batch, time, memoryTime, width]: kept for the backward pass.
        var activations = Tensor.uninitialized([rows, width])
        var scores = Tensor.uninitialized([batch, time, memoryTime])
        let (q, k, v) = (queries.detached, keys.detached, weight.detached)
        withExtendedLifetime((q, k, v)) {
            let u = activations.unsafeMutableBaseAddress()
            let qPointer = q.unsafeBaseAddress, kPointer = k.unsafeBaseAddress
            for b in 0..<batch {
                for t in 0..<time {
                    let query = qPointer + (b * time + t) * width
                    for s in 0..<memoryTime {
                        let key = kPointer + (b * memoryTime + s) * width
                        let out = u + ((b * time + t) * memoryTime + s) * width
                        for a in 0..<width { out[a] = query[a] + key[a] }
                    }
                }
            }
            rk_vtanh(u, u, rows * width)
            // e = u · vᵀ: one matrix-vector product over all rows.
            Kernels.gemm(transposeB: true, m: rows, n: 1, k: width, a: u, lda: Swift.max(width, 1), b: v.unsafeBaseAddress,
                         ldb: Swift.max(width, 1), c: scores.unsafeMutableBaseAddress(), ldc: 1)
        }
        let saved = activations
        return Tensor.record(scores, [queries, keys, weight]) { gradient in
            var dQueries = Tensor.zeros([batch, time, width]), dKeys = Tensor.zeros([batch, memoryTime, width])
            var dWeight = Tensor.uninitialized(weight.shape)
            var dPre = Tensor.uninitialized([rows, width])
            withExtendedLifetime((gradient, saved, v)) {
                let g = gradient.unsafeBaseAddress, u = saved.unsafeBaseAddress, vPointer = v.unsafeBaseAddress
                let d = dPre.unsafeMutableBaseAddress()
                // dv = gᵀ · u over all rows.
                Kernels.gemm(transposeA: true, m: 1, n: width, k: rows, a: g, lda: 1, b: u, ldb: Swift.max(width, 1),
                             c: dWeight.unsafeMutableBaseAddress(), ldc: Swift.max(width, 1))
                for row in 0..<rows {
                    let scale = g[row], activation = u + row * width, out = d + row * width
                    for a in 0..<width { out[a] = scale * vPointer[a] * (1 - activation[a] * activation[a]) }
                }
                let dq = dQueries.unsafeMutableBaseAddress(), dk = dKeys.unsafeMutableBaseAddress()
                for b in 0..<batch {
                    for t in 0..<time {
                        let queryGradient = dq + (b * time + t) * width
                        for s in 0..<memoryTime {
                            let source = d + ((b * time + t) * memoryTime + s) * width
                            let keyGradient = dk + (b * memoryTime + s) * width
                            for a in 0..<width {
                                queryGradient[a] += source[a]
                                keyGradient[a] += source[a]
                            }
                        }
                    }
                }
            }
            return [dQueries, dKeys, dWeight]
        }
    }
}
