import CRecurrentKernels
import RecurrentTensor

/// The fused whole-sequence GRU for one layer and direction (see ``FusedSequence``),
/// computing exactly what ``GRUCell``'s plain loop computes.
enum FusedGRU {
    static func run(_ weights: RecurrentWeights, input: FusedInput, initialState: HiddenState, mask: Tensor?,
                    reverse: Bool) -> (states: Tensor, final: HiddenState) {
        FusedSequence.checkShapes(input, weights, [initialState.h], mask, "GRU")
        let (length, batch, _) = input.shape
        let hidden = weights.hiddenSize
        let gateWidth = 3 * hidden, block = batch * hidden, rows = length * batch
        guard length > 0 else { return (Tensor.zeros([0, batch, hidden]), initialState) }
        let x = input.detached, h0 = initialState.h.detached
        let weightIH = weights.weightIH.value.detached, weightHH = weights.weightHH.value.detached
        let maskValues = mask?.detached

        // gi = x W_ihᵀ + b_ih for all steps; gh = b_hh, to which each step adds h W_hhᵀ.
        var inputGates = FusedSequence.inputProjection(x, weights: weights.weightIH, biases: weights.biasIH.map { [$0.value] } ?? [])
        var hiddenGates = Tensor.zeros([rows, gateWidth])
        if let biasHH = weights.biasHH?.value {
            hiddenGates = hiddenGates + biasHH
        }
        var combined = Tensor.uninitialized([length, batch, hidden])
        let recurrent = WeightProduct(recurrent: weights.weightHH, hidden: hidden, batch: batch)
        withExtendedLifetime((h0, maskValues)) {
            let gi = inputGates.unsafeMutableBaseAddress(), gh = hiddenGates.unsafeMutableBaseAddress()
            let states = combined.unsafeMutableBaseAddress(), maskPointer = maskValues?.unsafeBaseAddress
            let whole = recurrent.forwardSequence(RK_CELL_GRU, length: length, rows: batch, hidden: hidden, gates: gi,
                                                  hiddenGates: gh, h0: h0.unsafeBaseAddress, h: states, mask: maskPointer,
                                                  reverse: reverse)
            if !whole {
                FusedSequence.forEachRowBand(batch: batch) { band in
                    let first = band.lowerBound
                    for step in 0..<length {
                        let t = FusedSequence.time(step, length, reverse)
                        let hPrevious = (FusedSequence.previousTime(t, length, reverse).map { UnsafePointer(states + $0 * block) }
                            ?? h0.unsafeBaseAddress) + first * hidden
                        let offset = (t * batch + first) * gateWidth
                        recurrent.multiply(m: band.count, a: hPrevious, lda: hidden, beta: 1, c: gh + offset, ldc: gateWidth)
                        rk_gru_forward_rows(band.count, hidden, gi + offset, gh + offset, hPrevious, hidden,
                                            states + t * block + first * hidden, maskPointer.map { $0 + t * batch + first })
                    }
                }
            }
        }
        let activations = inputGates, recurrentGates = hiddenGates, forwardStates = combined

        let inputs = FusedSequence.inputs(input, [initialState.h], weights)
        let recorded = Tensor.record(combined, inputs) { gradient in
            var dInputGates = Tensor.uninitialized([rows, gateWidth]), dHiddenGates = Tensor.uninitialized([rows, gateWidth])
            var dhNext = Tensor.zeros([batch, hidden])
            let recurrentT = WeightProduct(weightHH, transposed: false, batch: batch)
            withExtendedLifetime((gradient, activations, recurrentGates, forwardStates, h0, maskValues)) {
                let g = gradient.unsafeBaseAddress, states = forwardStates.unsafeBaseAddress
                let dgi = dInputGates.unsafeMutableBaseAddress(), dgh = dHiddenGates.unsafeMutableBaseAddress()
                let dhNextPointer = dhNext.unsafeMutableBaseAddress()
                let inputActivations = activations.unsafeBaseAddress, hiddenActivations = recurrentGates.unsafeBaseAddress
                let maskPointer = maskValues?.unsafeBaseAddress
                FusedSequence.forEachRowBand(batch: batch) { band in
                    let first = band.lowerBound, rowOffset = first * hidden
                    for step in stride(from: length - 1, through: 0, by: -1) {
                        let t = FusedSequence.time(step, length, reverse)
                        let hPrevious = (FusedSequence.previousTime(t, length, reverse).map { states + $0 * block } ?? h0.unsafeBaseAddress)
                            + rowOffset
                        let offset = (t * batch + first) * gateWidth
                        // Leaves the direct path z·dh (or dh itself for ended rows) in dhNext ...
                        rk_gru_backward_rows(band.count, hidden, inputActivations + offset, hiddenActivations + offset, hPrevious, hidden,
                                             g + t * block + rowOffset, dhNextPointer + rowOffset, dgi + offset, dgh + offset,
                                             maskPointer.map { $0 + t * batch + first })
                        // ... to which the path through the recurrent product adds dgh · W_hh.
                        recurrentT.multiply(m: band.count, a: dgh + offset, lda: gateWidth, beta: 1, c: dhNextPointer + rowOffset,
                                            ldc: hidden)
                    }
                }
            }
            return withExtendedLifetime((dInputGates, dHiddenGates, forwardStates)) {
                let dgi = dInputGates.unsafeBaseAddress, dgh = dHiddenGates.unsafeBaseAddress
                let previousStates = FusedSequence.previousStates(forwardStates.unsafeBaseAddress, initial: h0, length: length,
                                                                  batch: batch, hidden: hidden, reverse: reverse)
                let dWeightHH = withExtendedLifetime(previousStates) {
                    FusedSequence.weightGradient(dgh, gates: gateWidth, previousStates.unsafeBaseAddress, features: hidden, rows: rows)
                }
                let (dInput, dWeightIH) = FusedSequence.inputGradients(dInputGates, input: x, weightIH: weightIH)
                var result = [dInput, dhNext, dWeightIH, dWeightHH]
                if weights.biasIH != nil { result.append(FusedSequence.columnSums(dgi, rows: rows, columns: gateWidth)) }
                if weights.biasHH != nil { result.append(FusedSequence.columnSums(dgh, rows: rows, columns: gateWidth)) }
                return result
            }
        }
        let (states, finalH, _) = FusedSequence.split(recorded, length: length, reverse: reverse)
        return (states, HiddenState(h: finalH))
    }
}
