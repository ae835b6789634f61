import RecurrentTensor

/// A recurrent network over whole sequences: any ``RecurrentCell``, stacked `layers` deep,
/// optionally bidirectional, with dropout between layers, initial and final states, and
/// per-sequence lengths for padded batches. The recurrence is written once here for every
/// cell type; ``LSTM``, ``GRU`` and ``RNN`` are this type with their cells.
///
/// For each layer k and direction d it is equivalent to this loop (which
/// ``RecurrentCell/referenceSequence(_:initialState:mask:reverse:)`` implements, and which the
/// cells' fused kernels are tested against):
///
///     state = initialStates[k * directions + d]
///     for t in (d == 0 ? 0..<time : reversed(0..<time)) where t < length[b]:
///         state = cell.step(input[t], state); output[t] = state.h
///
/// - Input: `[batch, time, inputSize]` (or `[time, batch, inputSize]` when not `batchFirst`).
/// - Output: `[batch, time, directions · hiddenSize]`, the last layer's states, directions
///   concatenated (forward first); zero at padded positions.
/// - States: one per layer and direction, in PyTorch's order (layer-major, forward first). A
///   sequence's final state is its state at its own last element; the reverse direction
///   starts at each sequence's own last element.
///
/// Parameters are named as PyTorch's `nn.RNN`/`nn.LSTM`/`nn.GRU`: `weight_ih_l0`,
/// `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0`, then `_l1`, ..., with `_reverse` for the
/// backward direction.
///
/// Truncated backpropagation through time: pass the previous call's final states,
/// `.map(\.detached)`, as the next call's initial states.
public final class RecurrentLayer<Cell: RecurrentCell>: Layer {
    /// The cells, index `layer * directions + direction`.
    public let cells: [Cell]
    public let layerCount: Int
    public let isBidirectional: Bool
    public let isBatchFirst: Bool
    public let dropout: Dropout?
    /// Whether to use the cells' fused whole-sequence kernels (true) or the plain loop over
    /// `step` (false, the reference). Both compute the same values and gradients.
    public var usesFusedKernels = true
    public var isTraining = true

    public var directions: Int { isBidirectional ? 2 : 1 }
    public var inputSize: Int { cells[0].inputSize }
    public var hiddenSize: Int { cells[0].hiddenSize }

    /// A layer from cells built by the caller; `cells[k * directions + d]` must take input
    /// size `inputSize` for k = 0 and `directions · hiddenSize` above.
    public init(cells: [Cell], layers: Int, bidirectional: Bool = false, batchFirst: Bool = true, dropout: Float = 0,
                dropoutSeed: UInt64 = 0) {
        let directions = bidirectional ? 2 : 1
        precondition(layers >= 1 && cells.count == layers * directions,
                     "RecurrentLayer: \(cells.count) cells for \(layers) layers x \(directions) directions")
        for (index, cell) in cells.enumerated() {
            precondition(cell.hiddenSize == cells[0].hiddenSize, "RecurrentLayer: cells differ in hidden size")
            if index >= directions {
                precondition(cell.inputSize == directions * cells[0].hiddenSize,
                             "RecurrentLayer: cell \(index) takes \(cell.inputSize) inputs, not \(directions * cells[0].hiddenSize)")
            }
        }
        self.cells = cells
        layerCount = layers
        isBidirectional = bidirectional
        isBatchFirst = batchFirst
        self.dropout = dropout > 0 && layers > 1 ? Dropout(probability: dropout, seed: dropoutSeed) : nil
    }

    public var localParameters: [NamedParameter] {
        cells.enumerated().flatMap { index, cell in
            let suffix = "_l\(index / directions)" + (index % directions == 1 ? "_reverse" : "")
            return cell.localParameters.map { NamedParameter($0.name + suffix, $0.parameter) }
        }
    }

    public var children: [(name: String, layer: any Layer)] {
        dropout.map { [("dropout", $0 as any Layer)] } ?? []
    }

    /// Zero states for `batchSize` sequences, one per layer and direction.
    public func zeroStates(batchSize: Int) -> [Cell.State] {
        cells.map { $0.zeroState(batchSize: batchSize) }
    }

