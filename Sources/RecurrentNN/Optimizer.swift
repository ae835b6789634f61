import RecurrentTensor

/// Updates parameters from their gradients: the step that follows `loss.backward()`.
///
/// ```swift
/// let optimizer = Adam(model.parameters, learningRate: 1e-3)
/// for batch in batches {
///     optimizer.zeroGradients()
///     model.loss(batch).backward()
///     clipGradientNorm(model.parameters, maxNorm: 1)
///     optimizer.step()
/// }
/// ```
///
/// Every optimizer follows its `torch.optim` namesake operation by operation (same defaults,
/// same placement of `eps`, scalars computed in double precision as Python computes them), and
/// is tested against trajectories recorded from PyTorch.
///
/// ``step()`` updates each trainable parameter that has a gradient. A parameter without one
/// (it took no part in the loss, its gradient was cleared, or it is frozen) is skipped and its
/// state is left as it was, as PyTorch skips parameters whose `grad` is `None`; so the per-
/// parameter step counts used for bias correction can differ between parameters.
///
/// ## Resuming training exactly
///
/// ``stateTensors()`` returns what the optimizer remembers, as PyTorch's per-parameter state
/// keyed `<slot>.<parameter name>`: `exp_avg.rnn.weight_ih_l0`, `step.rnn.weight_ih_l0`, …
/// Save these with the model (for example in the same safetensors file), together with
/// ``stepCount`` and ``learningRate``; to resume, build the optimizer on the restored
/// parameters, call ``loadState(_:)`` and set `stepCount` and `learningRate`. The following
/// steps are then identical to those of an uninterrupted run.
public protocol Optimizer: AnyObject {
    /// The parameters this optimizer updates, by name (each distinct parameter once).
    var parameters: [NamedParameter] { get }
    /// The step size η; a learning-rate schedule sets it between steps.
    var learningRate: Float { get set }
    /// How many times ``step()`` has been called (not saved in ``stateTensors()``).
    var stepCount: Int { get set }
    /// Applies one update to every trainable parameter that has a gradient.
    func step()
    /// Clears the gradient of every parameter.
    func zeroGradients()
    /// A copy of the optimizer's per-parameter state, keyed `<slot>.<parameter name>`.
    func stateTensors() -> [String: Tensor]
    /// Replaces the per-parameter state with `state`, as returned by ``stateTensors()``.
    ///
    /// A parameter with none of its keys in `state` starts fresh (it had no gradient yet when
    /// the state was saved). Throws ``OptimizerStateError`` and leaves the state unchanged
    /// when a key is unknown, when a parameter has only some of its keys, or when a tensor
    /// has the wrong shape or a step is not a positive whole number.
    func loadState(_ state: [String: Tensor]) throws
}

extension Optimizer {
    public func zeroGradients() {
        for named in parameters { named.parameter.zeroGradient() }
    }
}

/// Why ``Optimizer/loadState(_:)`` rejected a saved state.
public enum OptimizerStateError: Error, Equatable, CustomStringConvertible {
    /// Keys that name no slot of any parameter of this optimizer (another optimizer's state,
    /// another model's parameter names, or an option such as `amsgrad` that differs).
    case unexpectedKeys([String])
    /// Keys a parameter needs because the state has some of that parameter's other keys.
    case missingKeys([String])
    /// A tensor whose shape is not the parameter's (or, for a step, not a single value).
    case shapeMismatch(key: String, expected: [Int], found: [Int])
    /// A step count that is not a whole number ≥ 1.
    case invalidStep(key: String, value: Float)
    /// A state tensor holding NaN or infinite values (a run that diverged, or a damaged file).
    case nonFinite(key: String)

    public var description: String {
        switch self {
        case .unexpectedKeys(let keys):
            return "optimizer state: unexpected keys \(keys.joined(separator: ", ")) (saved by another optimizer, model or configuration?)"
        case .missingKeys(let keys):
            return "optimizer state: missing keys \(keys.joined(separator: ", "))"
        case .shapeMismatch(let key, let expected, let found):
            return "optimizer state: \(key) has shape \(found), expected \(expected)"
        case .invalidStep(let key, let value):
            return "optimizer state: \(key) is \(value), expected a whole number ≥ 1"
        case .nonFinite(let key):
            return "optimizer state: \(key) holds NaN or infinite values"
        }
    }
}

// MARK: - Shared state bookkeeping

/// What an optimizer remembers about one parameter between steps: PyTorch's `optimizer.state[p]`.
/// The buffers are raw memory so update loops can hold several of them at once.
final class ParameterState {
    /// Updates applied to this parameter so far (PyTorch's `state["step"]`).
    var step = 0
    /// One buffer of `count` elements per slot, in the order of ``OptimizerState/slots``.
    let buffers: [UnsafeMutablePointer<Float>]
    let count: Int

