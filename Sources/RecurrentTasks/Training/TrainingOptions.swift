import RecurrentNN

/// How long and how a ``Trainer`` trains.
public struct TrainingOptions {
    /// Stop after this many epochs (nil: no epoch limit).
    public var epochs: Int? = 10
    /// Stop after this many optimizer steps (nil: no limit).
    public var maximumSteps: Int?
    /// Stop after this much training time, in seconds (nil: no limit); validation time is
    /// not counted.
    public var timeLimit: Double?
    /// Validate every this many seconds of training as well as at the end of every epoch
    /// (nil: only at epoch ends).
    public var validationInterval: Double?
    /// Clip the global gradient norm to this value before each step (nil: no clipping).
    public var gradientClipNorm: Float?
    /// Stop when the selected validation metric has not improved for this many validations (nil: never).
    public var earlyStoppingPatience: Int?
    /// The validation metric that picks the best model, stops early and drives `plateau`.
    public var selection = ModelSelection.loss
    /// Where to write the best model and checkpoints (nil: the caller saves what it wants).
    public var output: TrainingOutput?
    /// Set the learning rate at the start of each epoch (nil: constant).
    public var schedule: (any LearningRateSchedule)?
    /// Multiply the learning rate by `decay` at the start of every epoch from `decayStart`
    /// on (1-based epochs, as Zaremba et al. describe it); nil: no decay.
    public var epochDecay: (decay: Float, start: Int)?
    /// Reduce the learning rate when the selected validation metric stops improving.
    public var plateau: ReduceLearningRateOnPlateau?
    /// End with the parameters of the best validation (from memory, or from `output`'s model file
    /// for a best found before a resume).
    public var restoreBest = true
    /// Seed of the trainer's generator (shuffling).
    public var seed: UInt64 = 0
    /// Write one JSON object per line to this file at each report and validation.
    public var logPath: String?
    /// Show progress on standard error.
    public var showsProgress = true
    /// What the items counted by the task are called in progress and logs ("examples", "tokens").
    public var itemName = "examples"

    public init() {}
}
