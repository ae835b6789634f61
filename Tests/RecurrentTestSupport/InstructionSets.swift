import Foundation
import RecurrentTensor

/// Runs `body` once under each instruction set this CPU supports (``Kernels/withInstructionSet(_:_:)``,
/// which changes only the calling thread and the pool threads working for it, so other tests run
/// on undisturbed). The first call in a process says on standard error which instruction sets the
/// tests cover here and which they do not, so a green run on a machine without AVX-512 is not
/// mistaken for coverage it does not have.
public func forEachInstructionSet(_ body: (String) throws -> Void) rethrows {
    announceInstructionSetCoverage()
    for name in Kernels.supportedInstructionSets {
        _ = try Kernels.withInstructionSet(name) { try body(name) }
    }
}

/// The instruction sets tests cover on this machine, and those they cannot (a kernel family exists
/// for them, but this CPU cannot run it).
public var instructionSetCoverage: (covered: [String], notCovered: [String]) {
    let covered = Kernels.supportedInstructionSets
    return (covered, Kernels.allInstructionSets.filter { !covered.contains($0) })
}

private let coverageAnnouncement: Void = {
    let (covered, notCovered) = instructionSetCoverage
    var text = "note: instruction-set-sensitive tests run under \(covered.joined(separator: ", "))"
    if !notCovered.isEmpty { text += "; NOT covered on this CPU: \(notCovered.joined(separator: ", "))" }
    FileHandle.standardError.write(Data((text + "\n").utf8))
}()

private func announceInstructionSetCoverage() { _ = coverageAnnouncement }
