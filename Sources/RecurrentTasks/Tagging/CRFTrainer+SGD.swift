import Foundation
import RecurrentTensor

extension CRFTrainer {
    /// Stochastic gradient descent, one sentence at a time in a seeded random order each epoch:
    ///
    ///     w ← w - ηₜ (∇[-log p(yₛ | xₛ)] + (2·c2 / N)·w),   ηₜ = η₀ / (1 + t / N)
    ///
    /// with the L2 shrinkage applied lazily (w = a·v, so a step costs only the features the
    /// sentence touches; v is rescaled when a gets small). Single-threaded.
    func trainSGD(_ options: CRFOptions, parameters start: [Double], generator: inout RandomGenerator,
                  onIteration: (Int, [String: Double], [Double]) -> Bool) -> (parameters: [Double], objective: Double, stop: String) {
        var v = start
        var scale = 1.0
        let k = tagCount, base = features.featureCount, startBase = base + k * k, endBase = startBase + k
        let sentenceCount = max(data.sentenceCount, 1)
        var order = Array(0..<data.sentenceCount)
        var step = 0
        let workspace = ScaledForwardBackward(tagCount: k)
        var edges = [Double](repeating: 0, count: k * k)
        var scores: [Double] = []
        var objectiveValue = 0.0
        for epoch in 1...max(options.maxIterations, 1) {
            generator.shuffle(&order)
            var loss = 0.0
            for sentence in order {
                let rate = options.learningRate / (1 + Double(step) / Double(sentenceCount))
                step += 1
                let first = data.sentenceStarts[sentence], length = data.sentenceStarts[sentence + 1] - first
                guard length > 0 else { continue }
                scale *= max(1 - 2 * options.l2 * rate / Double(sentenceCount), 1e-12)
                let transitions = TransitionScores(tagCount: k, transitions: v[base..<startBase].map { $0 * scale },
                                                   start: v[startBase..<endBase].map { $0 * scale },
                                                   end: v[endBase..<(endBase + k)].map { $0 * scale })
                // Emission scores and the gold path's score.
                scores.removeAll(keepingCapacity: true)
                scores.append(contentsOf: repeatElement(0, count: length * k))
                var goldScore = transitions.start[Int(data.goldTags[first])] + transitions.end[Int(data.goldTags[first + length - 1])]
                for position in 0..<length {
                    let token = first + position
                    for slot in Int(data.tokenOffsets[token])..<Int(data.tokenOffsets[token + 1]) {
                        let attribute = Int(data.attributeIDs[slot])
                        for feature in Int(features.offsets[attribute])..<Int(features.offsets[attribute + 1]) {
                            scores[position * k + Int(features.labels[feature])] += v[feature] * scale
                        }
                    }
                    goldScore += scores[position * k + Int(data.goldTags[token])]
                    if position > 0 { goldScore += transitions.transitions[Int(data.goldTags[token - 1]) * k + Int(data.goldTags[token])] }
                }
                for index in 0..<(k * k) { edges[index] = 0 }
                let logZ = scores.withUnsafeBufferPointer { scores in
                    edges.withUnsafeMutableBufferPointer { edges in
                        workspace.run(emissions: scores, length: length, transitions: ExponentiatedTransitions(transitions),
                                      scores: transitions, edgeCounts: edges)
                    }
                }
                loss += logZ - goldScore
                // v -= (η / a) · (expected - observed).
                let stepSize = rate / scale
                let nodes = workspace.nodes
                for position in 0..<length {
                    let token = first + position, gold = data.goldTags[token]
                    for slot in Int(data.tokenOffsets[token])..<Int(data.tokenOffsets[token + 1]) {
                        let attribute = Int(data.attributeIDs[slot])
                        for feature in Int(features.offsets[attribute])..<Int(features.offsets[attribute + 1]) {
                            let label = features.labels[feature]
                            v[feature] -= stepSize * (nodes[position * k + Int(label)] - (label == gold ? 1 : 0))
                        }
                    }
                    if position > 0 { edges[Int(data.goldTags[token - 1]) * k + Int(gold)] -= 1 }
                }
                for index in 0..<(k * k) { v[base + index] -= stepSize * edges[index] }
                for tag in 0..<k {
                    v[startBase + tag] -= stepSize * (nodes[tag] - (Int(data.goldTags[first]) == tag ? 1 : 0))
                    v[endBase + tag] -= stepSize * (nodes[(length - 1) * k + tag] - (Int(data.goldTags[first + length - 1]) == tag ? 1 : 0))
                }
                if scale < 1e-6 {
                    for index in 0..<v.count { v[index] *= scale }
                    scale = 1
                }
            }
            let weights = v.map { $0 * scale }
            objectiveValue = loss + options.l2 * weights.reduce(0) { $0 + $1 * $1 }
            if !onIteration(epoch, ["objective": objectiveValue], weights) { return (weights, objectiveValue, "stopped") }
        }
        return (v.map { $0 * scale }, objectiveValue, "max_iterations")
    }
}
