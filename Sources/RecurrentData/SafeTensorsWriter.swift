import Foundation
import RecurrentTensor

extension SafeTensors {
    /// The bytes of a `.safetensors` file holding every tensor as F32, laid out as the reference
    /// implementation (`safetensors.torch.save_file`) lays them out, so equal inputs give equal
    /// bytes:
    ///
    /// - tensors ordered by name, comparing UTF-8 bytes (the reference sorts by dtype alignment,
    ///   then name; with one dtype that is name order), stored back to back from offset 0;
    /// - the header is compact JSON, `"__metadata__"` first (omitted when empty, its keys sorted),
    ///   padded with spaces to a multiple of 8 bytes so the data buffer starts 8-byte aligned.
    ///
    /// - Throws: ``SafeTensorsError`` with ``SafeTensorsError/Problem/reservedName(_:)`` when a
    ///   tensor is called `"__metadata__"`.
    public func serialized() throws -> Data {
        let fileName = fileName ?? "<memory>"
        if let reserved = names.first(where: { $0 == "__metadata__" }) {
            throw SafeTensorsError(file: fileName, problem: .reservedName(reserved))
        }
        let ordered = tensors.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }

        var header = "{"
        if !metadata.isEmpty {
            let members = metadata.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
                .map { "\(jsonString($0.key)):\(jsonString($0.value))" }
            header += "\"__metadata__\":{\(members.joined(separator: ","))}"
        }
        var offset = 0
        for (index, (name, tensor)) in ordered.enumerated() {
            let byteCount = tensor.count * MemoryLayout<Float>.size
            if index > 0 || !metadata.isEmpty { header += "," }
            header += "\(jsonString(name)):{\"dtype\":\"F32\",\"shape\":[\(tensor.shape.map(String.init).joined(separator: ","))],"
            header += "\"data_offsets\":[\(offset),\(offset + byteCount)]}"
            offset += byteCount
        }
        header += "}"
        var headerBytes = Array(header.utf8)
        headerBytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - headerBytes.count % 8) % 8))

        var data = Data(capacity: 8 + headerBytes.count + offset)
        withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: headerBytes)
        for (_, tensor) in ordered {
            tensor.withUnsafeBufferPointer { values in
                #if _endian(big)
                for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
                #else
                data.append(values)
                #endif
            }
        }
        return data
    }

    /// Writes ``serialized()`` to `path` atomically (see ``writeAtomically(_:to:)``): a crash or a
    /// failed write leaves any previous file at `path` intact.
    ///
    /// - Throws: ``SafeTensorsError`` for a reserved tensor name, ``AtomicWriteError`` when the
    ///   file cannot be written.
    public func write(toFile path: String) throws {
        var named = self
        named.fileName = path
        try writeAtomically(named.serialized(), to: path)
    }
}

/// A JSON string literal as serde_json writes it: `"` and `\` escaped, the common control
/// characters as `\n`-style escapes and the rest as `\u00XX`, everything else verbatim UTF-8.
private func jsonString(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": result += "\\\""
        case "\\": result += "\\\\"
        case "\n": result += "\\n"
        case "\r": result += "\\r"
        case "\t": result += "\\t"
        case "\u{08}": result += "\\b"
        case "\u{0C}": result += "\\f"
        case _ where scalar.value < 0x20:
            let digits = String(scalar.value, radix: 16)
            result += "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
        default:
            result.unicodeScalars.append(scalar)
        }
    }
    return result + "\""
}
