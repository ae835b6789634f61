#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A learning rate as a function of the epoch (or step) number: the values PyTorch's
/// `torch.optim.lr_scheduler` classes produce, as plain values with no hidden state.
///
/// `learningRate(at: 0)` is the rate PyTorch's scheduler gives before its first `step()`, and
/// `learningRate(at: t)` the rate after `t` calls:
///
/// ```swift
/// let schedule = LinearWarmup(CosineAnnealing(baseLearningRate: 1e-3, annealingEpochs: 95), warmupEpochs: 5)
/// for epoch in 0..<100 {
///     optimizer.learningRate = schedule.learningRate(at: epoch)
///     trainOneEpoch()
/// }
/// ```
///
/// Rates are computed in double precision, as Python does, and rounded to Float at the end.
public protocol LearningRateSchedule: Sendable {
    /// The learning rate for epoch (or step) `epoch` ≥ 0.
    func learningRate(at epoch: Int) -> Float
}

/// Multiplies the rate by γ every `stepSize` epochs: PyTorch's `StepLR`.
///
/// ```
/// η_t = η₀ · γ^⌊t / stepSize⌋
/// ```
public struct StepDecay: LearningRateSchedule, Equatable {
    public var baseLearningRate: Double
    public var stepSize: Int
    public var gamma: Double

    public init(baseLearningRate: Double, stepSize: Int, gamma: Double = 0.1) {
        precondition(stepSize > 0, "StepDecay: stepSize must be positive, got \(stepSize)")
        self.baseLearningRate = baseLearningRate
        self.stepSize = stepSize
        self.gamma = gamma
    }

    public func learningRate(at epoch: Int) -> Float {
        precondition(epoch >= 0, "StepDecay: negative epoch \(epoch)")
        return Float(baseLearningRate * pow(gamma, Double(epoch / stepSize)))
    }
}

/// Multiplies the rate by γ every epoch: PyTorch's `ExponentialLR`.
///
/// ```
/// η_t = η₀ · γ^t
/// ```
public struct ExponentialDecay: LearningRateSchedule, Equatable {
    public var baseLearningRate: Double
    public var gamma: Double

    public init(baseLearningRate: Double, gamma: Double) {
        self.baseLearningRate = baseLearningRate
        self.gamma = gamma
    }

    public func learningRate(at epoch: Int) -> Float {
        precondition(epoch >= 0, "ExponentialDecay: negative epoch \(epoch)")
        return Float(baseLearningRate * pow(gamma, Double(epoch)))
    }
}

/// Follows half a cosine from the base rate down to a minimum over `annealingEpochs` epochs (T_max)
/// (Loshchilov and Hutter 2017, without restarts): PyTorch's `CosineAnnealingLR` in its closed
/// form, which its recursive updates reproduce.
///
/// ```
/// η_t = η_min + (η₀ − η_min) · (1 + cos(π·t / T_max)) / 2
/// ```
///
/// After `T_max` epochs the rate climbs back along the same cosine, as PyTorch's does.
public struct CosineAnnealing: LearningRateSchedule, Equatable {
    public var baseLearningRate: Double
    /// T_max: the number of epochs from the base rate down to the minimum.
    public var annealingEpochs: Int
    /// η_min.
    public var minimumLearningRate: Double

    public init(baseLearningRate: Double, annealingEpochs: Int, minimumLearningRate: Double = 0) {
        precondition(annealingEpochs > 0, "CosineAnnealing: annealingEpochs must be positive, got \(annealingEpochs)")
        self.baseLearningRate = baseLearningRate
        self.annealingEpochs = annealingEpochs
        self.minimumLearningRate = minimumLearningRate
    }

    public func learningRate(at epoch: Int) -> Float {
        precondition(epoch >= 0, "CosineAnnealing: negative epoch \(epoch)")
        let phase = Double.pi * Double(epoch) / Double(annealingEpochs)
        return Float(minimumLearningRate + (baseLearningRate - minimumLearningRate) * (1 + cos(phase)) / 2)
    }
}

/// Raises the rate linearly from `startFactor` times the base schedule's first rate to that rate
/// over `warmupEpochs` epochs, then follows the base schedule from its epoch 0.
///
/// ```
/// η_t = base(0) · (f + (1 − f) · t / w)       t < w
/// η_t = base(t − w)                           t ≥ w
/// ```
///
/// PyTorch: `SequentialLR(opt, [LinearLR(opt, start_factor=f, total_iters=w), base], milestones=[w])`
/// (`f` defaults to 1/3, `LinearLR`'s default).
public struct LinearWarmup<Base: LearningRateSchedule>: LearningRateSchedule {
    public var base: Base
    public var warmupEpochs: Int
    public var startFactor: Double

