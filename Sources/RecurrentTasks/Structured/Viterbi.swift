/// The best path through a lattice of emission scores `[time, tags]` and ``TransitionScores``:
///
///     δ₀(y) = start[y] + E[0, y]
///     δₜ(y) = maxᵧ′ (δₜ₋₁(y′) + transitions[y′, y]) + E[t, y]
///     best = argmaxᵧ δ_{T-1}(y) + end[y], then follow the back-pointers
///
/// O(T·K²) time. Ties go to the lowest tag index, so results never depend on anything but
/// the scores. Shared by the CRF, the perceptron and (on its emission scores) the BiLSTM-CRF.
public enum Viterbi {
    /// The best path and its score; an empty path for `length == 0`.
    public static func decode(emissions: UnsafeBufferPointer<Double>, length: Int, transitions: TransitionScores) -> (path: [Int], score: Double) {
        let tags = transitions.tagCount
        guard length > 0, tags > 0 else { return ([], 0) }
        precondition(emissions.count >= length * tags, "Viterbi: \(emissions.count) emission scores for \(length)x\(tags)")
        var delta = [Double](repeating: 0, count: tags), next = [Double](repeating: 0, count: tags)
        var backPointers = [Int32](repeating: 0, count: length * tags)
        for tag in 0..<tags { delta[tag] = transitions.start[tag] + emissions[tag] }
        transitions.transitions.withUnsafeBufferPointer { matrix in
            for time in 1..<max(length, 1) {
                for tag in 0..<tags {
                    var best = -Double.infinity, bestFrom = 0
                    for from in 0..<tags {
                        let candidate = delta[from] + matrix[from * tags + tag]
                        if candidate > best { best = candidate; bestFrom = from }
                    }
                    next[tag] = best + emissions[time * tags + tag]
                    backPointers[time * tags + tag] = Int32(bestFrom)
                }
                swap(&delta, &next)
            }
        }
        var best = -Double.infinity, bestTag = 0
        for tag in 0..<tags where delta[tag] + transitions.end[tag] > best {
            best = delta[tag] + transitions.end[tag]
            bestTag = tag
        }
        var path = [Int](repeating: 0, count: length)
        path[length - 1] = bestTag
        for time in stride(from: length - 1, to: 0, by: -1) {
            path[time - 1] = Int(backPointers[time * tags + path[time]])
        }
        return (path, best)
    }

    /// Greedy left-to-right decoding: each tag is the best given the previous choice only,
    /// `yₜ = argmaxᵧ transitions[yₜ₋₁, y] + E[t, y]` (start scores at t = 0, end scores at the last
    /// token). O(T·K): faster than Viterbi, and what `--greedy` taggers use.
    public static func greedy(emissions: UnsafeBufferPointer<Double>, length: Int, transitions: TransitionScores) -> [Int] {
        let tags = transitions.tagCount
        guard length > 0, tags > 0 else { return [] }
        var path = [Int](repeating: 0, count: length)
        for time in 0..<length {
            var best = -Double.infinity, bestTag = 0
            for tag in 0..<tags {
                var score = emissions[time * tags + tag]
                score += time == 0 ? transitions.start[tag] : transitions.transitions[path[time - 1] * tags + tag]
                if time == length - 1 { score += transitions.end[tag] }
                if score > best { best = score; bestTag = tag }
            }
            path[time] = bestTag
        }
        return path
    }
}
