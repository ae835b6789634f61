import RecurrentData
import RecurrentTensor

/// Encoded examples of a whole-sequence task: word indices or standardized frames, with class
/// indices or standardized target values.
public struct SequenceExamples: Sendable {
    public enum Inputs: Sendable {
        case tokens([[Int]])
        /// Frames, `values[t · features + d]`.
        case frames([[Float]], features: Int)
    }

    public enum Targets: Sendable {
        case none
        case classes([Int])
        /// Values in the data's units, `outputs` per example.
        case values([[Float]])
    }

    public var inputs: Inputs
    public var targets: Targets

    public init(inputs: Inputs, targets: Targets) {
        self.inputs = inputs
        self.targets = targets
    }

    public var count: Int { lengths.count }

    /// Each example's time steps.
    public var lengths: [Int] {
        switch inputs {
        case .tokens(let sequences): return sequences.map(\.count)
        case .frames(let sequences, let features): return sequences.map { $0.count / features }
        }
    }

    /// The class of every example (classification data only).
    public var classes: [Int] {
        if case .classes(let classes) = targets { return classes }
        return []
    }

    /// The padded batch of the examples at `indices`.
    public func batch(_ indices: [Int]) -> SequenceBatch {
        switch inputs {
        case .tokens(let sequences): return .tokens(PaddedTokenBatch(indices.map { sequences[$0] }, padding: 0))
        case .frames(let sequences, let features): return .frames(PaddedFrameBatch(indices.map { sequences[$0] }, features: features))
        }
    }

    /// The examples at `indices`, in that order.
    public func subset(_ indices: [Int]) -> SequenceExamples {
        let inputs: Inputs
        switch self.inputs {
        case .tokens(let sequences): inputs = .tokens(indices.map { sequences[$0] })
        case .frames(let sequences, let features): inputs = .frames(indices.map { sequences[$0] }, features: features)
        }
        switch targets {
        case .none: return SequenceExamples(inputs: inputs, targets: .none)
        case .classes(let classes): return SequenceExamples(inputs: inputs, targets: .classes(indices.map { classes[$0] }))
        case .values(let values): return SequenceExamples(inputs: inputs, targets: .values(indices.map { values[$0] }))
        }
    }

    /// Examples held out for validation: `fraction` of each class (stratified, at least one of
    /// every class with two or more examples), or of all examples for regression, chosen by
    /// `generator`. Returns the indices kept for training and those held out, each in file order.
    public func split(holdingOut fraction: Double, generator: inout RandomGenerator) -> (training: [Int], heldOut: [Int]) {
        var groups: [[Int]]
        if case .classes(let classes) = targets {
            groups = Array(repeating: [], count: (classes.max() ?? 0) + 1)
            for (index, label) in classes.enumerated() { groups[label].append(index) }
        } else {
            groups = [Array(0..<count)]
        }
        var heldOut: [Int] = []
        for var group in groups where group.count >= 2 {
            generator.shuffle(&group)
            let size = Swift.min(Swift.max(Int((Double(group.count) * fraction).rounded()), 1), group.count - 1)
            heldOut += group.prefix(size)
        }
        let held = Set(heldOut)
        return ((0..<count).filter { !held.contains($0) }, heldOut.sorted())
    }
}
