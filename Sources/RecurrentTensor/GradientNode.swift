/// One recorded operation in the gradient graph (or a leaf that collects a gradient).
///
/// Nodes form a directed acyclic graph from leaves (tensors created with
/// ``Tensor/requiringGradient()``) to results. `depth` is one more than the deepest input, so
/// visiting nodes in decreasing depth visits every node after all the nodes that consume it:
/// the order backpropagation needs, without a separate topological sort.
@usableFromInline
final class GradientNode {
    let depth: Int
    private(set) var inputs: [GradientNode?]
    /// Maps the gradient of this node's output to the gradients of its inputs (nil where an
    /// input needs none). Nil for leaves, and for operations a backward pass has freed.
    private(set) var pullback: ((Tensor) -> [Tensor?])?
    /// The accumulated gradient of a leaf.
    var gradient: Tensor?
    let shape: [Int]
    let isLeaf: Bool
    /// True once a backward pass has freed this operation: dropped its pullback, and with it the
    /// tensors the pullback kept (activations, and the weights it multiplied by).
    var isFreed: Bool { !isLeaf && pullback == nil }

    /// A leaf.
    init(shape: [Int]) {
        depth = 0
        inputs = []
        pullback = nil
        isLeaf = true
        self.shape = shape
    }

    init(shape: [Int], inputs: [GradientNode?], pullback: @escaping (Tensor) -> [Tensor?]) {
        self.shape = shape
        self.inputs = inputs
        self.pullback = pullback
        isLeaf = false
        depth = 1 + (inputs.lazy.compactMap { $0?.depth }.max() ?? 0)
    }

    func free() {
        guard !isLeaf else { return }
        pullback = nil
        inputs = []
    }
}

/// Whether operations record themselves for differentiation in the current task.
public enum GradientMode {
    /// True (the default) when operations on tensors that require a gradient are recorded.
    @TaskLocal public static var isEnabled = true
}

/// Runs `body` without recording operations for differentiation (inference, optimizer
/// updates, metrics). Nested calls are fine.
@inlinable
public func withoutGradient<Result>(_ body: () throws -> Result) rethrows -> Result {
    try GradientMode.$isEnabled.withValue(false) { try body() }
}

extension Tensor {
    /// This tensor as a leaf of the gradient graph: operations on it are recorded and
    /// ``backward(_:)`` accumulates into its ``gradient``.
    public func requiringGradient() -> Tensor {
        Tensor(shape: shape, storage: storage, node: GradientNode(shape: shape))
    }

    /// The same values, cut from the gradient graph.
    public var detached: Tensor {
        Tensor(shape: shape, storage: storage)
    }

    /// True when operations on this tensor are recorded for differentiation.
    @inlinable public var requiresGradient: Bool { node != nil }

    /// The gradient accumulated by ``backward(_:)`` in a leaf (nil before any, or for a
    /// tensor that is not a leaf).
    public var gradient: Tensor? {
        guard let node, node.isLeaf else { return nil }
        return node.gradient
    }

    /// Clears the accumulated gradient of a leaf.
    public func zeroGradient() {
        node?.gradient = nil
    }

    /// Records the result of an operation on `inputs`, for custom differentiable operations:
    /// when gradients are enabled and any input requires one, `result` gets a node whose
    /// pullback maps the result's gradient (same shape as `result`) to one gradient per input
    /// (same shape as that input, or nil when it needs none). Pullbacks run with recording
    /// disabled. Returns `result` unchanged when nothing needs recording.
    public static func record(_ result: Tensor, _ inputs: [Tensor], pullback: @escaping (Tensor) -> [Tensor?]) -> Tensor {
        guard inputs.contains(where: { $0.node != nil }), GradientMode.isEnabled else { return result }
        var recorded = result
        recorded.node = GradientNode(shape: result.shape, inputs: inputs.map(\.node), pullback: pullback)
        return recorded
    }

    /// Backpropagation: accumulates d(self)/d(leaf), times `seed`, into the ``gradient`` of
    /// every leaf this tensor depends on. Without a seed the tensor must have one element
    /// (a loss) and the seed is 1. Gradients add up across calls until ``zeroGradient()``.
    ///
    /// As in PyTorch, the pass frees the graph behind it: each operation drops the tensors it
    /// kept for its gradient, so their memory returns at once, and an optimizer that then updates
    /// the weights in place does not copy them first (the graph no longer shares their storage).
    /// A second backward pass through the same operations needs `retainingGraph: true` on the
    /// ones before it; without it, it stops with a message.
    public func backward(_ seed: Tensor? = nil, retainingGraph: Bool = false) {
        guard let root = node else {
            preconditionFailure("Tensor.backward: this tensor does not depend on any tensor that requires a gradient")
        }
        precondition(!root.isFreed, Self.freedGraphMessage)
        let seed = seed ?? {
            precondition(count == 1, "Tensor.backward: without a seed the tensor must have one element; shape is \(shape)")
            return Tensor(repeating: 1, shape: shape)
        }()
        precondition(seed.shape == shape, "Tensor.backward: seed shape \(seed.shape) differs from tensor shape \(shape)")

        // Every node reachable from the root, deepest first.
        var seen: Set<ObjectIdentifier> = [ObjectIdentifier(root)]
        var nodes: [GradientNode] = [root]
        var next = 0
        while next < nodes.count {
            for case let input? in nodes[next].inputs where seen.insert(ObjectIdentifier(input)).inserted {
                precondition(!input.isFreed, Self.freedGraphMessage)
                nodes.append(input)
            }
            next += 1
        }
        nodes.sort { $0.depth > $1.depth }

        var pending: [ObjectIdentifier: Tensor] = [ObjectIdentifier(root): seed.detached]
        withoutGradient {
            for node in nodes {
                guard let gradient = pending.removeValue(forKey: ObjectIdentifier(node)) else { continue }
                guard let pullback = node.pullback else {
                    if let existing = node.gradient { node.gradient = existing + gradient } else { node.gradient = gradient }
                    continue
                }
                let inputGradients = pullback(gradient)
                assert(inputGradients.count == node.inputs.count)
                for (input, inputGradient) in zip(node.inputs, inputGradients) {
                    guard let input, let inputGradient else { continue }
                    precondition(inputGradient.shape == input.shape,
                                 "Tensor.backward: a pullback returned shape \(inputGradient.shape) for an input of shape \(input.shape)")
                    let key = ObjectIdentifier(input)
                    if let existing = pending[key] { pending[key] = existing + inputGradient } else { pending[key] = inputGradient }
                }
                if !retainingGraph { node.free() }  // its activations go now, not when the loss does
            }
        }
        if !retainingGraph {
            for node in nodes { node.free() }  // operations no gradient reached
        }
    }

    static let freedGraphMessage = "Tensor.backward: this graph was freed by an earlier backward pass; pass "
        + "retainingGraph: true to that pass to run backward through the same operations again"
}
