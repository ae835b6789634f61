#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Decimal numbers read straight from bytes into `Float`, correctly rounded, at several hundred
/// MB/s: word-vector files are mostly digits, and making a `String` of each number (or of each
/// line) would cost more than the parsing.
///
/// The fast path reads up to 19 significant digits into a `UInt64` mantissa `m` and a power of
/// ten `e` (later digits change the value by less than 10⁻¹⁸ of it), and forms `Double(m) · 10^e`,
/// within a few units in the last place (ulps) of a `Double` of the exact value (one rounding
/// when `m < 2^53` and `|e| ≤ 22`, Clinger 1990). Rounding that `Double` to `Float` gives the
/// correctly rounded `Float` unless it lies within 16 `Double` ulps of a point halfway between
/// two floats: those rare values (about one in ten million), and everything that is not plain
/// decimal (`nan`, `inf`, hexadecimal, subnormal or out-of-range results), go to the C library's
/// `strtof`.
enum DecimalFloatParser {
    /// What ``parse(_:_:)`` found.
    enum Outcome {
        /// A number, and the position just after it.
        case number(Float, end: Int)
        /// Not a plain decimal number: the field `start..<end` (up to the next separator) needs
        /// ``parseSlowly(_:_:_:)``.
        case other(end: Int)
    }

    /// Powers of ten as `Double`: exact up to 10^22.
    private static let powersOfTen: [Double] = (0...308).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// Whether `byte` ends a field: space, tab, CR, LF (or the end of the buffer, checked apart).
    @inline(__always)
    static func isSeparator(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// Parses the number starting at `start` (which is not a separator) in `bytes[..<end]`.
    @inline(__always)
    static func parse(_ bytes: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Outcome {
        var position = start
        var negative = false
        if position < end && (bytes[position] == 0x2D || bytes[position] == 0x2B) {  // - +
            negative = bytes[position] == 0x2D
            position += 1
        }
        var mantissa: UInt64 = 0
        var significantDigits = 0, exponent = 0, digitsSeen = 0
        while position < end {
            let digit = bytes[position] &- 0x30
            guard digit < 10 else { break }
            if significantDigits < 19 {
                mantissa = mantissa &* 10 &+ UInt64(digit)
                if mantissa != 0 { significantDigits += 1 }
            } else {
                exponent += 1  // digits past the 19th change the value by less than 1e-18 of it
            }
            digitsSeen += 1
            position += 1
        }
        if position < end && bytes[position] == 0x2E {  // .
            position += 1
            while position < end {
                let digit = bytes[position] &- 0x30
                guard digit < 10 else { break }
                if significantDigits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(digit)
                    if mantissa != 0 { significantDigits += 1 }
                    exponent -= 1
                }
                digitsSeen += 1
                position += 1
            }
        }
        guard digitsSeen > 0 else { return .other(end: fieldEnd(bytes, position, end)) }
        if position < end && (bytes[position] | 0x20) == 0x65 {  // e E
            position += 1
            var exponentNegative = false
            if position < end && (bytes[position] == 0x2D || bytes[position] == 0x2B) {
                exponentNegative = bytes[position] == 0x2D
                position += 1
            }
            var written = 0, exponentDigits = 0
            while position < end {
                let digit = bytes[position] &- 0x30
                guard digit < 10 else { break }
                if written < 100_000 { written = written * 10 + Int(digit) }
                exponentDigits += 1
                position += 1
            }
            guard exponentDigits > 0 else { return .other(end: fieldEnd(bytes, position, end)) }
            exponent += exponentNegative ? -written : written
        }
        guard position == end || isSeparator(bytes[position]) else { return .other(end: fieldEnd(bytes, position, end)) }
        if mantissa == 0 { return .number(negative ? -0.0 : 0, end: position) }

        let magnitude: Double
        if exponent >= 0 {
            guard exponent <= 38 + 19 else { return .other(end: position) }
            magnitude = Double(mantissa) * powersOfTen[exponent]
        } else {
            guard exponent >= -(45 + 19) else { return .other(end: position) }
            magnitude = Double(mantissa) / powersOfTen[-exponent]
        }
        // Outside Float's normal range (or near its top), strtof knows the rules.
        guard magnitude >= Double(Float.leastNormalMagnitude), magnitude < 3.4e38 else { return .other(end: position) }
        // A Double's 52 fraction bits hold a Float's 23 and 29 more: the pattern 1000…0 in those
        // 29 is a point halfway between two floats. Even a correctly rounded Double on or near it
        // may stand for a number on either side, so such rare values go to strtof.
        let lowBits = magnitude.bitPattern & 0x1FFF_FFFF
        let distanceFromHalfway = lowBits > 0x1000_0000 ? lowBits - 0x1000_0000 : 0x1000_0000 - lowBits
        if distanceFromHalfway <= 16 { return .other(end: position) }
        let value = Float(magnitude)
        return .number(negative ? -value : value, end: position)
    }

    /// The end of the field that starts at or before `position`: the next separator or `end`.
    @inline(__always)
    static func fieldEnd(_ bytes: UnsafePointer<UInt8>, _ position: Int, _ end: Int) -> Int {
        var position = position
        while position < end && !isSeparator(bytes[position]) { position += 1 }
        return position
    }

    /// The C library's reading of `bytes[start..<end]`, or nil when it is not a number in full
    /// (`strtof` accepts `nan`, `inf` and hexadecimal floats, which callers reject as not finite).
    static func parseSlowly(_ bytes: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Float? {
        let length = end - start
        guard length > 0, length < 512 else { return nil }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: length + 1) { text -> Float? in
            for index in 0..<length { text[index] = CChar(bitPattern: bytes[start + index]) }
            text[length] = 0
            var parsedEnd: UnsafeMutablePointer<CChar>?
            let value = strtof(text.baseAddress!, &parsedEnd)
            guard let parsedEnd, parsedEnd - text.baseAddress! == length else { return nil }
            return value
        }
    }
}
