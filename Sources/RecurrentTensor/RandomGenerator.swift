/// A seedable pseudo-random generator (xoshiro256**, seeded through SplitMix64): the same seed
/// gives the same sequence on every platform.
public struct RandomGenerator: RandomNumberGenerator, Sendable {
    private var words: (UInt64, UInt64, UInt64, UInt64)

    public init(seed: UInt64) {
        var mixer = seed
        func splitMix() -> UInt64 {
            mixer &+= 0x9E37_79B9_7F4A_7C15
            var z = mixer
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        words = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    /// The generator's full state, to save and later restore (for example when resuming
    /// training): a generator restored from `state` continues the same sequence.
    public var state: [UInt64] {
        get { [words.0, words.1, words.2, words.3] }
        set {
            precondition(newValue.count == 4, "RandomGenerator.state: expected 4 words, got \(newValue.count)")
            words = (newValue[0], newValue[1], newValue[2], newValue[3])
        }
    }

    public mutating func next() -> UInt64 {
        let result = rotateLeft(words.1 &* 5, 7) &* 9
        let shifted = words.1 << 17
        words.2 ^= words.0
        words.3 ^= words.1
        words.1 ^= words.2
        words.0 ^= words.3
        words.2 ^= shifted
        words.3 = rotateLeft(words.3, 45)
        return result
    }

    private func rotateLeft(_ value: UInt64, _ amount: UInt64) -> UInt64 {
        (value << amount) | (value >> (64 - amount))
    }

    /// A uniform Float in [0, 1) with 24 random bits.
    public mutating func nextUniform() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    /// A uniform Double in [0, 1) with 53 random bits.
    public mutating func nextUniformDouble() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// A standard normal value (Box–Muller, computed in Double).
    public mutating func nextNormal() -> Float {
        let u1 = 1 - nextUniformDouble()  // in (0, 1], so the logarithm is finite
        let u2 = nextUniformDouble()
        return Float((-2 * _log(u1)).squareRoot() * _cos(2 * Double.pi * u2))
    }

    /// A uniform integer in 0..<upperBound.
    public mutating func nextInt(below upperBound: Int) -> Int {
        precondition(upperBound > 0, "RandomGenerator.nextInt(below:): upper bound \(upperBound) must be positive")
        return Int(next(upperBound: UInt64(upperBound)))
    }

    /// Shuffles `array` in place (Fisher–Yates), reproducibly for a given state.
    public mutating func shuffle<T>(_ array: inout [T]) {
        guard array.count > 1 else { return }
        for index in stride(from: array.count - 1, to: 0, by: -1) {
            array.swapAt(index, nextInt(below: index + 1))
        }
    }
}

@inline(__always) private func _log(_ x: Double) -> Double { cLog(x) }
@inline(__always) private func _cos(_ x: Double) -> Double { cCos(x) }