    /// Runs the network over a batch of sequences.
    /// - Parameters:
    ///   - input: `[batch, time, inputSize]` (time-major when not `batchFirst`).
    ///   - initialStates: one per layer and direction (default: zeros).
    ///   - lengths: each sequence's length (≤ time) when the batch is padded; nil when all
    ///     sequences fill the time axis.
    /// - Returns: the output (see the type's documentation) and the final states.
    public func callAsFunction(_ input: Tensor, initialStates: [Cell.State]? = nil, lengths: [Int]? = nil)
        -> (output: Tensor, states: [Cell.State]) {
        precondition(input.rank == 3, "RecurrentLayer: input must be rank 3, got \(input.shape)")
        let sequence = isBatchFirst ? input.transposed(0, 1) : input  // [time, batch, features]
        precondition(sequence.shape[2] == inputSize, "RecurrentLayer: input has \(sequence.shape[2]) features, expected \(inputSize)")
        return run(time: sequence.shape[0], batch: sequence.shape[1], initialStates: initialStates, lengths: lengths,
                   firstLayer: sequenceRun(sequence))
    }

    /// Runs the network over tokens and the embedding they index (``Embedding/tokens(_:time:batch:)``):
    /// the same as running it over the tokens' vectors (``EmbeddedTokens/vectors``, time-major,
    /// so the output is batch-first only if the layer is), with the first layer's input
    /// projection computed once per row of the embedding table instead of once per token.
    public func callAsFunction(_ tokens: EmbeddedTokens, initialStates: [Cell.State]? = nil, lengths: [Int]? = nil)
        -> (output: Tensor, states: [Cell.State]) {
        precondition(tokens.table.rank == 2 && tokens.table.shape[1] == inputSize,
                     "RecurrentLayer: embedding table \(tokens.table.shape) does not have \(inputSize) features")
        let fused = usesFusedKernels
        return run(time: tokens.time, batch: tokens.batch, initialStates: initialStates, lengths: lengths) { cell, state, mask, reverse in
            fused ? cell.runSequence(tokens, initialState: state, mask: mask, reverse: reverse)
                  : cell.referenceSequence(tokens.vectors, initialState: state, mask: mask, reverse: reverse)
        }
    }

    /// One layer's run of one cell in one direction: (cell, initial state, mask, reverse) → states.
    private typealias CellRun = (Cell, Cell.State, Tensor?, Bool) -> (states: Tensor, final: Cell.State)

    /// A cell's run over a time-major sequence `[time, batch, features]`.
    private func sequenceRun(_ sequence: Tensor) -> CellRun {
        let fused = usesFusedKernels
        return { cell, state, mask, reverse in
            fused ? cell.runSequence(sequence, initialState: state, mask: mask, reverse: reverse)
                  : cell.referenceSequence(sequence, initialState: state, mask: mask, reverse: reverse)
        }
    }

    /// The stack: `firstLayer` runs each direction of the first layer; every layer above reads
    /// the one below's output, after dropout.
    private func run(time: Int, batch: Int, initialStates: [Cell.State]?, lengths: [Int]?, firstLayer: CellRun)
        -> (output: Tensor, states: [Cell.State]) {
        let states = initialStates ?? zeroStates(batchSize: batch)
        precondition(states.count == cells.count, "RecurrentLayer: \(states.count) initial states for \(cells.count) cells")
        let mask = lengths.map { Self.mask(lengths: $0, time: time) }
        let columnMask = mask?.unsqueezed(at: 2)  // [time, batch, 1]
        var finalStates: [Cell.State] = []
        var layerRun = firstLayer
        var sequence = Tensor.zeros([time, batch, 0])
        for layer in 0..<layerCount {
            var outputs: [Tensor] = []
            for direction in 0..<directions {
                let index = layer * directions + direction
                let run = layerRun(cells[index], states[index], mask, direction == 1)
                outputs.append(columnMask.map { run.states * $0 } ?? run.states)
                finalStates.append(run.final)
            }
            sequence = outputs.count == 1 ? outputs[0] : Tensor.concatenate(outputs, alongAxis: 2)
            if layer + 1 < layerCount {
                layerRun = sequenceRun(dropout.map { $0(sequence) } ?? sequence)
            }
        }
        return (isBatchFirst ? sequence.transposed(0, 1) : sequence, finalStates)
    }

