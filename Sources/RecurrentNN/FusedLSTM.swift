import CRecurrentKernels
import RecurrentTensor

/// The fused whole-sequence LSTM for one layer and direction (see ``FusedSequence``),
/// computing exactly what ``LSTMCell``'s plain loop computes.
enum FusedLSTM {
    static func run(_ weights: RecurrentWeights, input: FusedInput, initialState: LSTMState, mask: Tensor?,
                    reverse: Bool) -> (states: Tensor, final: LSTMState) {
        FusedSequence.checkShapes(input, weights, [initialState.h, initialState.c], mask, "LSTM")
        let (length, batch, _) = input.shape
        let hidden = weights.hiddenSize
        let gateWidth = 4 * hidden, block = batch * hidden
        guard length > 0 else { return (Tensor.zeros([0, batch, hidden]), initialState) }
        let x = input.detached, h0 = initialState.h.detached, c0 = initialState.c.detached
        let weightIH = weights.weightIH.value.detached, weightHH = weights.weightHH.value.detached
        let maskValues = mask?.detached

        // Forward: gates = x W_ihᵀ + b_ih + b_hh for every step at once, then the time loop.
        var gates = FusedSequence.inputProjection(x, weights: weights.weightIH,
                                                  biases: [weights.biasIH, weights.biasHH].compactMap { $0?.value })
        var combined = Tensor.uninitialized([length + 1, batch, hidden])  // states, then the final c
        var cells = Tensor.uninitialized([length, batch, hidden])
        let recurrent = WeightProduct(recurrent: weights.weightHH, hidden: hidden, batch: batch)
        withExtendedLifetime((h0, c0, maskValues)) {
            let gatesPointer = gates.unsafeMutableBaseAddress(), statesPointer = combined.unsafeMutableBaseAddress()
            let cellsPointer = cells.unsafeMutableBaseAddress(), maskPointer = maskValues?.unsafeBaseAddress
            let whole = recurrent.forwardSequence(RK_CELL_LSTM, length: length, rows: batch, hidden: hidden, gates: gatesPointer,
                                                  h0: h0.unsafeBaseAddress, c0: c0.unsafeBaseAddress, h: statesPointer,
                                                  c: cellsPointer, mask: maskPointer, reverse: reverse)
            if !whole {
                FusedSequence.forEachRowBand(batch: batch) { band in
                    let first = band.lowerBound
                    for step in 0..<length {
                        let t = FusedSequence.time(step, length, reverse)
                        let previous = FusedSequence.previousTime(t, length, reverse)
                        let hPrevious = (previous.map { UnsafePointer(statesPointer + $0 * block) } ?? h0.unsafeBaseAddress) + first * hidden
                        let cPrevious = (previous.map { UnsafePointer(cellsPointer + $0 * block) } ?? c0.unsafeBaseAddress) + first * hidden
                        let stepGates = gatesPointer + (t * batch + first) * gateWidth
                        recurrent.multiply(m: band.count, a: hPrevious, lda: hidden, beta: 1, c: stepGates, ldc: gateWidth)
                        rk_lstm_forward_rows(band.count, hidden, stepGates, gateWidth, cPrevious, hPrevious, hidden,
                                             cellsPointer + t * block + first * hidden, statesPointer + t * block + first * hidden,
                                             hidden, maskPointer.map { $0 + t * batch + first })
                    }
                }
            }
            (statesPointer + length * block).update(from: cellsPointer + FusedSequence.time(length - 1, length, reverse) * block, count: block)
        }
        let activations = gates, cellStates = cells, forwardStates = combined

        let inputs = FusedSequence.inputs(input, [initialState.h, initialState.c], weights)
        let recorded = Tensor.record(combined, inputs) { gradient in
            // Backward through time, last step first.
            var dGates = Tensor.uninitialized([length * batch, gateWidth])
            var dc = Tensor.zeros([batch, hidden]), dhNext = Tensor.zeros([batch, hidden])
            let recurrentT = WeightProduct(weightHH, transposed: false, batch: batch)
            withExtendedLifetime((gradient, activations, cellStates, forwardStates, h0, c0, maskValues)) {
                let g = gradient.unsafeBaseAddress, dGatesPointer = dGates.unsafeMutableBaseAddress()
                let dcPointer = dc.unsafeMutableBaseAddress(), dhNextPointer = dhNext.unsafeMutableBaseAddress()
                dcPointer.update(from: g + length * block, count: block)  // dL/d(final c)
                let gates = activations.unsafeBaseAddress, cellsPointer = cellStates.unsafeBaseAddress
                let maskPointer = maskValues?.unsafeBaseAddress
                FusedSequence.forEachRowBand(batch: batch) { band in
                    let first = band.lowerBound, rowOffset = first * hidden
                    for step in stride(from: length - 1, through: 0, by: -1) {
                        let t = FusedSequence.time(step, length, reverse)
                        let previous = FusedSequence.previousTime(t, length, reverse)
                        let cPrevious = (previous.map { cellsPointer + $0 * block } ?? c0.unsafeBaseAddress) + rowOffset
                        let stepGradients = dGatesPointer + (t * batch + first) * gateWidth
                        rk_lstm_backward_rows(band.count, hidden, gates + (t * batch + first) * gateWidth,
                                              cellsPointer + t * block + rowOffset, cPrevious, g + t * block + rowOffset,
                                              dhNextPointer + rowOffset, dcPointer + rowOffset, stepGradients,
                                              maskPointer.map { $0 + t * batch + first })
                        // dL/dh_{t-1} += dGates_t · W_hh.
                        recurrentT.multiply(m: band.count, a: stepGradients, lda: gateWidth, beta: 1, c: dhNextPointer + rowOffset,
                                            ldc: hidden)
                    }
                }
            }
            let gradients = FusedSequence.sharedGateGradients(dGates, gates: gateWidth, input: x, weightIH: weightIH, states: forwardStates,
                                                              initial: h0, batch: batch, hidden: hidden, reverse: reverse,
                                                              hasBias: weights.biasIH != nil)
            return [gradients[0], dhNext, dc] + Array(gradients.dropFirst())
        }
        let (states, finalH, extra) = FusedSequence.split(recorded, length: length, reverse: reverse)
        return (states, LSTMState(h: finalH, c: extra[0]))
    }
}
