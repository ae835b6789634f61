import CRecurrentKernels
import RecurrentTensor

/// Plumbing shared by the fused whole-sequence kernels (``FusedLSTM``, ``FusedGRU``,
/// ``FusedRNN``). Each of them is one recorded operation over a whole sequence for one layer
/// and direction: the input projection for all time steps is one GEMM before the time loop,
/// the recurrent weights are packed once per call, each step is a GEMM on the packed weights
/// plus one fused elementwise pass, and in the backward pass the weight gradients are single
/// GEMMs over all time steps after the loop.
enum FusedSequence {
    /// The time index of step `step` (steps run backwards in time for the reverse direction).
    @inline(__always)
    static func time(_ step: Int, _ length: Int, _ reverse: Bool) -> Int { reverse ? length - 1 - step : step }

    /// The time index whose state feeds time `t` (nil: the initial state).
    @inline(__always)
    static func previousTime(_ t: Int, _ length: Int, _ reverse: Bool) -> Int? {
        reverse ? (t + 1 < length ? t + 1 : nil) : (t > 0 ? t - 1 : nil)
    }

    /// Rows a band of ``forEachRowBand(batch:_:)`` gets at least: one register tile of the
    /// widest GEMM kernel (8 rows for AVX-512), so no thread runs mostly padding.
    static let minimumBandRows = 8

    /// Runs `body` on bands of the batch's rows, one per kernel thread, each band running a whole
    /// time loop on its own. A row's state depends only on its own earlier states, so the bands
    /// never wait for each other; splitting each step instead (its product across the threads,
    /// then its cell) hands work to the threads and waits for them twice per step, which at small
    /// sizes costs more than the step. Every row is computed as it is in one band: the blocked
    /// product sums each element of C over K in the same order whatever rows it is given, and the
    /// cells are elementwise, so the bits do not depend on the split. A batch too small to give
    /// each thread ``minimumBandRows`` rows runs as one band, whose steps split as before.
    static func forEachRowBand(batch: Int, _ body: (_ rows: Range<Int>) -> Void) {
        let bands = Swift.min(Kernels.threadCount, batch / minimumBandRows)
        guard bands > 1 else {
            body(0..<batch)
            return
        }
        Kernels.parallel(tasks: bands) { band, bands in
            body((batch * band / bands)..<(batch * (band + 1) / bands))
        }
    }

    static func checkShapes(_ input: FusedInput, _ weights: RecurrentWeights, _ state: [Tensor], _ mask: Tensor?, _ name: String) {
        let (length, batch, features) = input.shape
        precondition(features == weights.inputSize,
                     "\(name): input shape \(input.describedShape) is not [time, batch, \(weights.inputSize)]")
        for tensor in state {
            precondition(tensor.shape == [batch, weights.hiddenSize],
                         "\(name): state shape \(tensor.shape) is not [\(batch), \(weights.hiddenSize)]")
        }
        if let mask {
            precondition(mask.shape == [length, batch], "\(name): mask shape \(mask.shape) is not [time, batch]")
        }
    }

    /// rows x outputs = x Wᵀ (+ the sum of the biases, broadcast over rows), with W `[outputs, inputs]`
    /// packed once per change of its value. Always through the packed (blocked) kernel, even for a
    /// few rows, because its sum for one row does not depend on how many rows there are: a
    /// sequence gets the same bits alone as in a padded batch (the few-rows kernel sums in another order).
    static func projection(_ x: UnsafePointer<Float>, rows: Int, weights: Parameter, biases: [Tensor]) -> Tensor {
        let outputs = weights.shape[0], inputs = weights.shape[1]
        var result = Tensor.uninitialized([rows, outputs])
        let out = result.unsafeMutableBaseAddress()
        var beta: Float = 0
        if !biases.isEmpty {
            var bias = [Float](repeating: 0, count: outputs)
            for tensor in biases {
                tensor.withUnsafeBufferPointer { values in for j in 0..<outputs { bias[j] += values[j] } }
            }
            for row in 0..<rows { (out + row * outputs).update(from: bias, count: outputs) }
            beta = 1
        }
        WeightProduct(weights, transposed: true, batch: .max)
            .multiply(m: rows, a: x, lda: Swift.max(inputs, 1), beta: beta, c: out, ldc: Swift.max(outputs, 1))
        return result
    }

    /// The input projection of every step at once, `[time · batch, gates]`: x W_ihᵀ + the
    /// biases, or for tokens the rows of P = table · W_ihᵀ + the biases that the tokens pick.
    static func inputProjection(_ input: FusedInput, weights: Parameter, biases: [Tensor]) -> Tensor {
        switch input {
        case .dense(let x):
            return withExtendedLifetime(x) {
                projection(x.unsafeBaseAddress, rows: x.shape[0] * x.shape[1], weights: weights, biases: biases)
            }
        case .tokens(let tokens):
            let table = tokens.table.detached
            let perToken = withExtendedLifetime(table) {
                projection(table.unsafeBaseAddress, rows: table.shape[0], weights: weights, biases: biases)
            }
            return perToken.gatherRows(tokens.indices)
        }
    }