    /// The time-major `[time, batch]` mask of 1 before each sequence's length and 0 after.
    public static func mask(lengths: [Int], time: Int) -> Tensor {
        for length in lengths {
            precondition(length >= 0 && length <= time, "RecurrentLayer: length \(length) is outside 0...\(time)")
        }
        return Tensor(shape: [time, lengths.count]) { out in
            for t in 0..<time {
                for (row, length) in lengths.enumerated() { out[t * lengths.count + row] = t < length ? 1 : 0 }
            }
        }
    }
}

/// A stacked, optionally bidirectional LSTM, as PyTorch's `nn.LSTM`.
public typealias LSTM = RecurrentLayer<LSTMCell>
/// A stacked, optionally bidirectional GRU, as PyTorch's `nn.GRU`.
public typealias GRU = RecurrentLayer<GRUCell>
/// A stacked, optionally bidirectional Elman RNN, as PyTorch's `nn.RNN`.
public typealias RNN = RecurrentLayer<RNNCell>

extension RecurrentLayer {
    /// Cells for `layers` layers and `directions` directions, in the layer's order, each made
    /// by `make(inputSize, &generator)`: `inputSize` for the first layer, `directions ·
    /// hiddenSize` above.
    static func makeCells(layers: Int, directions: Int, inputSize: Int, hiddenSize: Int, generator: inout RandomGenerator,
                          _ make: (Int, inout RandomGenerator) -> Cell) -> [Cell] {
        (0..<(layers * directions)).map { index in
            make(index < directions ? inputSize : directions * hiddenSize, &generator)
        }
    }
}

extension RecurrentLayer where Cell == LSTMCell {
    /// An LSTM network; see ``RecurrentLayer``.
    public convenience init(inputSize: Int, hiddenSize: Int, layers: Int = 1, bidirectional: Bool = false,
                            batchFirst: Bool = true, dropout: Float = 0, options: RecurrentCellOptions = RecurrentCellOptions(),
                            generator: inout RandomGenerator) {
        let cells = Self.makeCells(layers: layers, directions: bidirectional ? 2 : 1, inputSize: inputSize, hiddenSize: hiddenSize,
                                   generator: &generator) { LSTMCell(inputSize: $0, hiddenSize: hiddenSize, options: options, generator: &$1) }
        self.init(cells: cells, layers: layers, bidirectional: bidirectional, batchFirst: batchFirst, dropout: dropout,
                  dropoutSeed: generator.next())
    }
}

extension RecurrentLayer where Cell == GRUCell {
    /// A GRU network; see ``RecurrentLayer``.
    public convenience init(inputSize: Int, hiddenSize: Int, layers: Int = 1, bidirectional: Bool = false,
                            batchFirst: Bool = true, dropout: Float = 0, options: RecurrentCellOptions = RecurrentCellOptions(),
                            generator: inout RandomGenerator) {
        let cells = Self.makeCells(layers: layers, directions: bidirectional ? 2 : 1, inputSize: inputSize, hiddenSize: hiddenSize,
                                   generator: &generator) { GRUCell(inputSize: $0, hiddenSize: hiddenSize, options: options, generator: &$1) }
        self.init(cells: cells, layers: layers, bidirectional: bidirectional, batchFirst: batchFirst, dropout: dropout,
                  dropoutSeed: generator.next())
    }
}

extension RecurrentLayer where Cell == RNNCell {
    /// An Elman RNN network; see ``RecurrentLayer``.
    public convenience init(inputSize: Int, hiddenSize: Int, layers: Int = 1, nonlinearity: RNNCell.Nonlinearity = .tanh,
                            bidirectional: Bool = false, batchFirst: Bool = true, dropout: Float = 0,
                            options: RecurrentCellOptions = RecurrentCellOptions(), generator: inout RandomGenerator) {
        let cells = Self.makeCells(layers: layers, directions: bidirectional ? 2 : 1, inputSize: inputSize, hiddenSize: hiddenSize,
                                   generator: &generator) {
            RNNCell(inputSize: $0, hiddenSize: hiddenSize, nonlinearity: nonlinearity, options: options, generator: &$1)
        }
        self.init(cells: cells, layers: layers, bidirectional: bidirectional, batchFirst: batchFirst, dropout: dropout,
                  dropoutSeed: generator.next())
    }
}
