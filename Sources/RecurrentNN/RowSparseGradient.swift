/// The gradient of a table whose rows a step touches few of (an embedding of a large vocabulary):
/// only the touched rows, each once, summed. A step that looks up 20 words of a 100,000-word
/// vocabulary accumulates, clips and applies 20 rows, O(20 · d) work and memory, where a dense
/// gradient would cost O(100,000 · d). PyTorch's `nn.Embedding(sparse=True)`.
///
/// Rows are kept in the order first touched, so sums over them (a clipping norm) are the same
/// from run to run.
public final class RowSparseGradient {
    /// The length of a row (the table's second dimension).
    public let rowLength: Int
    /// The touched rows, in the order first touched.
    public private(set) var rows: [Int] = []
    /// `rows.count × rowLength` values: the gradient of row `rows[i]` at `i · rowLength`.
    public private(set) var values: [Float] = []
    private var slots: [Int: Int] = [:]

    public init(rowLength: Int) {
        self.rowLength = rowLength
    }

    /// Adds `gradient[i]` (a row of `rowLength` values at `i · rowLength`) to row `indices[i]`,
    /// skipping `skipping` (a padding row, which never receives a gradient).
    public func add(rows indices: [Int], gradient: UnsafeBufferPointer<Float>, skipping: Int? = nil) {
        precondition(gradient.count == indices.count * rowLength, "RowSparseGradient: \(gradient.count) values for \(indices.count) rows")
        for (i, row) in indices.enumerated() where row != skipping {
            let slot: Int
            if let existing = slots[row] {
                slot = existing
            } else {
                slot = rows.count
                slots[row] = slot
                rows.append(row)
                values.append(contentsOf: repeatElement(0, count: rowLength))
            }
            for j in 0..<rowLength { values[slot * rowLength + j] += gradient[i * rowLength + j] }
        }
    }

    /// Multiplies every value by `factor` (clipping).
    public func scale(by factor: Float) {
        for index in values.indices { values[index] *= factor }
    }

    /// Calls `body` with the values to change in place (clipping by value).
    public func withUnsafeMutableValues<Result>(_ body: (inout UnsafeMutableBufferPointer<Float>) throws -> Result) rethrows -> Result {
        try values.withUnsafeMutableBufferPointer(body)
    }

    /// Adds every row into the dense gradient `dense` (`[tableRows, rowLength]`, row-major).
    func add(into dense: UnsafeMutableBufferPointer<Float>) {
        for (slot, row) in rows.enumerated() {
            for j in 0..<rowLength { dense[row * rowLength + j] += values[slot * rowLength + j] }
        }
    }
}
