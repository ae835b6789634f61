extension SafeTensorsReader {
    /// Parses and validates a header against a byte buffer of `bufferSize` bytes, checking
    /// everything the format requires before any tensor is allocated.
    static func parseHeader(_ header: UnsafeRawBufferPointer, bufferSize: Int, fileName: String) throws -> Layout {
        func failure(_ problem: SafeTensorsError.Problem) -> SafeTensorsError {
            SafeTensorsError(file: fileName, problem: problem)
        }
        if let bad = UTF8Validation.firstInvalidOffset(in: header) { throw failure(.headerNotUTF8(fileOffset: 8 + bad)) }

        let root: SafeTensorsHeaderJSON
        do {
            root = try SafeTensorsHeaderJSONParser.parse(header)
        } catch {
            // A header that does not even start like an object is "not an object", whatever follows.
            if header.first != UInt8(ascii: "{") { throw failure(.headerNotObject(found: describeStart(of: header))) }
            switch error.kind {
            case .duplicateKey(let key, depth: 1):
                throw failure(.duplicateName(key))
            case .duplicateKey(let key, _):
                let (line, column) = UTF8Validation.lineAndColumn(of: error.offset, in: header)
                throw failure(.headerNotJSON(line: line, column: column, expected: "duplicate key \(quotedForMessage(key))"))
            case .syntax(let expected):
                let (line, column) = UTF8Validation.lineAndColumn(of: error.offset, in: header)
                throw failure(.headerNotJSON(line: line, column: column, expected: expected))
            case .limit(let limit):
                let (line, column) = UTF8Validation.lineAndColumn(of: error.offset, in: header)
                throw failure(.headerExceedsLimit(line: line, column: column, limit: limit))
            }
        }
        // The format requires the header's first byte to be '{' (no leading whitespace).
        guard case .object(let members) = root else { throw failure(.headerNotObject(found: root.summary)) }
        guard header.first == UInt8(ascii: "{") else { throw failure(.headerNotObject(found: describeStart(of: header))) }

        var layout = Layout()
        for (name, value) in members {
            if name == "__metadata__" {
                layout.metadata = try parseMetadata(value, failure: failure)
            } else {
                layout.entries.append(try parseEntry(name: name, value, bufferSize: bufferSize, failure: failure))
            }
        }
        try checkCoverage(of: layout.entries, bufferSize: bufferSize, failure: failure)
        return layout
    }

    private static func describeStart(of header: UnsafeRawBufferPointer) -> String {
        if header.isEmpty { return "an empty header" }
        let text = String(decoding: header, as: UTF8.self)
        return quotedForMessage(String(text.prefix(20)))
    }

    private static func parseMetadata(
        _ value: SafeTensorsHeaderJSON, failure: (SafeTensorsError.Problem) -> SafeTensorsError
    ) throws -> [String: String] {
        switch value {
        case .null:
            return [:]
        case .object(let members):
            var metadata: [String: String] = [:]
            for (key, value) in members {
                guard case .string(let text) = value else { throw failure(.metadataValueNotString(key: key, found: value.summary)) }
                metadata[key] = text
            }
            return metadata
        default:
            throw failure(.metadataNotObject(found: value.summary))
        }
    }

    private static func parseEntry(
        name: String, _ value: SafeTensorsHeaderJSON, bufferSize: Int, failure: (SafeTensorsError.Problem) -> SafeTensorsError
    ) throws -> Layout.Entry {
        guard case .object(let fields) = value else { throw failure(.entryNotObject(tensor: name, found: value.summary)) }
        func field(_ key: String) throws -> SafeTensorsHeaderJSON {
            guard let value = fields.first(where: { $0.key == key })?.value else { throw failure(.missingField(tensor: name, field: key)) }
            return value
        }

        let dtypeValue = try field("dtype")
        guard case .string(let dtypeName) = dtypeValue else {
            throw failure(.wrongFieldType(tensor: name, field: "dtype", expected: "a string such as \"F32\"", found: dtypeValue.summary))
        }
        guard let dtype = SafeTensorsDType(rawValue: dtypeName) else { throw failure(.unknownDType(tensor: name, dtype: dtypeName)) }
        guard dtype.isSupported else { throw failure(.unsupportedDType(tensor: name, dtype: dtypeName)) }

        let shapeValue = try field("shape")
        guard case .array(let dimensions) = shapeValue else {
            throw failure(.wrongFieldType(tensor: name, field: "shape", expected: "an array of non-negative integers", found: shapeValue.summary))
        }
        var shape: [Int] = []
        shape.reserveCapacity(dimensions.count)
        for (index, dimension) in dimensions.enumerated() {
            guard let size = dimension.nonNegativeInteger.flatMap({ Int(exactly: $0) }) else {
                throw failure(.invalidShapeEntry(tensor: name, index: index, found: dimension.summary))
            }
            shape.append(size)
        }
        var elementCount = 1
        for size in shape {
            let (product, overflow) = elementCount.multipliedReportingOverflow(by: size)
            guard !overflow else { throw failure(.shapeOverflow(tensor: name, shape: shape)) }
            elementCount = product
        }
        let (byteCount, overflow) = elementCount.multipliedReportingOverflow(by: dtype.byteSize)
        guard !overflow else { throw failure(.shapeOverflow(tensor: name, shape: shape)) }

        let offsetsValue = try field("data_offsets")
        let expectedOffsets = "an array of two non-negative integers [begin, end]"
        guard case .array(let offsets) = offsetsValue, offsets.count == 2 else {
            throw failure(.wrongFieldType(tensor: name, field: "data_offsets", expected: expectedOffsets, found: offsetsValue.summary))
        }
        guard let begin = offsets[0].nonNegativeInteger, let end = offsets[1].nonNegativeInteger else {
            throw failure(.wrongFieldType(tensor: name, field: "data_offsets", expected: expectedOffsets,
                                          found: "[\(offsets[0].summary), \(offsets[1].summary)]"))
        }
        guard begin <= end else { throw failure(.offsetsReversed(tensor: name, begin: begin, end: end)) }
        guard end <= UInt64(bufferSize) else {
            throw failure(.offsetsOutOfRange(tensor: name, begin: begin, end: end, bufferSize: bufferSize))
        }
        // Both offsets are now at most bufferSize, an Int.
        let beginOffset = Int(begin), endOffset = Int(end)
        guard endOffset - beginOffset == byteCount else {
            throw failure(.byteCountMismatch(tensor: name, dtype: dtypeName, shape: shape, expected: byteCount, found: endOffset - beginOffset))
        }
        return Layout.Entry(name: name, dtype: dtype, shape: shape, begin: beginOffset, end: endOffset)
    }

    /// Every byte of the buffer must belong to exactly one tensor: no overlaps (a file could
    /// otherwise alias one tensor's bytes into another), no gaps (hidden data), nothing after the last.
    private static func checkCoverage(
        of entries: [Layout.Entry], bufferSize: Int, failure: (SafeTensorsError.Problem) -> SafeTensorsError
    ) throws {
        let ordered = entries.sorted { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var covered = 0
        var lastOwner: String?
        for entry in ordered {
            if entry.begin < covered, let lastOwner { throw failure(.overlappingTensors(first: lastOwner, second: entry.name)) }
            if entry.begin > covered { throw failure(.uncoveredBytes(begin: covered, end: entry.begin)) }
            if entry.end > covered {
                covered = entry.end
                lastOwner = entry.name
            }
        }
        if covered < bufferSize { throw failure(.uncoveredBytes(begin: covered, end: bufferSize)) }
    }
}