    public init(_ base: Base, warmupEpochs: Int, startFactor: Double = 1.0 / 3) {
        precondition(warmupEpochs >= 0, "LinearWarmup: negative warmupEpochs \(warmupEpochs)")
        precondition(startFactor > 0 && startFactor <= 1, "LinearWarmup: startFactor must be in (0, 1], got \(startFactor)")
        self.base = base
        self.warmupEpochs = warmupEpochs
        self.startFactor = startFactor
    }

    public func learningRate(at epoch: Int) -> Float {
        precondition(epoch >= 0, "LinearWarmup: negative epoch \(epoch)")
        guard epoch < warmupEpochs else { return base.learningRate(at: epoch - warmupEpochs) }
        let factor = startFactor + (1 - startFactor) * Double(epoch) / Double(warmupEpochs)
        return Float(Double(base.learningRate(at: 0)) * factor)
    }
}

extension LinearWarmup: Equatable where Base: Equatable {}

/// Divides the rate when a metric has stopped improving: PyTorch's `ReduceLROnPlateau`, with
/// the same defaults.
///
/// Call ``observe(metric:)`` once per epoch with the validation metric; it returns the rate for
/// the next epoch. With the default mode (lower is better) and relative threshold θ, a metric
/// `m` improves on the best so far when `m < best · (1 − θ)`. After more than `patience` epochs
/// in a row without improvement, the rate becomes
///
/// ```
/// η ← max(η · factor, minimumLearningRate)      unless that changes η by ≤ ε (1e-8)
/// ```
///
/// and the next `cooldown` epochs do not count as bad. In maximize mode the tests are
/// `m > best · (1 + θ)`; with an absolute threshold, `m < best − θ` and `m > best + θ`.
///
/// It is a value holding its own state: store it with a checkpoint (it is `Codable`) to resume.
public struct ReduceLearningRateOnPlateau: Codable, Equatable, Sendable {
    public enum Mode: String, Codable, Sendable { case minimize, maximize }
    public enum ThresholdMode: String, Codable, Sendable { case relative, absolute }

    public var mode: Mode
    public var factor: Double
    public var patience: Int
    public var threshold: Double
    public var thresholdMode: ThresholdMode
    public var cooldown: Int
    public var minimumLearningRate: Double
    /// Reductions smaller than this are skipped.
    public var epsilon: Double

    /// The rate for the next epoch (kept in double precision, as PyTorch keeps it).
    public private(set) var currentLearningRate: Double
    /// The best metric so far (±∞ before the first).
    public private(set) var best: Double
    /// Consecutive epochs without improvement.
    public private(set) var badEpochs = 0
    /// Epochs left in the current cooldown.
    public private(set) var cooldownRemaining = 0

    public init(learningRate: Float, mode: Mode = .minimize, factor: Double = 0.1, patience: Int = 10,
                threshold: Double = 1e-4, thresholdMode: ThresholdMode = .relative, cooldown: Int = 0,
                minimumLearningRate: Double = 0, epsilon: Double = 1e-8) {
        precondition(factor < 1, "ReduceLearningRateOnPlateau: factor must be < 1, got \(factor)")
        precondition(patience >= 0 && cooldown >= 0, "ReduceLearningRateOnPlateau: negative patience or cooldown")
        self.mode = mode
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.thresholdMode = thresholdMode
        self.cooldown = cooldown
        self.minimumLearningRate = minimumLearningRate
        self.epsilon = epsilon
        currentLearningRate = pythonDouble(learningRate)
        best = mode == .minimize ? .infinity : -.infinity
    }

    /// The rate to use now.
    public var learningRate: Float { Float(currentLearningRate) }

    /// Records the metric of the epoch just finished and returns the rate for the next one.
    @discardableResult
    public mutating func observe<Metric: BinaryFloatingPoint>(metric: Metric) -> Float {
        let current = Double(metric)
        if isImprovement(current) {
            best = current
            badEpochs = 0
        } else {
            badEpochs += 1
        }
        if cooldownRemaining > 0 {
            cooldownRemaining -= 1
            badEpochs = 0
        }
        if badEpochs > patience {
            let reduced = Swift.max(currentLearningRate * factor, minimumLearningRate)
            if currentLearningRate - reduced > epsilon { currentLearningRate = reduced }
            cooldownRemaining = cooldown
            badEpochs = 0
        }
        return learningRate
    }

    func isImprovement(_ metric: Double) -> Bool {
        switch (mode, thresholdMode) {
        case (.minimize, .relative): return metric < best * (1 - threshold)
        case (.minimize, .absolute): return metric < best - threshold
        case (.maximize, .relative): return metric > best * (threshold + 1)
        case (.maximize, .absolute): return metric > best + threshold
        }
    }
}
