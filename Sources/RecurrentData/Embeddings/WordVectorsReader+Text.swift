/// A problem with the values of one text row.
enum RowValuesProblem: Equatable {
    case count(found: Int)
    case notANumber(String)
    case notFinite(String)
}

extension ReadingContext {
    /// Reads the text rows after the header (if any): `word v1 … vD` per line, blank lines skipped.
    /// Returns nil for a GloVe file without rows (its dimension is unknown).
    mutating func readTextRows() throws(WordVectorsError) -> WordVectors? {
        var vectors: WordVectors? = dimension.map { WordVectors(dimension: $0) }
        if let dimension { vectors?.reserveCapacity(plausibleRows(bytesPerRow: 2 * dimension)) }
        var scratch: [Float] = []
        while report.rowsRead < limit {
            let lineEnd: Int?
            do {
                lineEnd = try bytes.nextLineEnd(from: bytes.start)
            } catch {
                throw self.error(line: line, problem: .unreadable(reason: error.reason))
            }
            let start = bytes.start
            if lineEnd == nil && start == bytes.end { break }
            var end = lineEnd ?? bytes.end
            let pointer = bytes.pointer
            if end > start && pointer[end - 1] == 0x0D { end -= 1 }
            try readTextRow(pointer, start, end, into: &vectors, scratch: &scratch)
            bytes.consume(upTo: lineEnd.map { $0 + 1 } ?? bytes.end)
            line += 1
        }
        if let expectedRows, report.rowsRead < Swift.min(expectedRows, limit) {
            throw error(line: line - 1, problem: .fewerWordsThanHeader(expected: expectedRows, found: report.rowsRead))
        }
        return vectors
    }

    /// Reads the row in `pointer[start..<end]` (its line break removed).
    private mutating func readTextRow(_ pointer: UnsafePointer<UInt8>, _ start: Int, _ end: Int,
                                      into vectors: inout WordVectors?, scratch: inout [Float]) throws(WordVectorsError) {
        var wordEnd = start
        while wordEnd < end && !DecimalFloatParser.isSeparator(pointer[wordEnd]) { wordEnd += 1 }
        if wordEnd == start {
            var position = start
            while position < end && (DecimalFloatParser.isSeparator(pointer[position]) || pointer[position] == 0x0B || pointer[position] == 0x0C) {
                position += 1
            }
            if position == end { return }  // a blank line
            throw error(line: line, problem: .missingWord)
        }
        if let expectedRows, report.rowsRead == expectedRows {
            throw error(line: line, problem: .moreWordsThanHeader(expected: expectedRows))
        }
        let lineNumber = line
        var word = self.word(pointer, start, wordEnd, location: "line \(lineNumber)")
        report.rowsRead += 1
        if vectors == nil {  // GloVe: the first row gives the dimension
            let fields = Self.fields(pointer, wordEnd, end).count
            guard fields > 0 else { throw error(line: line, problem: .wrongValueCount(word: word, expected: 1, found: 0)) }
            vectors = WordVectors(dimension: fields)
            vectors?.reserveCapacity(plausibleRows(bytesPerRow: 2 * fields))
        }
        let dimension = vectors!.dimension
        if scratch.count != dimension { scratch = [Float](repeating: 0, count: dimension) }
        guard wants(word, in: vectors, location: "line \(lineNumber)") else { return }
        var problem = scratch.withUnsafeMutableBufferPointer { Self.parseValues(pointer, wordEnd, end, into: $0) }
        if case .notANumber = problem, let spaced = Self.wordWithSpaces(pointer, start, end, dimension: dimension, into: &scratch) {
            // GloVe 840B has rows like ". . . 0.1 …": the word is all but the last D fields.
            word = self.word(pointer, start, spaced, location: "line \(lineNumber)")
            guard wants(word, in: vectors, location: "line \(lineNumber)") else { return }
            problem = nil
        }
        switch problem {
        case nil: vectors!.append(word, scratch)
        case .count(let found): throw error(line: line, problem: .wrongValueCount(word: word, expected: dimension, found: found))
        case .notANumber(let text): throw error(line: line, problem: .notANumber(word: word, found: text))
        case .notFinite(let text): throw error(line: line, problem: .notFinite(word: word, found: text))
        }
    }

    /// Parses the values after a row's word into `row` (exactly `row.count` of them expected).
    static func parseValues(_ pointer: UnsafePointer<UInt8>, _ from: Int, _ end: Int,
                            into row: UnsafeMutableBufferPointer<Float>) -> RowValuesProblem? {
        var position = from, index = 0
        while true {
            while position < end && DecimalFloatParser.isSeparator(pointer[position]) { position += 1 }
            if position == end { break }
            if index == row.count { return .count(found: index + fields(pointer, position, end).count) }
            switch DecimalFloatParser.parse(pointer, position, end) {
            case .number(let value, let after):
                row[index] = value
                position = after
            case .other(let fieldEnd):
                guard let value = DecimalFloatParser.parseSlowly(pointer, position, fieldEnd) else {
                    return .notANumber(String(decoding: UnsafeBufferPointer(start: pointer + position, count: fieldEnd - position), as: UTF8.self))
                }
                guard value.isFinite else {
                    return .notFinite(String(decoding: UnsafeBufferPointer(start: pointer + position, count: fieldEnd - position), as: UTF8.self))
                }
                row[index] = value
                position = fieldEnd
            }
            index += 1
        }
        return index == row.count ? nil : .count(found: index)
    }

    /// The separator-delimited fields of `pointer[from..<end]`.
    static func fields(_ pointer: UnsafePointer<UInt8>, _ from: Int, _ end: Int) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var position = from
        while true {
            while position < end && DecimalFloatParser.isSeparator(pointer[position]) { position += 1 }
            if position == end { return result }
            let fieldEnd = DecimalFloatParser.fieldEnd(pointer, position, end)
            result.append(position..<fieldEnd)
            position = fieldEnd
        }
    }

    /// When the last `dimension` fields of the row are numbers and more than one field comes
    /// before them, parses them into `row` and returns where the word (those earlier fields,
    /// spaces and all) ends; else nil.
    static func wordWithSpaces(_ pointer: UnsafePointer<UInt8>, _ start: Int, _ end: Int, dimension: Int,
                               into row: inout [Float]) -> Int? {
        let all = fields(pointer, start, end)
        guard all.count > dimension + 1 else { return nil }
        let wordEnd = all[all.count - dimension - 1].upperBound
        let problem = row.withUnsafeMutableBufferPointer { parseValues(pointer, wordEnd, end, into: $0) }
        return problem == nil ? wordEnd : nil
    }
}
