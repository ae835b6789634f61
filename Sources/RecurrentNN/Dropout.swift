import RecurrentTensor

/// Inverted dropout: in training, each element is zeroed with probability `probability` and
/// the survivors are scaled by 1 / (1 - probability), so evaluation needs no rescaling. In
/// evaluation mode it is the identity. The mask comes from the layer's own seeded generator,
/// so training runs repeat exactly for a given seed.
public final class Dropout: UnaryLayer {
    public let probability: Float
    public var isTraining = true
    public var generator: RandomGenerator

    public init(probability: Float, seed: UInt64 = 0) {
        precondition(probability >= 0 && probability < 1, "Dropout: probability \(probability) must be in [0, 1)")
        self.probability = probability
        generator = RandomGenerator(seed: seed)
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        guard isTraining, probability > 0 else { return input }
        return input * mask(shape: input.shape)
    }

    /// A fresh mask of zeros and 1 / (1 - probability).
    public func mask(shape: [Int]) -> Tensor {
        let scale = 1 / (1 - probability), keep = probability
        return Tensor(shape: shape) { out in
            for index in out.indices { out[index] = generator.nextUniform() < keep ? 0 : scale }
        }
    }
}
