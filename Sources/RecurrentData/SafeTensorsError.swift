/// Why a safetensors file could not be read (or a collection not written), naming the file and,
/// for a tensor entry, the tensor:
///
///     model.safetensors: tensor "weight_ih_l0": data_offsets [0, 12] hold 12 bytes, but F32 shape [2, 2] needs 16
///
/// `problem` says exactly what was wrong, for code that reacts to it (and for tests).
public struct SafeTensorsError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file as named by the caller.
    public var file: String
    /// What was wrong.
    public var problem: Problem

    public init(file: String, problem: Problem) {
        self.file = file
        self.problem = problem
    }

    /// Each way a file can be malformed. Offsets in the byte buffer are relative to its start
    /// (file byte `8 + N`), as in the header.
    public enum Problem: Equatable, Sendable {
        /// The file could not be opened or read; `reason` is the system's.
        case unreadable(reason: String)
        /// Fewer than the 8 bytes of the header length.
        case fileTooShort(byteCount: Int)
        /// The declared header length exceeds the 100 MB limit of the reference implementation.
        case headerTooLarge(declared: UInt64)
        /// The declared header length runs past the end of the file.
        case headerBeyondEndOfFile(declared: UInt64, available: Int)
        /// The header is not UTF-8; `fileOffset` is the first bad byte, counted from the file's start.
        case headerNotUTF8(fileOffset: Int)
        /// The header is not JSON; `line` and `column` are within the header text.
        case headerNotJSON(line: Int, column: Int, expected: String)
        /// The header is valid JSON but beyond what this reader accepts (deep nesting, an array
        /// of more than 1024 elements where a shape may be), to bound stack and memory use.
        case headerExceedsLimit(line: Int, column: Int, limit: String)
        /// The header is JSON but not an object starting at its first byte.
        case headerNotObject(found: String)
        /// Two header entries share a name.
        case duplicateName(String)
        /// A tensor's entry is not a JSON object.
        case entryNotObject(tensor: String, found: String)
        /// A tensor's entry lacks `dtype`, `shape` or `data_offsets`.
        case missingField(tensor: String, field: String)
        /// A tensor's field has the wrong JSON type.
        case wrongFieldType(tensor: String, field: String, expected: String, found: String)
        /// The `dtype` is not one the format defines.
        case unknownDType(tensor: String, dtype: String)
        /// The `dtype` is defined by the format but cannot be converted to `Float` here.
        case unsupportedDType(tensor: String, dtype: String)
        /// A shape entry is negative, fractional or too large; `index` is its position in `shape`.
        case invalidShapeEntry(tensor: String, index: Int, found: String)
        /// The shape's element count (or its byte count) does not fit in an `Int`.
        case shapeOverflow(tensor: String, shape: [Int])
        /// `begin` is after `end`.
        case offsetsReversed(tensor: String, begin: UInt64, end: UInt64)
        /// `end` lies beyond the byte buffer.
        case offsetsOutOfRange(tensor: String, begin: UInt64, end: UInt64, bufferSize: Int)
        /// `end - begin` differs from the element count times the dtype size.
        case byteCountMismatch(tensor: String, dtype: String, shape: [Int], expected: Int, found: Int)
        /// Two tensors claim the same bytes.
        case overlappingTensors(first: String, second: String)
        /// Bytes `begin..<end` of the buffer belong to no tensor (the format requires every byte to
        /// be covered, so a file cannot hide data).
        case uncoveredBytes(begin: Int, end: Int)
        /// `"__metadata__"` is neither an object nor null.
        case metadataNotObject(found: String)
        /// A metadata value is not a string.
        case metadataValueNotString(key: String, found: String)
        /// Asked for a tensor the collection does not have.
        case missingTensor(name: String, available: [String])
        /// Writing: a tensor may not be called `"__metadata__"`.
        case reservedName(String)
    }

    public var description: String {
        "\(file): \(problem.message)"
    }
}

