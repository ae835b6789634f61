import RecurrentNN
import RecurrentTensor

/// What a ``Trainer`` trains: a model, its batches and its validation.
///
/// An epoch is `batchesPerEpoch` batches. At the start of each epoch the trainer calls
/// ``beginEpoch(_:generator:)`` (shuffle with the trainer's generator, reset carried state),
/// then ``trainingLoss(batch:)`` for each batch in order, and ``validate()`` at each
/// validation point. Saving (the best model, checkpoints) goes through ``modelFile()``.
public protocol TrainingTask: AnyObject {
    /// The model whose parameters are trained and whose best version is kept.
    var model: any Layer { get }
    /// Batches in one epoch.
    var batchesPerEpoch: Int { get }
    /// Prepares epoch `epoch` (0-based); the generator is the trainer's, seeded by `--seed`.
    func beginEpoch(_ epoch: Int, generator: inout RandomGenerator)
    /// The differentiable mean loss of batch `index` of the current epoch, and how many items
    /// (examples or tokens) it covers.
    func trainingLoss(batch index: Int) -> (loss: Tensor, items: Int)
    /// Metrics on held-out data, including the one ``TrainingOptions/selection`` names (by
    /// default "loss"); nil when there is none. Runs without gradients, in evaluation mode.
    func validate() -> [String: Double]?
    /// The model with its current parameters as a model file of the task's kind (its
    /// configuration, vocabulary, scaling: everything `evaluate` and `predict` need).
    func modelFile() throws -> ModelFile
    /// State carried between batches that a checkpoint must keep to resume exactly (for
    /// example a language model's hidden state). Default: none.
    func carriedState() -> [String: Tensor]
    /// Restores what ``carriedState()`` returned.
    func restoreCarriedState(_ state: [String: Tensor]) throws
}

extension TrainingTask {
    public func carriedState() -> [String: Tensor] { [:] }
    public func restoreCarriedState(_ state: [String: Tensor]) throws {}
}
