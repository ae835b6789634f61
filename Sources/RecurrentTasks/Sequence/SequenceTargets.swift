import Foundation
import RecurrentData

/// What a sequence model predicts, and how a target's text becomes a number to train on.
public enum SequenceTargets: Codable, Equatable, Sendable {
    /// Classification: the class labels in index order.
    case classes([String])
    /// Regression with `outputs` numbers per example (a label such as `0.5` or `0.5,1.25`, or
    /// several label columns), standardized with the training targets' means and deviations:
    /// the model learns y' = (y − mean) / deviation and answers in the data's units.
    case values(outputs: Int, means: [Double], deviations: [Double])

    /// Numbers the head emits: one logit per class, or one value per output.
    public var outputs: Int {
        switch self {
        case .classes(let labels): return labels.count
        case .values(let outputs, _, _): return outputs
        }
    }

    public var isClassification: Bool {
        if case .classes = self { return true }
        return false
    }

    /// The classes of the training targets: the labels a `.ts` header declares, in its order, or
    /// the distinct labels sorted (numerically when all are numbers).
    public static func classes(of records: SequenceRecords) throws -> SequenceTargets {
        let labels = try records.targets.enumerated().map { index, label in
            guard let label else { throw records.failure(index, "the example has no label") }
            return label
        }
        if let declared = records.declaredLabels { return .classes(declared) }
        let distinct = Array(Set(labels))
        let numbers = distinct.compactMap(Double.init)
        let sorted = numbers.count == distinct.count ? distinct.sorted { Double($0)! < Double($1)! } : distinct.sorted()
        guard sorted.count >= 2 else {
            throw SequenceFileError(file: records.fileName, problem: "every example has the label \(sorted.first.map { "\"\($0)\"" } ?? "(none)"); a classifier needs at least 2 classes")
        }
        return .classes(sorted)
    }

    /// The regression targets' statistics.
    public static func values(of records: SequenceRecords) throws -> SequenceTargets {
        let rows = try numbers(in: records, outputs: nil)
        let outputs = rows.first?.count ?? 1
        var means: [Double] = [], deviations: [Double] = []
        for output in 0..<outputs {
            let column = rows.map { Double($0[output]) }
            let mean = column.reduce(0, +) / Double(Swift.max(column.count, 1))
            let deviation = (column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(Swift.max(column.count, 1))).squareRoot()
            means.append(mean)
            deviations.append(deviation > Double(Float.ulpOfOne) * Swift.abs(mean) && Float(deviation).isNormal ? deviation : 1)
        }
        return .values(outputs: outputs, means: means, deviations: deviations)
    }

    /// Each example's numbers, checked to be finite and as many as `outputs` (or as the first
    /// example's).
    static func numbers(in records: SequenceRecords, outputs: Int?) throws -> [[Float]] {
        var expected = outputs
        return try records.targets.enumerated().map { index, text in
            guard let text else { throw records.failure(index, "the example has no target") }
            let parts = text.split(separator: ",", omittingEmptySubsequences: false)
            let values = parts.compactMap { Float($0.trimmingCharacters(in: .whitespaces)) }
            guard values.count == parts.count, values.allSatisfy(\.isFinite) else {
                throw records.failure(index, atTarget: true, "expected a number (or comma-separated numbers) as the target, found \"\(text)\"")
            }
            if let expected, values.count != expected {
                throw records.failure(index, atTarget: true, "\(values.count) target values, expected \(expected)")
            }
            expected = values.count
            return values
        }
    }

    /// Why these targets cannot be used (a model file's), or nil.
    public var problem: String? {
        switch self {
        case .classes(let labels):
            if labels.count < 2 { return "a classifier needs at least 2 classes" }
            if Set(labels).count != labels.count { return "the class labels repeat" }
        case .values(let outputs, let means, let deviations):
            if outputs < 1 || means.count != outputs || deviations.count != outputs { return "target statistics do not match \(outputs) outputs" }
            if !means.allSatisfy(\.isFinite) || !deviations.allSatisfy({ $0 > 0 && $0.isFinite }) { return "the target statistics are not finite positive numbers" }
        }
        return nil
    }
}