extension SafeTensorsError.Problem {
    var message: String {
        switch self {
        case .unreadable(let reason):
            "cannot read: \(reason)"
        case .fileTooShort(let byteCount):
            "expected at least 8 bytes (the header length), found \(byteCount); this is not a safetensors file"
        case .headerTooLarge(let declared):
            "the header length \(declared) exceeds the limit of 100000000 bytes; this is not a safetensors file or it is corrupt"
        case .headerBeyondEndOfFile(let declared, let available):
            "the header length \(declared) runs past the end of the file (\(available) bytes follow the length); the file is truncated or corrupt"
        case .headerNotUTF8(let fileOffset):
            "the header is not valid UTF-8 (first bad byte at file offset \(fileOffset))"
        case .headerNotJSON(let line, let column, let expected):
            "the header is not valid JSON: at header line \(line), column \(column): \(expected)"
        case .headerExceedsLimit(let line, let column, let limit):
            "the header is too complex: at header line \(line), column \(column): \(limit)"
        case .headerNotObject(let found):
            "expected the header to be a JSON object starting with '{', found \(found)"
        case .duplicateName(let name):
            "the header names \(quotedForMessage(name)) twice"
        case .entryNotObject(let tensor, let found):
            "tensor \(quotedForMessage(tensor)): expected an object with dtype, shape and data_offsets, found \(found)"
        case .missingField(let tensor, let field):
            "tensor \(quotedForMessage(tensor)): missing \"\(field)\""
        case .wrongFieldType(let tensor, let field, let expected, let found):
            "tensor \(quotedForMessage(tensor)): expected \"\(field)\" to be \(expected), found \(found)"
        case .unknownDType(let tensor, let dtype):
            "tensor \(quotedForMessage(tensor)): unknown dtype \(quotedForMessage(dtype)); the format defines \(SafeTensorsDType.allCases.map(\.rawValue).joined(separator: ", "))"
        case .unsupportedDType(let tensor, let dtype):
            "tensor \(quotedForMessage(tensor)): dtype \(dtype) cannot be read as Float; supported: \(SafeTensorsDType.supportedNames.joined(separator: ", "))"
        case .invalidShapeEntry(let tensor, let index, let found):
            "tensor \(quotedForMessage(tensor)): expected shape entry \(index) to be a non-negative integer, found \(found)"
        case .shapeOverflow(let tensor, let shape):
            "tensor \(quotedForMessage(tensor)): shape \(shape) has too many elements to address"
        case .offsetsReversed(let tensor, let begin, let end):
            "tensor \(quotedForMessage(tensor)): data_offsets [\(begin), \(end)] begin after they end"
        case .offsetsOutOfRange(let tensor, let begin, let end, let bufferSize):
            "tensor \(quotedForMessage(tensor)): data_offsets [\(begin), \(end)] run past the end of the \(bufferSize)-byte data buffer"
        case .byteCountMismatch(let tensor, let dtype, let shape, let expected, let found):
            "tensor \(quotedForMessage(tensor)): data_offsets hold \(found) bytes, but \(dtype) shape \(shape) needs \(expected)"
        case .overlappingTensors(let first, let second):
            "tensors \(quotedForMessage(first)) and \(quotedForMessage(second)) overlap in the data buffer"
        case .uncoveredBytes(let begin, let end):
            "bytes \(begin)..<\(end) of the data buffer belong to no tensor"
        case .metadataNotObject(let found):
            "expected \"__metadata__\" to be an object of strings, found \(found)"
        case .metadataValueNotString(let key, let found):
            "expected metadata \(quotedForMessage(key)) to be a string, found \(found)"
        case .missingTensor(let name, let available):
            "no tensor named \(quotedForMessage(name)); the file has \(available.isEmpty ? "none" : available.map(quotedForMessage).joined(separator: ", "))"
        case .reservedName(let name):
            "a tensor cannot be named \(quotedForMessage(name)): the format reserves that key for metadata"
        }
    }
}

/// A name in double quotes with control characters and quotes escaped, so a hostile name
/// cannot break a message across lines; names longer than 200 characters are shortened.
func quotedForMessage(_ text: String) -> String {
    var result = "\""
    let limit = 200
    for (position, scalar) in text.unicodeScalars.enumerated() {
        if position == limit {
            result += "…"
            break
        }
        switch scalar {
        case "\"": result += "\\\""
        case "\\": result += "\\\\"
        case "\n": result += "\\n"
        case "\r": result += "\\r"
        case "\t": result += "\\t"
        case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value):  // C0 and C1 controls, DEL
            result += "\\u{\(String(scalar.value, radix: 16))}"
        default: result.unicodeScalars.append(scalar)
        }
    }
    return result + "\""
}
