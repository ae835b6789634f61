import Foundation
import RecurrentData
import RecurrentTensor
import RecurrentTestSupport
import Testing

/// A malformed file and the error it must produce.
struct HostileFile: Sendable, CustomTestStringConvertible {
    let label: String
    let bytes: Data
    let problem: SafeTensorsError.Problem
    var testDescription: String { label }
}

/// Every rejection the reader promises, each built by writing or mutating bytes, each expected to
/// produce its own specific error (and never a crash).
@Suite struct SafeTensorsHostileFileTests {
    /// One F32 tensor "w" of two values; every case below is a small change to this file.
    static let validHeader = #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
    static let valid = safeTensorsFile(header: validHeader, buffer: float32Bytes([1, 2]))

    static func entry(_ fields: String, buffer: [UInt8] = float32Bytes([1, 2])) -> Data {
        safeTensorsFile(header: "{\"w\":{\(fields)}}", buffer: buffer)
    }

    static func replacing(_ offset: Int, with bytes: [UInt8], in data: Data = valid) -> Data {
        var copy = data
        copy.replaceSubrange(offset..<offset + bytes.count, with: bytes)
        return copy
    }

    static func lengthField(_ value: UInt64) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }

    static let cases: [HostileFile] = {
        let shape = #""dtype":"F32","shape":[2]"#
        let offsets = #""data_offsets":[0,8]"#
        let bufferSize = 8
        return [
            HostileFile(label: "empty file", bytes: Data(), problem: .fileTooShort(byteCount: 0)),
            HostileFile(label: "7 bytes", bytes: valid.prefix(7), problem: .fileTooShort(byteCount: 7)),
            HostileFile(label: "header length over 100 MB", bytes: replacing(0, with: lengthField(100_000_001)),
                        problem: .headerTooLarge(declared: 100_000_001)),
            HostileFile(label: "header length 2^64-1", bytes: replacing(0, with: lengthField(.max)), problem: .headerTooLarge(declared: .max)),
            HostileFile(label: "header length past the end", bytes: replacing(0, with: lengthField(UInt64(valid.count - 8 + 1))),
                        problem: .headerBeyondEndOfFile(declared: UInt64(valid.count - 8 + 1), available: valid.count - 8)),
            HostileFile(label: "header truncated with the file", bytes: valid.prefix(40),
                        problem: .headerBeyondEndOfFile(declared: UInt64(valid.count - 8 - bufferSize), available: 32)),
            HostileFile(label: "invalid UTF-8 byte", bytes: replacing(10, with: [0xFF]), problem: .headerNotUTF8(fileOffset: 10)),
            HostileFile(label: "overlong UTF-8", bytes: replacing(10, with: [0xC0, 0xAF]), problem: .headerNotUTF8(fileOffset: 10)),
            HostileFile(label: "UTF-8 surrogate", bytes: replacing(10, with: [0xED, 0xA0, 0x80]), problem: .headerNotUTF8(fileOffset: 10)),
            HostileFile(label: "JSON syntax error", bytes: safeTensorsFile(header: "{\"w\":{\"dtype\":\"F32\",,}}"),
                        problem: .headerNotJSON(line: 1, column: 21, expected: "expected a string key")),
            HostileFile(label: "JSON error on line 2", bytes: safeTensorsFile(header: "{\n  \"w\": nope}"),
                        problem: .headerNotJSON(line: 2, column: 8, expected: "expected a value (object, array, string, number, true, false or null)")),
            HostileFile(label: "unterminated JSON", bytes: safeTensorsFile(header: "{\"w\":{\"dtype\":\"F32\"", pad: false),
                        problem: .headerNotJSON(line: 1, column: 20, expected: "expected ',' or '}' after an object member")),
            HostileFile(label: "trailing comma", bytes: safeTensorsFile(header: "{\"__metadata__\":{},}"),
                        problem: .headerNotJSON(line: 1, column: 20, expected: "expected a string key")),
            HostileFile(label: "lone surrogate escape", bytes: safeTensorsFile(header: #"{"\udc00":1}"#),
                        problem: .headerNotJSON(line: 1, column: 9, expected: "unpaired low surrogate \\uDC00")),
            HostileFile(label: "header is an array", bytes: safeTensorsFile(header: "[1, 2]"), problem: .headerNotObject(found: "an array of 2 elements")),
            HostileFile(label: "header starts with a space", bytes: safeTensorsFile(header: " {}"), problem: .headerNotObject(found: "\" {}     \"")),
            HostileFile(label: "header is not JSON at all", bytes: safeTensorsFile(header: "PK\u{3}\u{4}", pad: false),
                        problem: .headerNotObject(found: #""PK\u{3}\u{4}""#)),
            HostileFile(label: "empty header", bytes: safeTensorsFile(header: ""), problem: .headerNotObject(found: "an empty header")),
            HostileFile(label: "duplicate name",
                        bytes: safeTensorsFile(header: "{\"w\":{\(shape),\(offsets)},\"w\":{\(shape),\(offsets)}}", buffer: float32Bytes([1, 2])),
                        problem: .duplicateName("w")),
            HostileFile(label: "duplicate field", bytes: entry("\(shape),\(offsets),\"shape\":[2]"),
                        problem: .headerNotJSON(line: 1, column: 54, expected: "duplicate key \"shape\"")),
            HostileFile(label: "entry not an object", bytes: safeTensorsFile(header: #"{"w":[1]}"#),
                        problem: .entryNotObject(tensor: "w", found: "an array of 1 element")),
            HostileFile(label: "missing dtype", bytes: entry(#""shape":[2],"# + offsets), problem: .missingField(tensor: "w", field: "dtype")),
            HostileFile(label: "missing shape", bytes: entry(#""dtype":"F32","# + offsets), problem: .missingField(tensor: "w", field: "shape")),
            HostileFile(label: "missing data_offsets", bytes: entry(shape), problem: .missingField(tensor: "w", field: "data_offsets")),
            HostileFile(label: "dtype not a string", bytes: entry(#""dtype":32,"shape":[2],"# + offsets),
                        problem: .wrongFieldType(tensor: "w", field: "dtype", expected: "a string such as \"F32\"", found: "32")),
            HostileFile(label: "shape not an array", bytes: entry(#""dtype":"F32","shape":"2","# + offsets),
                        problem: .wrongFieldType(tensor: "w", field: "shape", expected: "an array of non-negative integers", found: "\"2\"")),
            HostileFile(label: "one data offset", bytes: entry(shape + #","data_offsets":[8]"#),
                        problem: .wrongFieldType(tensor: "w", field: "data_offsets", expected: "an array of two non-negative integers [begin, end]",
                                                 found: "an array of 1 element")),
            HostileFile(label: "data offset a string", bytes: entry(shape + #","data_offsets":[0,"8"]"#),
                        problem: .wrongFieldType(tensor: "w", field: "data_offsets", expected: "an array of two non-negative integers [begin, end]",
                                                 found: "[0, \"8\"]")),
            HostileFile(label: "negative data offset", bytes: entry(shape + #","data_offsets":[-8,0]"#),
                        problem: .wrongFieldType(tensor: "w", field: "data_offsets", expected: "an array of two non-negative integers [begin, end]",
                                                 found: "[-8, 0]")),
            HostileFile(label: "unknown dtype", bytes: entry(#""dtype":"F33","shape":[2],"# + offsets), problem: .unknownDType(tensor: "w", dtype: "F33")),
            HostileFile(label: "unsupported dtype", bytes: entry(#""dtype":"BOOL","shape":[8],"# + offsets),
                        problem: .unsupportedDType(tensor: "w", dtype: "BOOL")),
            HostileFile(label: "negative shape", bytes: entry(#""dtype":"F32","shape":[-2],"# + offsets),
                        problem: .invalidShapeEntry(tensor: "w", index: 0, found: "-2")),
            HostileFile(label: "fractional shape", bytes: entry(#""dtype":"F32","shape":[1,2.0],"# + offsets),
                        problem: .invalidShapeEntry(tensor: "w", index: 1, found: "2.0")),
            HostileFile(label: "exponent shape", bytes: entry(#""dtype":"F32","shape":[2e0],"# + offsets),
                        problem: .invalidShapeEntry(tensor: "w", index: 0, found: "2e0")),
            HostileFile(label: "shape entry beyond Int", bytes: entry(#""dtype":"F32","shape":[18446744073709551616],"# + offsets),
                        problem: .invalidShapeEntry(tensor: "w", index: 0, found: "18446744073709551616")),
            HostileFile(label: "element count overflows", bytes: entry(#""dtype":"F32","shape":[4294967296,4294967296],"# + offsets),
                        problem: .shapeOverflow(tensor: "w", shape: [4_294_967_296, 4_294_967_296])),
            HostileFile(label: "byte count overflows", bytes: entry(#""dtype":"F64","shape":[2305843009213693952],"# + offsets),
                        problem: .shapeOverflow(tensor: "w", shape: [2_305_843_009_213_693_952])),
            HostileFile(label: "offsets reversed", bytes: entry(shape + #","data_offsets":[8,0]"#),
                        problem: .offsetsReversed(tensor: "w", begin: 8, end: 0)),
            HostileFile(label: "offsets past the buffer", bytes: entry(#""dtype":"F32","shape":[4],"data_offsets":[0,16]"#),
                        problem: .offsetsOutOfRange(tensor: "w", begin: 0, end: 16, bufferSize: bufferSize)),
            HostileFile(label: "offsets near 2^64", bytes: entry(shape + #","data_offsets":[18446744073709551608,18446744073709551615]"#),
                        problem: .offsetsOutOfRange(tensor: "w", begin: .max - 7, end: .max, bufferSize: bufferSize)),
            HostileFile(label: "byte count disagrees with shape", bytes: entry(#""dtype":"F32","shape":[3],"# + offsets),
                        problem: .byteCountMismatch(tensor: "w", dtype: "F32", shape: [3], expected: 12, found: 8)),
            HostileFile(label: "overlapping tensors",
                        bytes: safeTensorsFile(header: "{\"a\":{\(shape),\"data_offsets\":[0,8]},\"b\":{\(shape),\"data_offsets\":[4,12]}}",
                                               buffer: float32Bytes([1, 2, 3])),
                        problem: .overlappingTensors(first: "a", second: "b")),
            HostileFile(label: "same bytes twice",
                        bytes: safeTensorsFile(header: "{\"a\":{\(shape),\(offsets)},\"b\":{\(shape),\(offsets)}}", buffer: float32Bytes([1, 2])),
                        problem: .overlappingTensors(first: "a", second: "b")),
            HostileFile(label: "gap between tensors",
                        bytes: safeTensorsFile(header: "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}",
                                               buffer: float32Bytes([1, 2, 3])),
                        problem: .uncoveredBytes(begin: 4, end: 8)),
            HostileFile(label: "bytes after the last tensor", bytes: valid + [0, 0, 0, 0], problem: .uncoveredBytes(begin: 8, end: 12)),
            HostileFile(label: "buffer without tensors", bytes: safeTensorsFile(header: "{}", buffer: [1, 2, 3]),
                        problem: .uncoveredBytes(begin: 0, end: 3)),
            HostileFile(label: "metadata not an object", bytes: safeTensorsFile(header: "{\"__metadata__\":\"pt\"}"),
                        problem: .metadataNotObject(found: "\"pt\"")),
            HostileFile(label: "metadata value not a string", bytes: safeTensorsFile(header: "{\"__metadata__\":{\"epochs\":3}}"),
                        problem: .metadataValueNotString(key: "epochs", found: "3")),
        ]
    }()

    @Test(arguments: cases)
    func rejects(_ file: HostileFile) throws {
        let error = try #require(throws: SafeTensorsError.self) { try SafeTensors(data: file.bytes, fileName: "hostile.safetensors") }
        #expect(error.problem == file.problem)
        #expect(error.description.hasPrefix("hostile.safetensors: "))
    }

    @Test func messagesNameTheTensorAndWhatWasExpected() throws {
        let error = try #require(throws: SafeTensorsError.self) {
            try SafeTensors(data: Self.entry(#""dtype":"F32","shape":[3],"data_offsets":[0,8]"#), fileName: "model.safetensors")
        }
        #expect(error.description == #"model.safetensors: tensor "w": data_offsets hold 8 bytes, but F32 shape [3] needs 12"#)
    }

    @Test func deepNestingIsAnErrorNotACrash() throws {
        let depth = 100_000
        let header = "{\"w\":{\"x\":" + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}}"
        let error = try #require(throws: SafeTensorsError.self) { try SafeTensors(data: safeTensorsFile(header: header)) }
        #expect(error.problem == .headerExceedsLimit(line: 1, column: 73, limit: "nesting deeper than 64 levels"))
    }

    /// Values the reader never needs are checked but not kept, and a kept array is capped, so a
    /// large hostile header cannot be inflated into a far larger allocation.
    @Test func largeHeadersAreBounded() throws {
        let ignored = "[" + Array(repeating: "[0,0,0,0,0,0,0,0]", count: 20_000).joined(separator: ",") + "]"
        let header = #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8],"extra":{"values":"# + ignored + "}}}"
        #expect(try SafeTensors(data: safeTensorsFile(header: header, buffer: float32Bytes([1, 2]))).names == ["w"])

        let longShape = "[" + Array(repeating: "1", count: 1025).joined(separator: ",") + "]"
        let error = try #require(throws: SafeTensorsError.self) {
            try SafeTensors(data: safeTensorsFile(header: #"{"w":{"dtype":"F32","shape":"# + longShape + "}}"))
        }
        #expect(error.problem == .headerExceedsLimit(line: 1, column: 29, limit: "an array longer than 1024 elements"))
    }

    @Test func everyTruncationIsAnError() throws {
        let file = try fixtureData("small.safetensors")
        for length in 0..<file.count {
            #expect(throws: SafeTensorsError.self, "truncated to \(length) bytes") { try SafeTensors(data: file.prefix(length)) }
        }
    }

    /// Random single-byte changes to the reference file either fail with a SafeTensorsError or,
    /// when they only touch tensor values or harmless header bytes, read successfully.
    @Test func randomByteChangesNeverCrash() throws {
        let file = try fixtureData("small.safetensors")
        var generator = SplitMix64(seed: 2024)
        for _ in 0..<3000 {
            var mutated = file
            let offset = Int(generator.next() % UInt64(file.count))
            mutated[offset] = UInt8(truncatingIfNeeded: generator.next())
            do {
                _ = try SafeTensors(data: mutated)
            } catch {
                #expect(error is SafeTensorsError)
            }
        }
    }
}

/// A small deterministic generator, so the random-mutation test is repeatable.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
