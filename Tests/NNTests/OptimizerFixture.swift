import RecurrentNN
import RecurrentTensor
import RecurrentTestSupport

// The contents of Fixtures/optimizers.json (written by scripts/make_optimizer_fixtures.py) and
// the Swift optimizer each of its configurations describes.

/// The decoded fixture file.
struct OptimizerFixture: Decodable {
    struct TensorValue: Decodable {
        var shape: [Int]
        var values: [Float]
        var tensor: Tensor { Tensor(shape: shape, scalars: values) }
    }

    struct Options: Decodable {
        var learningRate: Double?, momentum: Double?, dampening: Double?, nesterov: Bool?
        var weightDecay: Double?, learningRateDecay: Double?, initialAccumulatorValue: Float?
        var epsilon: Double?, alpha: Double?, centered: Bool?, betas: [Double]?, amsgrad: Bool?
        var isEmpty: Bool { learningRate == nil && momentum == nil && weightDecay == nil && epsilon == nil && amsgrad == nil
            && dampening == nil && nesterov == nil && learningRateDecay == nil && initialAccumulatorValue == nil
            && alpha == nil && centered == nil && betas == nil }

        enum CodingKeys: String, CodingKey {
            case learningRate = "lr", momentum, dampening, nesterov, weightDecay = "weight_decay", learningRateDecay = "lr_decay"
            case initialAccumulatorValue = "initial_accumulator_value", epsilon = "eps", alpha, centered, betas, amsgrad
        }
    }

    struct Skip: Decodable {
        var step: Int
        var parameter: String
    }

    struct Trajectory: Decodable {
        /// The parameters after each step, by name.
        var parameters: [[String: [Float]]]
        /// The optimizer state after the last step, keyed as `stateTensors()`.
        var finalState: [String: TensorValue]

        enum CodingKeys: String, CodingKey { case parameters, finalState = "final_state" }
    }

    struct OptimizerCase: Decodable {
        var name: String
        var optimizer: String
        var options: Options
        var skip: [Skip]
        /// Stock PyTorch.
        var stock: Trajectory
        /// PyTorch with a correctly rounded sqrt, where that changes anything.
        var exactSquareRoot: Trajectory?
        var steps: Int { stock.parameters.count }

        enum CodingKeys: String, CodingKey { case name, optimizer, options, skip, exactSquareRoot = "exact_sqrt" }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            optimizer = try container.decode(String.self, forKey: .optimizer)
            options = try container.decode(Options.self, forKey: .options)
            skip = try container.decode([Skip].self, forKey: .skip)
            stock = try Trajectory(from: decoder)
            exactSquareRoot = try container.decodeIfPresent(Trajectory.self, forKey: .exactSquareRoot)
        }
    }

    var torchVersion: String
    var cpuCapability: String
    var initial: [String: TensorValue]
    /// The gradient fed at each step, by parameter name.
    var gradients: [[String: [Float]]]
    var optimizers: [OptimizerCase]
    var schedules: Schedules
    var plateau: Plateau
    var clipGradNorm: [ClipNormCase]
    var clipGradValue: ClipValueCase

    enum CodingKeys: String, CodingKey {
        case torchVersion = "torch_version", cpuCapability = "cpu_capability", initial, gradients, optimizers, schedules, plateau
        case clipGradNorm = "clip_grad_norm", clipGradValue = "clip_grad_value"
    }

    struct Schedules: Decodable {
        var rates: [String: [Double]]
    }

    struct Plateau: Decodable {
        struct Options: Decodable {
            var mode: String?, factor: Double?, patience: Int?, threshold: Double?, thresholdMode: String?
            var cooldown: Int?, minimumLearningRate: Double?
            enum CodingKeys: String, CodingKey {
                case mode, factor, patience, threshold, thresholdMode = "threshold_mode", cooldown, minimumLearningRate = "min_lr"
            }
        }

        struct Case: Decodable {
            var name: String
            var options: Options
            var rates: [Double]
        }

        var metrics: [Double]
        var cases: [Case]
    }

    struct ClipNormCase: Decodable {
        var normType: Float
        var maxNorm: Float
        var totalNorm: Float
        var clipped: [String: [Float]]

        enum CodingKeys: String, CodingKey { case normType = "norm_type", maxNorm = "max_norm", totalNorm = "total_norm", clipped }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            // JSON has no infinity: the script writes "inf".
            if let number = try? container.decode(Float.self, forKey: .normType) {
                normType = number
            } else {
                normType = try container.decode(String.self, forKey: .normType) == "inf" ? .infinity : .nan
            }
            maxNorm = try container.decode(Float.self, forKey: .maxNorm)
            totalNorm = try container.decode(Float.self, forKey: .totalNorm)
            clipped = try container.decode([String: [Float]].self, forKey: .clipped)
        }
    }

    struct ClipValueCase: Decodable {
        var limit: Float
        var clipped: [String: [Float]]
    }

    static func load() throws -> OptimizerFixture { try fixtureJSON(OptimizerFixture.self, "optimizers.json") }

    static let shared = try? load()

    /// Fresh `weight` and `bias` parameters with the fixture's initial values.
    func makeParameters() -> [NamedParameter] {
        ["weight", "bias"].map { NamedParameter($0, Parameter(initial[$0]!.tensor)) }
    }

    /// Gives each parameter the fixture's gradient for `step`, or none where the case skips it.
    func feedGradients(step: Int, to parameters: [NamedParameter], skipping skip: [Skip] = []) {
        for named in parameters {
            let skipped = skip.contains { $0.step == step && $0.parameter == named.name }
            named.parameter.value.setGradient(skipped ? nil : Tensor(shape: named.parameter.shape, scalars: gradients[step][named.name]!))
        }
    }
}

