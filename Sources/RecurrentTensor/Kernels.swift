import CRecurrentKernels
import Foundation

/// Configuration of, and direct access to, the CPU kernels under every tensor operation.
public enum Kernels {
    /// The number of threads kernels use. Defaults to the number of online CPUs, or the
    /// `RECURRENT_NUM_THREADS` environment variable. Results are deterministic for a given
    /// thread count.
    public static var threadCount: Int {
        get { Int(rk_num_threads()) }
        set { rk_set_num_threads(Int32(clamping: newValue)) }
    }

    /// The instruction set the kernels called from this thread use ("avx512", "avx2", "neon" or
    /// "generic"): the detected one, lowered by `RECURRENT_ISA`, or the one
    /// ``withInstructionSet(_:_:)`` chose.
    public static var instructionSet: String { String(cString: rk_isa_name(rk_isa_in_use())) }

    /// The instruction sets this CPU can run, from the most portable ("generic") up.
    public static var supportedInstructionSets: [String] {
        [RK_ISA_GENERIC, RK_ISA_NEON, RK_ISA_AVX2, RK_ISA_AVX512].filter { rk_isa_supported($0) != 0 }.map { String(cString: rk_isa_name($0)) }
    }

    /// Every instruction set a kernel family is written for, supported here or not.
    public static let allInstructionSets = ["generic", "neon", "avx2", "avx512"]

    /// Runs `body` with the kernels it calls on this thread (and the pool's threads while they
    /// work for it) using instruction set `name`, leaving other threads alone; nil (no call of
    /// `body`) when this CPU cannot run it. Tests use it to run one computation under each
    /// instruction set. `body` must not suspend (it stays on the calling thread).
    public static func withInstructionSet<Result>(_ name: String, _ body: () throws -> Result) rethrows -> Result? {
        guard let index = allInstructionSets.firstIndex(of: name) else { return nil }
        let isa = [RK_ISA_GENERIC, RK_ISA_NEON, RK_ISA_AVX2, RK_ISA_AVX512][index]
        let previous = rk_isa_in_use()
        let hadOwn = Kernels.threadHasOwnInstructionSet
        guard rk_isa_set_thread(Int32(isa.rawValue)) == 0 else { return nil }
        defer { rk_isa_set_thread(hadOwn ? Int32(previous.rawValue) : -1) }
        return try body()
    }

    /// The problem with the `RECURRENT_ISA` and `RECURRENT_NUM_THREADS` environment variables, if
    /// any (an unknown or unsupported instruction set, a thread count that is not a positive
    /// integer), which the kernels otherwise ignore; programs should say it on standard error.
    public static var environmentProblems: [String] {
        var problems: [String] = []
        let environment = ProcessInfo.processInfo.environment
        if let forced = environment["RECURRENT_ISA"] {
            switch rk_isa_forced_is_valid() {
            case 0: problems.append("RECURRENT_ISA=\(forced): this CPU cannot run it; using \(instructionSet)")
            case -1: problems.append("RECURRENT_ISA=\(forced) is not one of \(allInstructionSets.joined(separator: ", ")); using \(instructionSet)")
            default: break
            }
        }
        if let threads = environment["RECURRENT_NUM_THREADS"], (Int(threads).map { $0 < 1 } ?? true) {
            problems.append("RECURRENT_NUM_THREADS=\(threads) is not a positive integer; using \(threadCount) threads")
        }
        return problems
    }

    private static var threadHasOwnInstructionSet: Bool { rk_isa_has_thread_setting() != 0 }

    /// Keeps large freed buffers in the process heap rather than returning them to the system,
    /// so training steps that reallocate the same buffers stop paying for page faults. A
    /// process-wide setting for programs (the CLI calls it), not for libraries.
    public static func keepLargeAllocations() { rk_keep_large_allocations() }

    /// The best instruction set this CPU supports.
    public static var detectedInstructionSet: String { String(cString: rk_isa_name(rk_isa_detected())) }

