import RecurrentData
import RecurrentNN
import RecurrentTensor

/// A direct multi-step forecaster: a ``SequenceModel`` reads the last `window` steps of the
/// transformed series (``SeriesTransform``: differenced, seasonally differenced, standardized;
/// one channel per column) and its head emits the next `horizon` transformed values of every
/// column at once, which are then restored to the data's units:
///
///     x_{t−W+1} … x_t  →  RNN → last state → head  →  x̂_{t+1} … x̂_{t+H}  →  ŷ_{t+1} … ŷ_{t+H}
///
/// With `autoregressive`, a linear map of the window is added to the head's output (LSTNet's
/// "highway", Lai et al. 2018): x̂ = head(RNN(window)) + [x_{t−W+1} … x_t] W_arᵀ + b_ar
/// (`autoregressive.weight` `[H · columns, W · columns]`). The network then only has to learn
/// what a linear autoregression misses, which on a noisy series (monthly sunspots) keeps it from
/// doing worse than one.
///
/// Longer forecasts are iterated: the forecast is appended to the history and read again.
public final class Forecaster: Layer {
    public struct Configuration: Codable, Equatable, Sendable {
        /// The value columns, forecast together.
        public var columns: [String]
        public var window: Int
        public var horizon: Int
        public var transform: SeriesTransform
        /// The seasonal period of the seasonal-naive baseline and of MASE's scale (1: none).
        public var seasonalPeriod: Int
        /// A linear map of the window added to the network's output (nil, as in files written
        /// before it existed: none).
        public var autoregressive: Bool?

        public init(columns: [String], window: Int, horizon: Int, transform: SeriesTransform, seasonalPeriod: Int,
                    autoregressive: Bool = false) {
            self.columns = columns
            self.window = window
            self.horizon = horizon
            self.transform = transform
            self.seasonalPeriod = seasonalPeriod
            self.autoregressive = autoregressive
        }

        /// History a forecast needs: the window plus the steps the differencing reads.
        public var minimumHistory: Int { window + transform.offset }

        public var problem: String? {
            if columns.isEmpty || columns.count != transform.columns { return "\(columns.count) columns for a transform of \(transform.columns)" }
            if window < 1 || window > 100_000 { return "the window \(window) is outside 1...100000" }
            if horizon < 1 || horizon > 10_000 { return "the horizon \(horizon) is outside 1...10000" }
            if seasonalPeriod < 1 || seasonalPeriod > 100_000 { return "the seasonal period \(seasonalPeriod) is outside 1...100000" }
            return transform.problem
        }
    }

    public let model: SequenceModel
    public let autoregressive: Linear?
    public let configuration: Configuration
    public var isTraining = true

    /// A forecaster around `model`; the autoregressive map, when the configuration asks for one,
    /// is made with `generator`.
    public init(model: SequenceModel, configuration: Configuration, generator: inout RandomGenerator) {
        let columns = configuration.columns.count
        precondition(model.configuration.features == columns && model.configuration.outputs == configuration.horizon * columns,
                     "Forecaster: the model's inputs or outputs do not match the configuration")
        self.model = model
        self.configuration = configuration
        if configuration.autoregressive == true {
            let linear = Linear(inputSize: configuration.window * columns, outputSize: configuration.horizon * columns, generator: &generator)
            linear.rowIndependent = true
            autoregressive = linear
        } else {
            autoregressive = nil
        }
    }

    /// Starts training where a linear autoregression ends: the map set to the least-squares fit
    /// of the windows' next values (``LeastSquares``) and the network's head to zero, so the
    /// forecaster begins as the best linear model and the network learns what it misses.
    public func startFromLeastSquares(_ examples: SequenceExamples) {
        guard let autoregressive, case .frames(let windows, _) = examples.inputs, case .values(let targets) = examples.targets,
              let width = windows.first?.count, !windows.isEmpty else { return }
        let outputs = autoregressive.outputSize
        let solution = LeastSquares.solve(features: Tensor(shape: [windows.count, width], scalars: windows.flatMap { $0 }),
                                          targets: Tensor(shape: [targets.count, outputs], scalars: targets.flatMap { $0 }))
        // nn.Linear stores W transposed: weight[output, feature].
        autoregressive.weight.assign(Tensor(shape: [outputs, width]) { out in
            for output in 0..<outputs {
                for feature in 0..<width { out[output * width + feature] = Float(solution.weight(feature: feature, output: output)) }
            }
        })
        autoregressive.bias?.assign(Tensor(solution.intercepts.map(Float.init)))
        model.head.weight.assign(Tensor.zeros(model.head.weight.shape))
        model.head.bias?.assign(Tensor.zeros([outputs]))
    }

