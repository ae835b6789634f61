import Foundation
import RecurrentData
import RecurrentTensor
import RecurrentTestSupport
import Testing

/// The bytes of a safetensors file: the header text (padded with spaces to a multiple of 8
/// unless `pad` is false), then `buffer`.
func safeTensorsFile(header: String, buffer: [UInt8] = [], pad: Bool = true) -> Data {
    var headerBytes = Array(header.utf8)
    if pad { headerBytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - headerBytes.count % 8) % 8)) }
    var data = Data()
    withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { data.append(contentsOf: $0) }
    data.append(contentsOf: headerBytes)
    data.append(contentsOf: buffer)
    return data
}

/// Little-endian bytes of F32 values.
func float32Bytes(_ values: [Float]) -> [UInt8] {
    values.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
}

/// A fresh empty directory for one test.
func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("recurrent-data-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@Suite struct SafeTensorsTests {
    static var sample: SafeTensors {
        var file = SafeTensors(metadata: ["architecture": "lstm", "hiddenSize": "3", "note": "quote \" newline \n ünïcödé"])
        file["weight_ih_l0"] = Tensor(shape: [3, 2], scalars: [1, -2, 3.5, 0, -0.25, 1e-30])
        file["bias_ih_l0"] = Tensor([0.5, -0.5, .infinity])
        file["scale"] = Tensor(Float(0.125))
        file["empty"] = Tensor(shape: [0, 4], scalars: [])
        return file
    }

    // MARK: - Round trips

    @Test func roundTripKeepsValuesAndMetadata() throws {
        let read = try SafeTensors(data: try Self.sample.serialized())
        #expect(read.names == ["bias_ih_l0", "empty", "scale", "weight_ih_l0"])  // the writer sorts by name
        #expect(read.metadata == Self.sample.metadata)
        for (name, tensor) in Self.sample.tensors {
            let loaded = try read.tensor(named: name)
            #expect(loaded.elementsEqual(tensor), "\(name): \(loaded) != \(tensor)")
        }
    }

    @Test func serializedBytesFollowTheFormat() throws {
        let bytes = try Self.sample.serialized()
        let headerLength = bytes.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(headerLength % 8 == 0)
        let header = bytes.subdata(in: 8..<8 + headerLength)
        #expect(header.first == UInt8(ascii: "{"))
        let text = try #require(String(data: header, encoding: .utf8))
        // Padding is spaces after the closing brace, fewer than 8 of them.
        let padding = text.reversed().prefix { $0 != "}" }
        #expect(padding.allSatisfy { $0 == " " } && padding.count < 8)

        let json = try #require(try JSONSerialization.jsonObject(with: header) as? [String: Any])
        #expect(json["__metadata__"] as? [String: String] == Self.sample.metadata)
        // Tensors lie back to back in name order and cover the whole buffer.
        var expectedBegin = 0
        for name in ["bias_ih_l0", "empty", "scale", "weight_ih_l0"] {
            let entry = try #require(json[name] as? [String: Any])
            #expect(entry["dtype"] as? String == "F32")
            let offsets = try #require(entry["data_offsets"] as? [Int])
            let shape = try #require(entry["shape"] as? [Int])
            #expect(offsets == [expectedBegin, expectedBegin + 4 * Shape.count(shape)])
            expectedBegin = offsets[1]
        }
        #expect(bytes.count == 8 + headerLength + expectedBegin)
    }

    @Test func serializationIsDeterministic() throws {
        var reordered = SafeTensors(metadata: Self.sample.metadata)
        for (name, tensor) in Self.sample.tensors.reversed() { reordered[name] = tensor }
        #expect(try reordered.serialized() == Self.sample.serialized())
    }

    @Test func writesAndReadsAFile() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("model.safetensors").path
        try Self.sample.write(toFile: path)
        let read = try SafeTensors(contentsOfFile: path)
        #expect(read.fileName == path)
        #expect(read.metadata == Self.sample.metadata)
        #expect(try read.tensor(named: "weight_ih_l0").elementsEqual(Self.sample["weight_ih_l0"]!))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["model.safetensors"])
    }

    @Test func emptyCollectionRoundTrips() throws {
        let bytes = try SafeTensors().serialized()
        #expect(bytes == safeTensorsFile(header: "{}"))
        let read = try SafeTensors(data: bytes)
        #expect(read.isEmpty && read.metadata.isEmpty)
    }

    // MARK: - The reference library's file

    // scripts/make_safetensors_fixture.py:
    //     "linear.weight": (torch.arange(6, dtype=torch.float32).reshape(2, 3) - 2.5) / 4,
    //     "linear.bias": torch.tensor([0.1, -1e-3], dtype=torch.float32),
    //     "embedding.weight": torch.tensor([[0.1, -2.5], [65504.0, 6e-8], [float("inf"), -0.0]], dtype=torch.float16),
    //     "gate.weight": torch.tensor([0.1, 3.0, -1e30, 1e-39], dtype=torch.bfloat16),
    //     "scale": torch.tensor(1.0 / 3.0, dtype=torch.float64),
    //     "counts": torch.tensor([1, -2, 2**40], dtype=torch.int64),
    //     "empty": torch.zeros(0, 4),
    //     metadata = {"format": "pt", "architecture": "lstm", "note": 'quote " backslash \\ tab \t ünïcödé'}
    //     save_file(tensors, str(OUTPUT), metadata=metadata)
    // Expected values are the script's printout of each tensor converted to float32.
    @Test func readsTheReferenceLibrarysFile() throws {
        let file = try SafeTensors(data: try fixtureData("small.safetensors"), fileName: "small.safetensors")
        // The reference writes the widest dtypes first, then by name; we keep the header's order.
        #expect(file.names == ["counts", "scale", "empty", "linear.bias", "linear.weight", "gate.weight", "embedding.weight"])
        #expect(file.metadata == ["format": "pt", "architecture": "lstm", "note": "quote \" backslash \\ tab \t ünïcödé"])
        let expected: [String: ([Int], [Float])] = [
            "linear.weight": ([2, 3], [-0.625, -0.375, -0.125, 0.125, 0.375, 0.625]),
            "linear.bias": ([2], [0.1, -1e-3]),
            "embedding.weight": ([3, 2], [0x1.998p-4, -2.5, 65504, 0x1p-24, .infinity, -0.0]),
            "gate.weight": ([4], [0x1.9ap-4, 3, -0x1.94p99, 0x1.6p-130]),
            "scale": ([], [0x1.555556p-2]),
            "counts": ([3], [1, -2, 0x1p40]),
            "empty": ([0, 4], []),
        ]
        for (name, (shape, values)) in expected {
            let tensor = try file.tensor(named: name)
            #expect(tensor.shape == shape, "\(name)")
            // Bit-exact, so -0.0 and the subnormal are checked too.
            #expect(tensor.scalars.map(\.bitPattern) == values.map(\.bitPattern), "\(name): \(tensor.scalars)")
        }
    }

    // MARK: - Conversions

    #if !(os(macOS) && arch(x86_64))  // Float16 is unavailable on Intel Macs
    @Test func float16ConversionIsExactForEveryBitPattern() throws {
        let patterns = (0...UInt16.max).map { $0 }
        let buffer = patterns.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let header = #"{"h":{"dtype":"F16","shape":[65536],"data_offsets":[0,131072]}}"#
        let values = try SafeTensors(data: safeTensorsFile(header: header, buffer: buffer)).tensor(named: "h").scalars
        for (bits, value) in zip(patterns, values) {
            let expected = Float(Float16(bitPattern: bits))
            if expected.isNaN {
                #expect(value.isNaN, "F16 \(bits)")
            } else if value.bitPattern != expected.bitPattern {
                Issue.record("F16 0x\(String(bits, radix: 16)): got \(value), expected \(expected)")
            }
        }
    }
    #endif

    @Test func convertsOtherDTypes() throws {
        var buffer: [UInt8] = []
        withUnsafeBytes(of: (-1.5 as Double).bitPattern.littleEndian) { buffer += $0 }
        withUnsafeBytes(of: Int32(-7).littleEndian) { buffer += $0 }
        buffer += [0x80, 0x3F, 0x00, 0xC0]  // BF16 1.0, -2.0
        let header = #"{"d":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},"i":{"dtype":"I32","shape":[1],"data_offsets":[8,12]},"# +
            #""b":{"dtype":"BF16","shape":[2],"data_offsets":[12,16]}}"#
        let file = try SafeTensors(data: safeTensorsFile(header: header, buffer: buffer))
        #expect(try file.tensor(named: "d").scalars == [-1.5])
        #expect(try file.tensor(named: "i").scalars == [-7])
        #expect(try file.tensor(named: "b").scalars == [1, -2])
    }

    @Test func acceptsWhatTheFormatAllows() throws {
        // Unpadded header, whitespace inside the JSON, extra fields, null metadata, escaped names.
        let header = "{ \"__metadata__\" : null,\n \"w\\u00e9\" : {\"shape\": [2], \"dtype\": \"F32\", \"data_offsets\": [0, 8], \"extra\": [1, {}]} }"
        let file = try SafeTensors(data: safeTensorsFile(header: header, buffer: float32Bytes([1, 2]), pad: false))
        #expect(file.names == ["wé"])
        #expect(try file.tensor(named: "wé").scalars == [1, 2])
    }

    // MARK: - Errors that are not about the bytes

    @Test func missingTensorListsTheAvailableOnes() throws {
        let file = try SafeTensors(data: try Self.sample.serialized(), fileName: "model.safetensors")
        let error = try #require(throws: SafeTensorsError.self) { try file.tensor(named: "weight_hh_l0") }
        #expect(error.problem == .missingTensor(name: "weight_hh_l0", available: ["bias_ih_l0", "empty", "scale", "weight_ih_l0"]))
        #expect(error.description == #"model.safetensors: no tensor named "weight_hh_l0"; the file has "bias_ih_l0", "empty", "scale", "weight_ih_l0""#)
    }

    @Test func writerRejectsTheReservedName() throws {
        var file = SafeTensors()
        file["__metadata__"] = Tensor([1])
        #expect(throws: SafeTensorsError(file: "<memory>", problem: .reservedName("__metadata__"))) { try file.serialized() }
    }

    @Test func unreadablePathsAreErrors() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = directory.appendingPathComponent("missing.safetensors").path
        #expect(throws: SafeTensorsError(file: missing, problem: .unreadable(reason: "No such file or directory"))) {
            try SafeTensors(contentsOfFile: missing)
        }
        #expect(throws: SafeTensorsError(file: directory.path, problem: .unreadable(reason: "it is a directory"))) {
            try SafeTensors(contentsOfFile: directory.path)
        }
    }
}