    /// The gradients that flow through the input projection from dGates `[time · batch, gates]`:
    /// the input's (dX = dGates · W_ih, or for tokens d(table) = dP · W_ih) and W_ih's
    /// (dGatesᵀ · X, or dPᵀ · table), where dP `[vocabulary, gates]` sums dGates' rows by token.
    static func inputGradients(_ dGates: Tensor, input: FusedInput, weightIH: Tensor) -> (input: Tensor, weightIH: Tensor) {
        let gates = dGates.shape[1]
        switch input {
        case .dense(let x):
            let (length, batch, features) = input.shape
            return withExtendedLifetime((x, dGates)) {
                (inputGradient(dGates.unsafeBaseAddress, rows: length * batch, weights: weightIH).reshaped([length, batch, features]),
                 weightGradient(dGates.unsafeBaseAddress, gates: gates, x.unsafeBaseAddress, features: features, rows: length * batch))
            }
        case .tokens(let tokens):
            let table = tokens.table.detached
            let (vocabulary, features) = (table.shape[0], table.shape[1])
            let dPerToken = Tensor.scatterAdd(dGates, rows: tokens.indices, rowCount: vocabulary)
            return withExtendedLifetime((table, dPerToken)) {
                var dTable = inputGradient(dPerToken.unsafeBaseAddress, rows: vocabulary, weights: weightIH)
                if let padding = tokens.paddingIndex {  // the padding row never receives a gradient
                    (dTable.unsafeMutableBaseAddress() + padding * features).update(repeating: 0, count: features)
                }
                return (dTable, weightGradient(dPerToken.unsafeBaseAddress, gates: gates, table.unsafeBaseAddress,
                                               features: features, rows: vocabulary))
            }
        }
    }

    /// The state before each time step, `[time · batch, hidden]`: `initial` for the first
    /// step of the direction and the previous step's state (carried through ended rows) after.
    static func previousStates(_ states: UnsafePointer<Float>, initial: Tensor, length: Int, batch: Int, hidden: Int,
                               reverse: Bool) -> Tensor {
        var result = Tensor.uninitialized([length * batch, hidden])
        let out = result.unsafeMutableBaseAddress()
        let block = batch * hidden
        guard length > 0 else { return result }
        withExtendedLifetime(initial) {
            if reverse {
                out.update(from: states + block, count: (length - 1) * block)
                (out + (length - 1) * block).update(from: initial.unsafeBaseAddress, count: block)
            } else {
                out.update(from: initial.unsafeBaseAddress, count: block)
                (out + block).update(from: states, count: (length - 1) * block)
            }
        }
        return result
    }

    /// dW = dGatesᵀ · source: `[gates, features]` from `[rows, gates]` and `[rows, features]`.
    static func weightGradient(_ dGates: UnsafePointer<Float>, gates: Int, _ source: UnsafePointer<Float>, features: Int,
                               rows: Int) -> Tensor {
        var result = Tensor.uninitialized([gates, features])
        Kernels.gemm(transposeA: true, m: gates, n: features, k: rows, a: dGates, lda: Swift.max(gates, 1), b: source,
                     ldb: Swift.max(features, 1), c: result.unsafeMutableBaseAddress(), ldc: Swift.max(features, 1))
        return result
    }

    /// The sum over rows of a `[rows, columns]` buffer (a bias gradient): the product of a row
    /// of ones with it, so it runs on the threaded GEMM.
    static func columnSums(_ values: UnsafePointer<Float>, rows: Int, columns: Int) -> Tensor {
        var result = Tensor.uninitialized([columns])
        let ones = [Float](repeating: 1, count: Swift.max(rows, 1))
        Kernels.gemm(m: 1, n: columns, k: rows, a: ones, lda: Swift.max(rows, 1), b: values, ldb: Swift.max(columns, 1),
                     c: result.unsafeMutableBaseAddress(), ldc: Swift.max(columns, 1))
        return result
    }

    /// dX = dGates · W: `[rows, inputs]` from `[rows, gates]` and `[gates, inputs]`.
    static func inputGradient(_ dGates: UnsafePointer<Float>, rows: Int, weights: Tensor) -> Tensor {
        let gates = weights.shape[0], inputs = weights.shape[1]
        var result = Tensor.uninitialized([rows, inputs])
        withExtendedLifetime(weights) {
            Kernels.gemm(m: rows, n: inputs, k: gates, a: dGates, lda: Swift.max(gates, 1), b: weights.unsafeBaseAddress,
                         ldb: Swift.max(inputs, 1), c: result.unsafeMutableBaseAddress(), ldc: Swift.max(inputs, 1))
        }
        return result
    }

