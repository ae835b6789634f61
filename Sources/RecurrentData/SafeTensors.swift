import RecurrentTensor

/// Named tensors and string metadata, as stored in a `.safetensors` file: the model file format
/// of this package (see DESIGN.md, "Model files").
///
/// The file format (huggingface/safetensors): an 8-byte little-endian `UInt64` header length `N`;
/// `N` bytes of UTF-8 JSON mapping each tensor name to its `dtype`, `shape` and `data_offsets`
/// `[begin, end)` in the byte buffer, plus an optional `"__metadata__"` object of strings; then the
/// byte buffer, tensors stored row-major and little-endian, one after another.
///
/// Reading accepts the dtypes F32, F64, F16, BF16, I64 and I32, converting them to `Float`; reading
/// validates the whole header before allocating anything (see ``init(contentsOfFile:)``). Writing
/// stores every tensor as F32.
///
/// ```swift
/// var file = SafeTensors(metadata: ["architecture": "lstm", "hiddenSize": "128"])
/// file["weight_ih_l0"] = Tensor(shape: [512, 64], scalars: weights)
/// try file.write(toFile: "model.safetensors")
///
/// let loaded = try SafeTensors(contentsOfFile: "model.safetensors")
/// let weight = try loaded.tensor(named: "weight_ih_l0")   // shape [512, 64]
/// ```
public struct SafeTensors {
    /// The tensor names, in the order of the file's header when read, otherwise of insertion.
    public private(set) var names: [String]
    private var tensorsByName: [String: Tensor]
    /// Free-form strings stored in the header's `"__metadata__"` object.
    public var metadata: [String: String]
    /// The file this was read from, used in error messages; nil when built in memory.
    public var fileName: String?

    /// An empty collection with the given metadata.
    public init(metadata: [String: String] = [:]) {
        names = []
        tensorsByName = [:]
        self.metadata = metadata
        fileName = nil
    }

    /// The tensor called `name`, or nil. Setting a new name appends it to ``names``; setting nil
    /// removes the tensor.
    public subscript(name: String) -> Tensor? {
        get { tensorsByName[name] }
        set {
            if let newValue {
                if tensorsByName.updateValue(newValue, forKey: name) == nil { names.append(name) }
            } else if tensorsByName.removeValue(forKey: name) != nil {
                names.removeAll { $0 == name }
            }
        }
    }

    /// The tensor called `name`.
    ///
    /// - Throws: ``SafeTensorsError`` with ``SafeTensorsError/Problem/missingTensor(name:available:)``,
    ///   listing the names the file does have.
    public func tensor(named name: String) throws -> Tensor {
        guard let tensor = tensorsByName[name] else {
            throw SafeTensorsError(file: fileName ?? "<memory>", problem: .missingTensor(name: name, available: names))
        }
        return tensor
    }

    /// The number of tensors.
    public var count: Int { names.count }
    /// True when there are no tensors.
    public var isEmpty: Bool { names.isEmpty }

    /// The tensors with their names, in ``names`` order.
    public var tensors: [(name: String, tensor: Tensor)] {
        names.compactMap { name in tensorsByName[name].map { (name, $0) } }
    }
}

/// The element types of the safetensors format. Reading converts the supported ones
/// (``isSupported``) to `Float`; writing always uses ``f32``.
public enum SafeTensorsDType: String, CaseIterable, Sendable {
    case f64 = "F64", f32 = "F32", f16 = "F16", bf16 = "BF16"
    case i64 = "I64", i32 = "I32"
    case bool = "BOOL", u8 = "U8", i8 = "I8", i16 = "I16", u16 = "U16", u32 = "U32", u64 = "U64"
    case f8e4m3 = "F8_E4M3", f8e5m2 = "F8_E5M2", f8e8m0 = "F8_E8M0"
    case f6e2m3 = "F6_E2M3", f6e3m2 = "F6_E3M2", f4 = "F4", c64 = "C64"

    /// True for the types reading can convert to `Float`.
    public var isSupported: Bool {
        switch self {
        case .f64, .f32, .f16, .bf16, .i64, .i32: true
        default: false
        }
    }

    /// Bytes per element of the supported types.
    var byteSize: Int {
        switch self {
        case .f64, .i64, .u64, .c64: 8
        case .f32, .i32, .u32: 4
        case .f16, .bf16, .i16, .u16: 2
        default: 1
        }
    }

    static let supportedNames: [String] = allCases.filter(\.isSupported).map(\.rawValue)
}