/// Builds the optimizer a fixture case describes; absent options take PyTorch's defaults, and a
/// case with no options uses the Swift defaults alone.
func makeOptimizer(_ testCase: OptimizerFixture.OptimizerCase, _ parameters: [NamedParameter]) -> any Optimizer {
    let options = testCase.options
    let learningRate = options.learningRate.map { Float($0) }
    let weightDecay = options.weightDecay ?? 0
    let betas = options.betas.map { ($0[0], $0[1]) } ?? (0.9, 0.999)
    switch (testCase.optimizer, options.isEmpty) {
    case ("SGD", true): return SGD(parameters)
    case ("SGD", false):
        return SGD(parameters, learningRate: learningRate ?? 1e-3, momentum: options.momentum ?? 0,
                   dampening: options.dampening ?? 0, weightDecay: weightDecay, nesterov: options.nesterov ?? false)
    case ("Adagrad", true): return Adagrad(parameters)
    case ("Adagrad", false):
        return Adagrad(parameters, learningRate: learningRate ?? 1e-2, learningRateDecay: options.learningRateDecay ?? 0,
                       weightDecay: weightDecay, initialAccumulatorValue: options.initialAccumulatorValue ?? 0,
                       epsilon: options.epsilon ?? 1e-10)
    case ("RMSprop", true): return RMSProp(parameters)
    case ("RMSprop", false):
        return RMSProp(parameters, learningRate: learningRate ?? 1e-2, alpha: options.alpha ?? 0.99, epsilon: options.epsilon ?? 1e-8,
                       weightDecay: weightDecay, momentum: options.momentum ?? 0, centered: options.centered ?? false)
    case ("Adam", true): return Adam(parameters)
    case ("Adam", false):
        return Adam(parameters, learningRate: learningRate ?? 1e-3, betas: betas, epsilon: options.epsilon ?? 1e-8,
                    weightDecay: weightDecay, amsgrad: options.amsgrad ?? false)
    case ("AdamW", true): return AdamW(parameters)
    case ("AdamW", false):
        return AdamW(parameters, learningRate: learningRate ?? 1e-3, betas: betas, epsilon: options.epsilon ?? 1e-8,
                     weightDecay: options.weightDecay ?? 1e-2, amsgrad: options.amsgrad ?? false)
    default:
        preconditionFailure("unknown optimizer \(testCase.optimizer) in the fixture")
    }
}