    /// The network's parameters keep their names (`rnn.*`, `head.*`); the map's are `autoregressive.*`.
    public var children: [(name: String, layer: any Layer)] {
        model.children + (autoregressive.map { [("autoregressive", $0 as any Layer)] } ?? [])
    }

    /// The transformed next values `[batch, horizon · columns]` of a batch of windows.
    public func callAsFunction(_ batch: SequenceBatch) -> Tensor {
        let output = model(batch)
        guard let autoregressive, case .frames(let frames) = batch else { return output }
        let rows = frames.lengths.count
        return output + autoregressive(frames.values.reshaped([rows, frames.values.count / Swift.max(rows, 1)]))
    }

    /// The transformed columns `x[c][i]` (time i + offset) of `values` (`values[c][t]`).
    func transformed(_ values: [[Double]]) -> [[Double]] {
        values.enumerated().map { configuration.transform.transformed($1, column: $0) }
    }

    /// The window of transformed frames ending at transformed index `end` (inclusive).
    func frames(_ x: [[Double]], endingAt end: Int) -> [Float] {
        var frames: [Float] = []
        frames.reserveCapacity(configuration.window * x.count)
        for i in (end - configuration.window + 1)...end {
            for column in x { frames.append(Float(column[i])) }
        }
        return frames
    }

    /// Training examples from a series: every window followed by `horizon` known values, with
    /// those values (transformed) as targets, `[h · columns + c]`.
    public func trainingExamples(_ values: [[Double]]) -> SequenceExamples {
        let x = transformed(values)
        let (window, horizon) = (configuration.window, configuration.horizon)
        let length = x.first?.count ?? 0
        guard length >= window + horizon else { return SequenceExamples(inputs: .frames([], features: x.count), targets: .values([])) }
        let ends = Array((window - 1)...(length - horizon - 1))
        let inputs = ends.map { frames(x, endingAt: $0) }
        let targets = ends.map { end in (1...horizon).flatMap { h in x.map { Float($0[end + h]) } } }
        return SequenceExamples(inputs: .frames(inputs, features: x.count), targets: .values(targets))
    }

    /// The forecasts of `horizon` steps made at each origin: `result[i][h][c]` forecasts column c
    /// at time `origins[i] + 1 + h` from the values up to and including time `origins[i]`. Each
    /// origin needs ``Configuration/minimumHistory`` values up to it.
    public func forecasts(_ values: [[Double]], origins: [Int]) -> [[[Double]]] {
        let x = transformed(values)
        let offset = configuration.transform.offset
        let examples = SequenceExamples(inputs: .frames(origins.map { frames(x, endingAt: $0 - offset) }, features: x.count), targets: .none)
        let outputs = model.rows(for: examples) { self($0) }
        return zip(origins, outputs).map { origin, output in
            let restored = values.indices.map { c in
                configuration.transform.restore((0..<configuration.horizon).map { Double(output[$0 * values.count + c]) },
                                                after: Array(values[c][...origin]), column: c)
            }
            return (0..<configuration.horizon).map { h in restored.map { $0[h] } }
        }
    }

    /// The next `steps` values of every column after `history` (`history[c][t]`): `[step][c]`,
    /// iterated `horizon` steps at a time.
    public func forecast(after history: [[Double]], steps: Int) -> [[Double]] {
        var values = history
        var result: [[Double]] = []
        while result.count < steps {
            let next = forecasts(values, origins: [values[0].count - 1])[0]
            for step in next.prefix(steps - result.count) {
                result.append(step)
                for c in values.indices { values[c].append(step[c]) }
            }
        }
        return result
    }
}