    /// The gradients that follow the time loop when one pre-activation gradient `dGates`
    /// (`[time · batch, gates]`) feeds both weight matrices, as in the LSTM and the Elman RNN:
    /// dX = dGates · W_ih, dW_ih = dGatesᵀ · X (see ``inputGradients(_:input:weightIH:)``),
    /// dW_hh = dGatesᵀ · H_prev, and (when the cell has biases) db_ih = db_hh = column sums of
    /// dGates — each one GEMM over all time steps.
    static func sharedGateGradients(_ dGates: Tensor, gates: Int, input: FusedInput, weightIH: Tensor, states: Tensor,
                                    initial h0: Tensor, batch: Int, hidden: Int, reverse: Bool, hasBias: Bool) -> [Tensor] {
        let (length, _, _) = input.shape
        let rows = length * batch
        return withExtendedLifetime((dGates, states)) {
            let dG = dGates.unsafeBaseAddress
            let previous = previousStates(states.unsafeBaseAddress, initial: h0, length: length, batch: batch, hidden: hidden, reverse: reverse)
            let dWeightHH = withExtendedLifetime(previous) {
                weightGradient(dG, gates: gates, previous.unsafeBaseAddress, features: hidden, rows: rows)
            }
            let (dInput, dWeightIH) = inputGradients(dGates, input: input, weightIH: weightIH)
            let dBias = hasBias ? columnSums(dG, rows: rows, columns: gates) : nil
            return [dInput, dWeightIH, dWeightHH] + (dBias.map { [$0, $0] } ?? [])
        }
    }

    /// The parameters and state tensors a fused operation depends on, in a fixed order, and
    /// the gradients it returns in the same order.
    static func inputs(_ input: FusedInput, _ state: [Tensor], _ weights: RecurrentWeights) -> [Tensor] {
        [input.tensor] + state + [weights.weightIH.value, weights.weightHH.value] + [weights.biasIH, weights.biasHH].compactMap { $0?.value }
    }

    /// Splits the combined output `[time + extra, batch, hidden]` of a fused operation into the
    /// states `[time, batch, hidden]` and the final state (the last state of the direction, and
    /// the `extra` trailing blocks, such as an LSTM's final cell state).
    static func split(_ combined: Tensor, length: Int, reverse: Bool) -> (states: Tensor, finalH: Tensor, extra: [Tensor]) {
        let states = combined[0..<length]
        let extra = (length..<combined.shape[0]).map { combined[$0] }
        let finalH = combined[reverse ? 0 : length - 1]
        return (states, finalH, extra)
    }
}

/// What a fused operation reads: dense vectors `[time, batch, features]`, or token indices into
/// an embedding table. For tokens the input projection is computed once per row of the table,
/// P = table · W_ihᵀ + b `[vocabulary, gates]`, and each step's input gates are rows of P; the
/// backward pass sums the steps' gate gradients by token into dP and takes d(table) = dP · W_ih
/// and dW_ih = dPᵀ · table. Exact algebra: it replaces three products over `time · batch` rows
/// by three over `vocabulary` rows, so it is taken only when the table has fewer rows.
enum FusedInput {
    case dense(Tensor)
    case tokens(EmbeddedTokens)

    /// Tokens, or, when the table is no smaller than the tokens, their vectors gathered.
    init(_ tokens: EmbeddedTokens) {
        self = tokens.projectsTable ? .tokens(tokens) : .dense(tokens.vectors)
    }

    var shape: (length: Int, batch: Int, features: Int) {
        switch self {
        case .dense(let x): return x.rank == 3 ? (x.shape[0], x.shape[1], x.shape[2]) : (0, 0, -1)
        case .tokens(let tokens): return (tokens.time, tokens.batch, tokens.table.shape[1])
        }
    }

    var describedShape: String {
        switch self {
        case .dense(let x): return "\(x.shape)"
        case .tokens(let tokens): return "[\(tokens.time), \(tokens.batch), \(tokens.table.shape[1])] (tokens)"
        }
    }

    /// The same input cut from the gradient graph (what a pullback keeps).
    var detached: FusedInput {
        switch self {
        case .dense(let x): return .dense(x.detached)
        case .tokens(let tokens):
            return .tokens(EmbeddedTokens(tokens.indices, time: tokens.time, batch: tokens.batch, table: tokens.table.detached,
                                          paddingIndex: tokens.paddingIndex))
        }
    }

    /// The tensor the input's gradient belongs to: the input, or the embedding table.
    var tensor: Tensor {
        switch self {
        case .dense(let x): return x
        case .tokens(let tokens): return tokens.table
        }
    }
}

