#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension ReadingContext {
    /// Reads the binary rows after the header: per word, optional line breaks (the C tool writes
    /// one after each vector, other writers do not), the word's bytes, a space, and `dimension`
    /// little-endian float32. Errors give the byte offset from the file's start.
    mutating func readBinaryRows() throws(WordVectorsError) -> WordVectors? {
        guard let dimension, let expectedRows else { return nil }
        let vectorBytes = dimension * MemoryLayout<Float>.size
        var vectors = WordVectors(dimension: dimension)
        vectors.reserveCapacity(plausibleRows(bytesPerRow: vectorBytes + 2))
        var row = [Float](repeating: 0, count: dimension)
        var index = 0
        do {
            while index < Swift.min(expectedRows, limit) {
                guard try skipLineBreaks() else {
                    throw error(offset: bytes.offset(of: bytes.end), problem: .truncated(index: index, word: nil, expected: expectedRows))
                }
                let wordLength = try findWordEnd(index: index) - bytes.start
                let lineStart = bytes.offset(of: bytes.start)
                let complete = try bytes.fill(minimum: wordLength + 1 + vectorBytes)
                let pointer = bytes.pointer, start = bytes.start
                let word = self.word(pointer, start, start + wordLength, location: "byte \(lineStart)")
                guard complete else {
                    throw error(offset: bytes.offset(of: bytes.end), problem: .truncated(index: index, word: word, expected: expectedRows))
                }
                report.rowsRead += 1
                if wants(word, in: vectors, location: "byte \(lineStart)") {
                    let first = start + wordLength + 1
                    row.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(start: pointer + first, count: vectorBytes)) }
                    #if _endian(big)
                    for j in 0..<dimension { row[j] = Float(bitPattern: row[j].bitPattern.byteSwapped) }
                    #endif
                    if let bad = row.firstIndex(where: { !$0.isFinite }) {
                        throw error(offset: bytes.offset(of: first + bad * 4), problem: .notFinite(word: word, found: "\(row[bad])"))
                    }
                    vectors.append(word, row)
                }
                bytes.consume(upTo: start + wordLength + 1 + vectorBytes)
                index += 1
            }
            if index == expectedRows, let extra = try firstNonWhitespaceOffset() {
                throw error(offset: extra, problem: .moreWordsThanHeader(expected: expectedRows))
            }
        } catch let failure as ReadableFile.Failure {
            throw error(offset: bytes.offset(of: bytes.start), problem: .unreadable(reason: failure.reason))
        } catch let failure as WordVectorsError {
            throw failure
        } catch {
            throw self.error(problem: .unreadable(reason: "\(error)"))
        }
        return vectors
    }

    /// Moves past LF and CR bytes; false when the file ends first.
    private func skipLineBreaks() throws(ReadableFile.Failure) -> Bool {
        while true {
            guard try bytes.fill(minimum: 1) else { return false }
            let byte = bytes.pointer[bytes.start]
            guard byte == 0x0A || byte == 0x0D else { return true }
            bytes.consume(upTo: bytes.start + 1)
        }
    }

    /// The window position of the space after the word that starts the window.
    private func findWordEnd(index: Int) throws -> Int {
        let longest = WordVectorsReader.maximumWordBytes + 1
        while true {
            let searched = Swift.min(bytes.available, longest)
            if let space = memchr(bytes.pointer + bytes.start, 0x20, searched) {
                return bytes.pointer.distance(to: space.assumingMemoryBound(to: UInt8.self))
            }
            if searched == longest {
                throw error(offset: bytes.offset(of: bytes.start), problem: .unterminatedWord(index: index))
            }
            guard try bytes.fill(minimum: bytes.available + 1) else {
                throw error(offset: bytes.offset(of: bytes.end), problem: .truncated(index: index, word: nil, expected: expectedRows ?? 0))
            }
        }
    }

    /// The file offset of the first byte after the window's start that is not whitespace, or nil
    /// when only whitespace is left.
    private func firstNonWhitespaceOffset() throws(ReadableFile.Failure) -> Int? {
        while try bytes.fill(minimum: 1) {
            let pointer = bytes.pointer
            for position in bytes.start..<bytes.end where !DecimalFloatParser.isSeparator(pointer[position]) {
                return bytes.offset(of: position)
            }
            bytes.consume(upTo: bytes.end)
        }
        return nil
    }
}
