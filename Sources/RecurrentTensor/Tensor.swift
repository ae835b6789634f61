/// An n-dimensional array of Float32 values with reverse-mode automatic differentiation.
///
/// A tensor has a `shape` (outermost dimension first) and stores its elements contiguously in
/// row-major order. It is a value type: copies share storage until one is mutated
/// (copy-on-write). A tensor that requires a gradient records the operations applied to it,
/// so that ``backward(_:)`` on a scalar result can compute gradients:
///
/// ```swift
/// let w = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]).requiringGradient()
/// let x = Tensor(shape: [1, 2], scalars: [0.5, -1])
/// let loss = x.matmul(w).tanh().sum()
/// loss.backward()
/// print(w.gradient!)   // d loss / d w, shape [2, 2]
/// ```
///
/// Shape mismatches are programmer errors: they trap with a message naming both shapes.
public struct Tensor {
    /// The size of each dimension, outermost first; `[]` for a scalar.
    public private(set) var shape: [Int]
    @usableFromInline var storage: TensorStorage
    /// The node recording how this tensor was computed; nil when it needs no gradient.
    @usableFromInline var node: GradientNode?

    @usableFromInline
    init(shape: [Int], storage: TensorStorage, node: GradientNode? = nil) {
        assert(Shape.count(shape) == storage.count, "Tensor: shape \(shape) does not match \(storage.count) stored elements")
        self.shape = shape
        self.storage = storage
        self.node = node
    }

    /// A tensor of the given shape and row-major values.
    public init(shape: [Int], scalars: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor(shape:scalars:): negative dimension in \(shape)")
        precondition(Shape.count(shape) == scalars.count,
                     "Tensor(shape:scalars:): shape \(shape) needs \(Shape.count(shape)) values, got \(scalars.count)")
        let storage = TensorStorage(uninitializedCount: scalars.count)
        scalars.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { storage.pointer.initialize(from: base, count: scalars.count) }
        }
        self.init(shape: shape, storage: storage)
    }

    /// A rank-1 tensor of the given values.
    public init(_ scalars: [Float]) {
        self.init(shape: [scalars.count], scalars: scalars)
    }

    /// A rank-0 (scalar) tensor.
    public init(_ scalar: Float) {
        self.init(shape: [], storage: TensorStorage(repeating: scalar, count: 1))
    }

    /// A tensor of the given shape whose elements are all `value`.
    public init(repeating value: Float, shape: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor(repeating:shape:): negative dimension in \(shape)")
        self.init(shape: shape, storage: TensorStorage(repeating: value, count: Shape.count(shape)))
    }

    /// A tensor of the given shape filled by `body`, which receives an uninitialized buffer of
    /// `Shape.count(shape)` elements and must initialize every one of them.
    @inlinable
    public init(shape: [Int], unsafeUninitialized body: (UnsafeMutableBufferPointer<Float>) throws -> Void) rethrows {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor(shape:unsafeUninitialized:): negative dimension in \(shape)")
        let storage = TensorStorage(uninitializedCount: Shape.count(shape))
        try body(UnsafeMutableBufferPointer(start: storage.pointer, count: storage.count))
        self.init(shape: shape, storage: storage)
    }

    // MARK: - Properties

    /// The number of dimensions.
    @inlinable public var rank: Int { shape.count }
    /// The number of elements.
    @inlinable public var count: Int { storage.count }
    /// The elements in row-major order.
    public var scalars: [Float] {
        withUnsafeBufferPointer { Array($0) }
    }
    /// The single element of a one-element tensor.
    public var scalar: Float {
        precondition(count == 1, "Tensor.scalar: tensor of shape \(shape) has \(count) elements, not 1")
        return storage.pointer[0]
    }

    // MARK: - Raw access

    /// Calls `body` with the elements in row-major order.
    @inlinable
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage.pointer, count: storage.count))
    }

    /// Calls `body` with the elements in row-major order, for writing. Copies the storage first
    /// when another tensor shares it. The tensor keeps its place in the gradient graph: writing
    /// into a tensor that has been used in recorded operations does not change what those
    /// operations saved (they hold their own copy).
    @inlinable
    public mutating func withUnsafeMutableBufferPointer<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        return try body(UnsafeMutableBufferPointer(start: storage.pointer, count: storage.count))
    }

    /// The element at a full multi-dimensional index (not differentiable).
    public func element(at index: [Int]) -> Float {
        storage.pointer[flatIndex(index)]
    }

    /// Sets the element at a full multi-dimensional index.
    public mutating func setElement(_ value: Float, at index: [Int]) {
        let flat = flatIndex(index)
        withUnsafeMutableBufferPointer { $0[flat] = value }
    }

    func flatIndex(_ index: [Int]) -> Int {
        precondition(index.count == rank, "Tensor: index \(index) has \(index.count) components for a tensor of shape \(shape)")
        var flat = 0
        for (axis, component) in index.enumerated() {
            precondition(component >= 0 && component < shape[axis], "Tensor: index \(index) is out of bounds for shape \(shape)")
            flat = flat * shape[axis] + component
        }
        return flat
    }

    /// True when both tensors have the same shape and exactly equal elements.
    public func elementsEqual(_ other: Tensor) -> Bool {
        shape == other.shape && withUnsafeBufferPointer { lhs in other.withUnsafeBufferPointer { rhs in lhs.elementsEqual(rhs) } }
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let values = scalars
        let shown = values.prefix(16).map { "\($0)" }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(shown)\(values.count > 16 ? ", …" : "")])"
    }
}

extension Tensor {
    /// The address of the first element, for kernels in other modules. Valid while this
    /// tensor's storage is alive and not replaced: keep the tensor alive (for example with
    /// `withExtendedLifetime`) and do not mutate it while the pointer is in use.
    @inlinable public var unsafeBaseAddress: UnsafePointer<Float> { UnsafePointer(storage.pointer) }

    /// Makes this tensor's storage unique (copying if shared) and returns its mutable address,
    /// under the same rules as ``unsafeBaseAddress``.
    @inlinable
    public mutating func unsafeMutableBaseAddress() -> UnsafeMutablePointer<Float> {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        return storage.pointer
    }

    /// A tensor of the given shape whose elements are uninitialized, to be filled through
    /// ``unsafeMutableBaseAddress()`` by a kernel that writes every element.
    public static func uninitialized(_ shape: [Int]) -> Tensor {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor.uninitialized: negative dimension in \(shape)")
        return Tensor(shape: shape, storage: TensorStorage(uninitializedCount: Shape.count(shape)))
    }
}

// A tensor is a copy-on-write value like Array: sharing one between threads for reading is
// safe. Its gradient graph is not synchronized: run backward() for one graph on one thread.
extension Tensor: @unchecked Sendable {}