    /// C = alpha * op(A) * op(B) + beta * C on row-major buffers; see `rk_sgemm`.
    /// `op(A)` is m x k, `op(B)` is k x n, C is m x n. With beta == 0, C is only written.
    @inlinable
    public static func gemm(transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int,
                            alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                            beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        rk_sgemm(transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
    }

    /// Runs `body(task, tasks)` for every task in 0..<tasks on the kernel threads (the caller's
    /// included; threads claim tasks one at a time) and returns when all are done. Each task
    /// must do the same work whichever thread runs it. Inside a parallel region, or when
    /// another thread is using the pool, the tasks run in order on the calling thread.
    public static func parallel(tasks: Int = Kernels.threadCount, _ body: (Int, Int) -> Void) {
        withoutActuallyEscaping(body) { escapable in
            var closure = escapable
            withUnsafeMutablePointer(to: &closure) { pointer in
                rk_parallel_run({ context, index, count in
                    let body = context!.assumingMemoryBound(to: ((Int, Int) -> Void).self).pointee
                    body(Int(index), Int(count))
                }, UnsafeMutableRawPointer(pointer), Int32(clamping: tasks))
            }
        }
    }
}

/// A matrix `B` packed once for repeated products `C = A * B` (for example recurrent weights,
/// multiplied once per time step). Packing is specific to the instruction set active when it
/// was made.
public final class PackedMatrix: @unchecked Sendable {
    /// Rows (the inner dimension K of `A * B`) and columns (N).
    public let rows: Int, columns: Int
    let buffer: UnsafeMutablePointer<Float>
    let count: Int
    /// The instruction set whose panel layout the buffer holds.
    let instructionSet: rk_isa

    /// Packs `op(B)`: `b` holds a rows x columns matrix, or its transpose when `transposed`,
    /// with row stride `ldb`.
    public init(rows: Int, columns: Int, b: UnsafePointer<Float>, ldb: Int, transposed: Bool = false) {
        self.rows = rows
        self.columns = columns
        instructionSet = rk_isa_in_use()
        count = rk_sgemm_packed_b_count_isa(instructionSet, rows, columns)
        let raw = UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<Float>.stride, alignment: 64)
        buffer = raw.bindMemory(to: Float.self, capacity: count)
        rk_sgemm_pack_b_isa(instructionSet, transposed ? 1 : 0, rows, columns, b, ldb, buffer)
    }

    /// Packs the rank-2 tensor `matrix` (or its transpose).
    public convenience init(_ matrix: Tensor, transposed: Bool = false) {
        precondition(matrix.rank == 2, "PackedMatrix: expected a matrix, got shape \(matrix.shape)")
        let (rows, columns) = transposed ? (matrix.shape[1], matrix.shape[0]) : (matrix.shape[0], matrix.shape[1])
        self.init(rows: rows, columns: columns, b: matrix.storage.pointer, ldb: matrix.shape[1], transposed: transposed)
    }

    /// C = alpha * op(A) * self + beta * C, with op(A) m x rows and C m x columns (row stride ldc).
    public func multiply(m: Int, alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, transposeA: Bool = false,
                         beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        rk_sgemm_packed_isa(instructionSet, transposeA ? 1 : 0, m, columns, rows, alpha, a, lda, buffer, beta, c, ldc)
    }

    deinit {
        UnsafeMutableRawPointer(buffer).deallocate()
    }
}

/// A matrix `B` (n x k) in the dot-product layout (`rk_dots_pack`): its rows in groups of eight,
/// each group one contiguous stream, for repeated products of a few rows with `Bᵀ` (a recurrent
/// layer's W_hh at batch sizes up to four, read once per time step). The rows are taken in blocks
/// of `blockRows` (one per gate of a recurrent layer), each block's groups starting afresh.
public final class DotLayoutMatrix: @unchecked Sendable {
    /// The rows (n) and columns (k) of B.
    public let rows: Int, columns: Int
    /// The rows of one block (n is a multiple of it).
    public let blockRows: Int
    let buffer: UnsafeMutablePointer<Float>

    /// Lays out the rank-2 tensor `matrix` (n x k) in blocks of `blockRows` rows.
    public init(_ matrix: Tensor, blockRows: Int) {
        precondition(matrix.rank == 2, "DotLayoutMatrix: expected a matrix, got shape \(matrix.shape)")
        precondition(blockRows > 0 && matrix.shape[0] % blockRows == 0,
                     "DotLayoutMatrix: \(matrix.shape[0]) rows are not blocks of \(blockRows)")
        (rows, columns, self.blockRows) = (matrix.shape[0], matrix.shape[1], blockRows)
        let count = rk_dots_packed_count(rows, columns, blockRows)
        let raw = UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<Float>.stride, alignment: 64)
        buffer = raw.bindMemory(to: Float.self, capacity: count)
        withExtendedLifetime(matrix) {
            rk_dots_pack(rows, columns, blockRows, matrix.unsafeBaseAddress, Swift.max(columns, 1), buffer)
        }
    }

    /// The laid-out matrix, for the kernels that read it.
    public var pointer: UnsafePointer<Float> { UnsafePointer(buffer) }

    deinit {
        UnsafeMutableRawPointer(buffer).deallocate()
    }
}
