/// A token sequence cut into `batch` parallel streams, read in windows of `window` time steps
/// for truncated backpropagation through time (PyTorch's `batchify` and `get_batch`):
///
///     stream b = tokens[b·L ..< (b+1)·L],  L = tokens.count / batch (the remainder is dropped)
///     window i: inputs  stream[t] for t in i·window ..< min((i+1)·window, L - 1)
///               targets stream[t + 1]
///
/// Inputs and targets come time-major, `[time, batch]` row-major, so the recurrent state at the
/// end of one window is the right start for the next.
public struct TokenStreams: Sendable {
    public let batch: Int
    public let window: Int
    /// Tokens per stream.
    public let length: Int
    private let streams: [Int]  // [length, batch], time-major

    public init(tokens: [Int], batch: Int, window: Int) {
        precondition(batch >= 1 && window >= 1, "TokenStreams: batch and window must be positive")
        self.batch = batch
        self.window = window
        length = tokens.count / batch
        var streams = [Int](repeating: 0, count: length * batch)
        for b in 0..<batch {
            for t in 0..<length { streams[t * batch + b] = tokens[b * length + t] }
        }
        self.streams = streams
    }

    /// Windows per pass over the streams.
    public var windowCount: Int { length < 2 ? 0 : (length - 1 + window - 1) / window }

    /// Tokens predicted per pass (every position but each stream's first).
    public var predictedTokens: Int { length < 2 ? 0 : (length - 1) * batch }

    /// Window `index`: its time steps, inputs and targets (`time · batch` tokens each, time-major).
    public func window(_ index: Int) -> (time: Int, inputs: [Int], targets: [Int]) {
        precondition(index >= 0 && index < windowCount, "TokenStreams: window \(index) out of range 0..<\(windowCount)")
        let start = index * window, time = Swift.min(window, length - 1 - start)
        let inputs = Array(streams[(start * batch)..<((start + time) * batch)])
        let targets = Array(streams[((start + 1) * batch)..<((start + 1 + time) * batch)])
        return (time, inputs, targets)
    }
}