    init(count: Int, initialValues: [Float]) {
        self.count = count
        buffers = initialValues.map { value in
            let buffer = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(count, 1))
            buffer.initialize(repeating: value, count: count)
            return buffer
        }
    }

    deinit {
        for buffer in buffers { buffer.deallocate() }
    }
}

/// A parameter's step count and its state buffers, offset to the elements an update call covers.
struct ParameterStateView {
    let step: Int
    let buffers: [UnsafeMutablePointer<Float>]
}

/// The parameters of an optimizer and their ``ParameterState``, created on a parameter's first
/// update; converts to and from the named tensors of ``Optimizer/stateTensors()``.
struct OptimizerState {
    /// A per-parameter buffer: its PyTorch name (`exp_avg`) and the value it starts from.
    struct Slot {
        var name: String
        var initialValue: Float = 0
    }

    let parameters: [NamedParameter]
    let slots: [Slot]
    /// Whether the per-parameter step count is part of the saved state (SGD has none).
    let savesStep: Bool
    private var entries: [ParameterState?]

    /// Keeps each distinct parameter once (tied weights appear under several names in
    /// `Layer.parameters`; updating them twice per step would be wrong), under its first name.
    init(parameters: [NamedParameter], slots: [Slot], savesStep: Bool = true) {
        var seen = Set<ObjectIdentifier>(), names = Set<String>()
        self.parameters = parameters.filter { named in
            guard seen.insert(ObjectIdentifier(named.parameter)).inserted else { return false }
            precondition(names.insert(named.name).inserted, "Optimizer: two different parameters are named \(named.name)")
            return true
        }
        self.slots = slots
        self.savesStep = savesStep
        entries = Array(repeating: nil, count: self.parameters.count)
    }

    /// Calls `body` for each trainable, non-empty parameter that has a gradient, with its values
    /// (to update in place), its gradient, their element count and the parameter's state, whose
    /// step has already been counted.
    ///
    /// A row-sparse gradient (``Parameter/sparseGradient``) is applied row by row: `body` runs
    /// once per touched row, on that row's values, gradient and state, and rows no lookup touched
    /// keep their values and their state. For SGD without momentum or weight decay and for
    /// Adagrad without weight decay that is exactly the dense update (an untouched row's update is
    /// zero); for Adam it is PyTorch's `SparseAdam` ("lazy" Adam: moments move only for rows seen).
    mutating func forEachParameterWithGradient(
        _ body: (_ values: UnsafeMutablePointer<Float>, _ gradient: UnsafePointer<Float>, _ count: Int, _ state: ParameterStateView) -> Void
    ) {
        for (index, named) in parameters.enumerated() {
            let parameter = named.parameter
            guard parameter.isTrainable else { continue }
            parameter.consolidateGradient()
            if parameter.gradient == nil, let sparse = parameter.sparseGradient {
                let state = entries[index] ?? ParameterState(count: Shape.count(parameter.shape), initialValues: slots.map(\.initialValue))
                entries[index] = state
                state.step += 1
                let step = state.step, buffers = state.buffers, length = sparse.rowLength
                sparse.withUnsafeMutableValues { gradient in
                    parameter.update { values in
                        for (slot, row) in sparse.rows.enumerated() where length > 0 {
                            body(values.baseAddress! + row * length, gradient.baseAddress! + slot * length, length,
                                 ParameterStateView(step: step, buffers: buffers.map { $0 + row * length }))
                        }
                    }
                }
                continue
            }
            guard let gradient = parameter.gradient else { continue }
            let state = entries[index] ?? ParameterState(count: gradient.count, initialValues: slots.map(\.initialValue))
            entries[index] = state
            state.step += 1
            let count = gradient.count, step = state.step, buffers = state.buffers
            guard count > 0 else { continue }
            gradient.withUnsafeBufferPointer { gradient in
                parameter.update { values in
                    let values = values.baseAddress!, gradient = gradient.baseAddress!
                    // Elements update independently: large parameters are split across the kernel threads.
                    let tasks = count >= 1 << 14 ? Kernels.threadCount : 1
                    Kernels.parallel(tasks: tasks) { task, tasks in
                        let begin = count * task / tasks, end = count * (task + 1) / tasks
                        guard begin < end else { return }
                        body(values + begin, gradient + begin, end - begin,
                             ParameterStateView(step: step, buffers: buffers.map { $0 + begin }))
                    }
                }
            }
        }
    }

    func key(_ slot: String, _ index: Int) -> String { "\(slot).\(parameters[index].name)" }

