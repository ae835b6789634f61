extension Tensor {
    /// A tensor of zeros.
    public static func zeros(_ shape: [Int]) -> Tensor { Tensor(repeating: 0, shape: shape) }

    /// A tensor of ones.
    public static func ones(_ shape: [Int]) -> Tensor { Tensor(repeating: 1, shape: shape) }

    /// Zeros with the shape of `other`.
    public static func zeros(like other: Tensor) -> Tensor { Tensor(repeating: 0, shape: other.shape) }

    /// The n x n identity matrix.
    public static func identity(_ n: Int) -> Tensor {
        var result = zeros([n, n])
        result.withUnsafeMutableBufferPointer { buffer in
            for index in 0..<n { buffer[index * n + index] = 1 }
        }
        return result
    }

    /// The values start, start + 1, ..., start + count - 1 as a rank-1 tensor.
    public static func arange(_ count: Int, start: Float = 0) -> Tensor {
        Tensor(shape: [count]) { buffer in
            for index in 0..<count { buffer[index] = start + Float(index) }
        }
    }

    /// Independent normal values with the given mean and standard deviation.
    public static func randomNormal(_ shape: [Int], mean: Float = 0, standardDeviation: Float = 1,
                                    using generator: inout RandomGenerator) -> Tensor {
        Tensor(shape: shape) { buffer in
            for index in buffer.indices { buffer[index] = mean + standardDeviation * generator.nextNormal() }
        }
    }

    /// Independent uniform values in [lowerBound, upperBound).
    public static func randomUniform(_ shape: [Int], in range: Range<Float> = 0..<1,
                                     using generator: inout RandomGenerator) -> Tensor {
        let width = range.upperBound - range.lowerBound
        return Tensor(shape: shape) { buffer in
            for index in buffer.indices { buffer[index] = range.lowerBound + width * generator.nextUniform() }
        }
    }

    /// Independent uniform values in the closed interval [-limit, limit] (approximately: the
    /// upper end is excluded), as PyTorch's `uniform_(-limit, limit)`.
    public static func randomUniform(_ shape: [Int], limit: Float, using generator: inout RandomGenerator) -> Tensor {
        randomUniform(shape, in: -limit..<limit, using: &generator)
    }
}
