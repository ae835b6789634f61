import RecurrentTensor

/// Rollout sequences cut where episodes start, for replaying a recurrent policy with gradients.
///
/// A rollout segment of one environment copy may hold the end of one episode and the start of
/// the next; the recurrent state must be reset to zero exactly there. Each segment is cut into
/// pieces at its episode starts: the first piece starts from the state stored at the segment's
/// start, every later one from zeros. The pieces run together as one padded batch (lengths mask
/// the padding), so one fused kernel call covers the whole minibatch, and the states inside a
/// piece are exactly the states the rollout carried.
///
/// Rows of the result are sequence-major: row `s · time + t` is step t of sequence s.
public struct EpisodePieces: Equatable {
    public struct Piece: Equatable {
        /// The sequence the piece belongs to, where it starts in it, and its length.
        public var sequence: Int, start: Int, length: Int
    }

    public let pieces: [Piece]
    /// Steps per sequence.
    public let time: Int
    public let longest: Int

    /// `episodeStarts[s][t]`: whether step t of sequence s is the first of an episode.
    public init(episodeStarts: [[Bool]]) {
        time = episodeStarts.first?.count ?? 0
        var pieces: [Piece] = []
        for (sequence, starts) in episodeStarts.enumerated() {
            precondition(starts.count == time, "EpisodePieces: sequences differ in length")
            var start = 0
            for t in 1..<Swift.max(time, 1) where starts[t] {
                pieces.append(Piece(sequence: sequence, start: start, length: t - start))
                start = t
            }
            if time > 0 { pieces.append(Piece(sequence: sequence, start: start, length: time - start)) }
        }
        self.pieces = pieces
        longest = pieces.map(\.length).max() ?? 0
    }

    public var lengths: [Int] { pieces.map(\.length) }

    /// The pieces' inputs `[pieces, longest, features]`, zero-padded, from sequence-major rows
    /// `[sequences · time, features]`.
    public func input(_ rows: UnsafeBufferPointer<Float>, features: Int) -> Tensor {
        Tensor(shape: [pieces.count, longest, features]) { out in
            out.update(repeating: 0)
            for (index, piece) in pieces.enumerated() {
                let source = (piece.sequence * time + piece.start) * features
                for offset in 0..<(piece.length * features) { out[index * longest * features + offset] = rows[source + offset] }
            }
        }
    }

    /// The pieces' initial state rows from the sequences' start states `[sequences, hidden]`: a
    /// first piece takes its sequence's row, a later one zeros.
    public func initialState(_ sequenceStarts: Tensor) -> Tensor {
        let hidden = sequenceStarts.shape[1]
        return sequenceStarts.withUnsafeBufferPointer { starts in
            Tensor(shape: [pieces.count, hidden]) { out in
                out.update(repeating: 0)
                for (index, piece) in pieces.enumerated() where piece.start == 0 {
                    for j in 0..<hidden { out[index * hidden + j] = starts[piece.sequence * hidden + j] }
                }
            }
        }
    }

    /// For each sequence-major row (sequence s, step t), its row in the pieces' output flattened to
    /// `[pieces · longest, features]`: the indices that gather the output back.
    public var outputRows: [Int] {
        var rows = [Int](repeating: 0, count: pieces.reduce(0) { $0 + $1.length })
        for (index, piece) in pieces.enumerated() {
            for offset in 0..<piece.length { rows[piece.sequence * time + piece.start + offset] = index * longest + offset }
        }
        return rows
    }
}