/// A product `a · op(W)` with a weight matrix W: the recurrent product of the time loop, an input
/// projection, a linear layer. Large batches use W packed (once per change of its value); a batch
/// of a few rows reads W in place, row by row (dot products), which is as fast as a packed W and
/// needs no packing: the packed kernel computes four rows whatever the batch, so for one row it
/// does four times the arithmetic.
struct WeightProduct {
    let packed: PackedMatrix?
    let weights: Tensor
    let transposed: Bool
    /// W in the dot-product layout (recurrent weights at a batch of a few rows; see
    /// `init(recurrent:hidden:batch:)`).
    var dotLayout: DotLayoutMatrix? = nil

    /// `a · Wᵀ` (transposed) or `a · W` for `batch` rows at a time, with W the parameter's
    /// current value (its packed form is kept until the value changes).
    init(_ parameter: Parameter, transposed: Bool, batch: Int) {
        weights = parameter.value.detached
        self.transposed = transposed
        packed = batch > 4 ? (transposed ? parameter.packedTransposed : parameter.packed) : nil
    }

    /// The same for a matrix value, packed here if at all (backward passes, which must use the
    /// weights of their forward pass).
    init(_ matrix: Tensor, transposed: Bool, batch: Int) {
        weights = matrix
        self.transposed = transposed
        packed = batch > 4 ? PackedMatrix(matrix, transposed: transposed) : nil
    }

    /// The recurrent product `h_{t-1} · W_hhᵀ` of a layer with `hidden` units.
    ///
    /// In inference every batch reads W_hh in the dot-product layout (`rk_dots_pack`: each group of
    /// eight dot products one stream), laid out once for the many calls that use the same weights.
    /// Each row is then summed alone, in the same order whatever the batch: a sequence gets the
    /// same bits in a padded batch of any size as alone (with the input projection, which is
    /// row-independent too). In training a batch of up to four rows reads W_hh in place (the same
    /// summation order as the layout, so training and inference agree there bit for bit) and a
    /// larger one packed for the blocked GEMM. The path depends only on the mode and the batch,
    /// never on what a cache holds: training never reads a layout a validation left behind.
    init(recurrent parameter: Parameter, hidden: Int, batch: Int) {
        let inference = !GradientMode.isEnabled && hidden > 0
        self.init(parameter, transposed: true, batch: inference ? 1 : batch)
        if inference { dotLayout = parameter.derived("dot-layout-\(hidden)") { DotLayoutMatrix($0, blockRows: hidden) } }
    }

    /// The whole forward time loop (`rk_recurrent_forward_sequence`: per step the product
    /// h_{t-1} · Wᵀ and the cell, split across the threads by hidden units, all steps in one
    /// parallel region) when W is read in place or laid out for dot products; false when W is
    /// packed, and the caller runs the loop itself. Pointers and layouts as for
    /// `rk_recurrent_forward_sequence`.
    func forwardSequence(_ cell: rk_cell, length: Int, rows: Int, hidden: Int, gates: UnsafeMutablePointer<Float>,
                         hiddenGates: UnsafeMutablePointer<Float>? = nil, h0: UnsafePointer<Float>,
                         c0: UnsafePointer<Float>? = nil, h: UnsafeMutablePointer<Float>, c: UnsafeMutablePointer<Float>? = nil,
                         mask: UnsafePointer<Float>?, reverse: Bool) -> Bool {
        guard packed == nil, transposed else { return false }
        withExtendedLifetime((weights, dotLayout)) {
            rk_recurrent_forward_sequence(cell, length, rows, hidden, weights.unsafeBaseAddress, dotLayout?.pointer, gates,
                                          hiddenGates, h0, c0, h, c, mask, reverse ? 1 : 0)
        }
        return true
    }

    /// c = a · op(W) + beta c, for m rows.
    func multiply(m: Int, a: UnsafePointer<Float>, lda: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        if let packed {
            packed.multiply(m: m, a: a, lda: lda, beta: beta, c: c, ldc: ldc)
            return
        }
        let (rows, columns) = (weights.shape[0], weights.shape[1])
        withExtendedLifetime(weights) {
            Kernels.gemm(transposeB: transposed, m: m, n: transposed ? rows : columns, k: transposed ? columns : rows,
                         a: a, lda: lda, b: weights.unsafeBaseAddress, ldb: Swift.max(columns, 1), beta: beta, c: c, ldc: ldc)
        }
    }
}

extension Parameter {
    /// This matrix packed as the B operand of `A · W` (kept until the value changes; one per
    /// instruction set, whose kernels each have their own panel layout).
    var packed: PackedMatrix { derived("packed-" + Kernels.instructionSet) { PackedMatrix($0) } }
    /// This matrix packed as the B operand of `A · Wᵀ` (kept until the value changes).
    var packedTransposed: PackedMatrix {
        derived("packed-transposed-" + Kernels.instructionSet) { PackedMatrix($0, transposed: true) }
    }
}