    func tensors() -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        for (index, entry) in entries.enumerated() {
            guard let entry else { continue }
            if savesStep { result[key("step", index)] = Tensor(Float(entry.step)) }
            let shape = parameters[index].parameter.shape
            for (slot, buffer) in zip(slots, entry.buffers) {
                result[key(slot.name, index)] = Tensor(shape: shape, unsafeUninitialized: { target in
                    if entry.count > 0 { target.baseAddress!.initialize(from: buffer, count: entry.count) }
                })
            }
        }
        return result
    }

    /// Validates all of `saved` before replacing anything, so a failed load changes nothing.
    mutating func load(_ saved: [String: Tensor]) throws {
        var unused = Set(saved.keys)
        var loaded: [ParameterState?] = []
        for index in parameters.indices {
            let shape = parameters[index].parameter.shape
            var wanted = slots.map { (key: key($0.name, index), shape: shape) }
            if savesStep { wanted.insert((key: key("step", index), shape: []), at: 0) }
            let present = wanted.filter { saved[$0.key] != nil }
            for (key, _) in present { unused.remove(key) }
            if present.isEmpty {
                loaded.append(nil)
                continue
            }
            if present.count < wanted.count {
                throw OptimizerStateError.missingKeys(wanted.map(\.key).filter { saved[$0] == nil })
            }
            for (key, expected) in wanted {
                let tensor = saved[key]!
                let matches = expected.isEmpty ? tensor.count == 1 : tensor.shape == expected
                if !matches { throw OptimizerStateError.shapeMismatch(key: key, expected: expected, found: tensor.shape) }
                let finite = tensor.withUnsafeBufferPointer { values in values.allSatisfy(\.isFinite) }
                if !finite { throw OptimizerStateError.nonFinite(key: key) }
            }
            let entry = ParameterState(count: Shape.count(shape), initialValues: slots.map { _ in 0 })
            if savesStep {
                let stepKey = key("step", index), step = saved[stepKey]!.scalars[0]
                guard step >= 1, step == step.rounded(), step < 0x1p24 else {
                    throw OptimizerStateError.invalidStep(key: stepKey, value: step)
                }
                entry.step = Int(step)
            } else {
                entry.step = 1
            }
            for (slot, buffer) in zip(slots, entry.buffers) {
                saved[key(slot.name, index)]!.withUnsafeBufferPointer { source in
                    if let base = source.baseAddress { buffer.update(from: base, count: source.count) }
                }
            }
            loaded.append(entry)
        }
        if !unused.isEmpty { throw OptimizerStateError.unexpectedKeys(unused.sorted()) }
        entries = loaded
    }
}

// MARK: - Arithmetic rounded as PyTorch rounds it

/// The Python float a Float hyper-parameter stands for: its shortest decimal form, read as a
/// Double. PyTorch computes step sizes such as `lr / (1 − β₁ᵗ)` from the double `0.001`;
/// `Double(Float(0.001))` differs from it in the eighth digit, enough to change the last bit of
/// about half such step sizes once rounded to Float.
func pythonDouble(_ value: Float) -> Double {
    Double(value.description) ?? Double(value)
}

// MARK: - Elementwise arithmetic rounded as ATen rounds it

// Square roots of sums of squares are written `x.magnitude.squareRoot()`: x is never negative
// there, and the visible sign lets LLVM use the vector square root instead of calling `sqrtf`
// (which may set errno) for every element.
//
// PyTorch's CPU kernels compute `add(other, alpha:)`, `addcmul` and `lerp` with a fused
// multiply-add (`vec::fmadd`), and `mul`, `div`, `addcdiv` without. The update loops follow the
// same forms, so a trajectory differs from PyTorch's only through its square roots (ATen's
// vectorized `sqrt` is not correctly rounded; ours is).

/// Calls `body` with `flag` as a literal `true` or `false`. Once both are inlined, each branch of
/// an update loop over such flags compiles to its own branch-free (vectorizable) loop.
@inline(__always)
func withLiteral(_ flag: Bool, _ body: (Bool) -> Void) {
    if flag { body(true) } else { body(false) }
}

/// `a·b + c` rounded once, like a hardware FMA. Computed in double precision, where the product
/// of two Floats is exact, so the only double rounding is in exact ties (probability ~2⁻²⁹);
/// unlike `Float.addingProduct`, this vectorizes on x86-64 CPUs without the FMA extension.
@inline(__always)
func fusedMultiplyAdd(_ a: Float, _ b: Float, _ c: Float) -> Float {
    Float(Double(a) * Double(b) + Double(c))
}

/// `start + weight·(end − start)` as ATen's `lerp` computes it: from the nearer end, so the
/// result is exact at weight 0 and 1.
@inline(__always)
func lerp(_ start: Float, _ end: Float, _ weight: Float) -> Float {
    Swift.abs(weight) < 0.5
        ? fusedMultiplyAdd(weight, end - start, start)
        : fusedMultiplyAdd(weight - 1, end - start, end)
}
