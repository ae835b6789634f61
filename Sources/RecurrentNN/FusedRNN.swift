import CRecurrentKernels
import RecurrentTensor

/// The fused whole-sequence Elman RNN for one layer and direction (see ``FusedSequence``),
/// computing exactly what ``RNNCell``'s plain loop computes.
enum FusedRNN {
    static func run(_ weights: RecurrentWeights, relu: Bool, input: FusedInput, initialState: HiddenState, mask: Tensor?,
                    reverse: Bool) -> (states: Tensor, final: HiddenState) {
        FusedSequence.checkShapes(input, weights, [initialState.h], mask, "RNN")
        let (length, batch, _) = input.shape
        let hidden = weights.hiddenSize
        let block = batch * hidden, rows = length * batch
        guard length > 0 else { return (Tensor.zeros([0, batch, hidden]), initialState) }
        let x = input.detached, h0 = initialState.h.detached
        let weightIH = weights.weightIH.value.detached, weightHH = weights.weightHH.value.detached
        let maskValues = mask?.detached

        var preactivations = FusedSequence.inputProjection(x, weights: weights.weightIH,
                                                           biases: [weights.biasIH, weights.biasHH].compactMap { $0?.value })
        var combined = Tensor.uninitialized([length, batch, hidden])
        let recurrent = WeightProduct(recurrent: weights.weightHH, hidden: hidden, batch: batch)
        withExtendedLifetime((h0, maskValues)) {
            let a = preactivations.unsafeMutableBaseAddress(), states = combined.unsafeMutableBaseAddress()
            let whole = recurrent.forwardSequence(relu ? RK_CELL_RNN_RELU : RK_CELL_RNN_TANH, length: length, rows: batch,
                                                  hidden: hidden, gates: a, h0: h0.unsafeBaseAddress, h: states,
                                                  mask: maskValues?.unsafeBaseAddress, reverse: reverse)
            let maskPointer = maskValues?.unsafeBaseAddress
            if !whole {
                FusedSequence.forEachRowBand(batch: batch) { band in
                    let rowOffset = band.lowerBound * hidden
                    for step in 0..<length {
                        let t = FusedSequence.time(step, length, reverse)
                        let hPrevious = (FusedSequence.previousTime(t, length, reverse).map { UnsafePointer(states + $0 * block) }
                            ?? h0.unsafeBaseAddress) + rowOffset
                        let stepRows = t * block + rowOffset
                        recurrent.multiply(m: band.count, a: hPrevious, lda: hidden, beta: 1, c: a + stepRows, ldc: hidden)
                        rk_rnn_forward_rows(band.count, hidden, relu ? 1 : 0, a + stepRows, hPrevious, hidden, states + stepRows,
                                            maskPointer.map { $0 + t * batch + band.lowerBound })
                    }
                }
            }
        }
        let forwardStates = combined

        let inputs = FusedSequence.inputs(input, [initialState.h], weights)
        let recorded = Tensor.record(combined, inputs) { gradient in
            var dPre = Tensor.uninitialized([rows, hidden])
            var dhNext = Tensor.zeros([batch, hidden])
            let recurrentT = WeightProduct(weightHH, transposed: false, batch: batch)
            withExtendedLifetime((gradient, forwardStates, maskValues)) {
                let g = gradient.unsafeBaseAddress, states = forwardStates.unsafeBaseAddress
                let d = dPre.unsafeMutableBaseAddress(), dhNextPointer = dhNext.unsafeMutableBaseAddress()
                let maskPointer = maskValues?.unsafeBaseAddress
                FusedSequence.forEachRowBand(batch: batch) { band in
                    let rowOffset = band.lowerBound * hidden
                    for step in stride(from: length - 1, through: 0, by: -1) {
                        let t = FusedSequence.time(step, length, reverse)
                        let stepRows = t * block + rowOffset
                        rk_rnn_backward_rows(band.count, hidden, relu ? 1 : 0, states + stepRows, g + stepRows, dhNextPointer + rowOffset,
                                             d + stepRows, maskPointer.map { $0 + t * batch + band.lowerBound })
                        recurrentT.multiply(m: band.count, a: d + stepRows, lda: hidden, beta: 1, c: dhNextPointer + rowOffset, ldc: hidden)
                    }
                }
            }
            let gradients = FusedSequence.sharedGateGradients(dPre, gates: hidden, input: x, weightIH: weightIH, states: forwardStates,
                                                              initial: h0, batch: batch, hidden: hidden, reverse: reverse,
                                                              hasBias: weights.biasIH != nil)
            return [gradients[0], dhNext] + Array(gradients.dropFirst())
        }
        let (states, finalH, _) = FusedSequence.split(recorded, length: length, reverse: reverse)
        return (states, HiddenState(h: finalH))
    }
}
