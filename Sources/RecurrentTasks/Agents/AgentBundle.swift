import Foundation
import RecurrentNN
import RecurrentTensor

/// A trained agent with what it needs to act again: the policy's parameters and, in the model
/// file's `config`, the environment and policy settings and how it was trained. Model files of
/// kind `agent`.
public struct AgentBundle {
    public struct Configuration: Codable, Equatable {
        public var environment: EnvironmentSettings
        public var policy: PolicySettings
        public var observationSize: Int
        public var actionCount: Int
        public var algorithm: AgentTrainingSettings.Algorithm
        /// Environment steps of training and the seed.
        public var trainingSteps: Int
        public var seed: UInt64
    }

    public static let kind = "agent"
    public var configuration: Configuration
    public let policy: AgentPolicy

    public init(configuration: Configuration, policy: AgentPolicy) {
        self.configuration = configuration
        self.policy = policy
    }

    /// The bundle of a trainer's policy as it is now.
    public init(trainer: AgentTrainer) {
        self.init(configuration: Configuration(environment: trainer.settings.environment, policy: trainer.settings.policy,
                                               observationSize: trainer.policy.observationSize,
                                               actionCount: trainer.policy.actionCount, algorithm: trainer.settings.algorithm,
                                               trainingSteps: trainer.collector.steps, seed: trainer.settings.seed),
                  policy: trainer.policy)
    }

    public func write(to path: String) throws {
        var file = try ModelFile(kind: Self.kind, configuration: configuration)
        file.add(parametersOf: policy)
        try file.write(to: path)
    }

    public static func read(from path: String) throws -> AgentBundle {
        let file = try ModelFile.read(from: path, expectedKind: kind)
        let configuration = try file.decodeConfiguration(Configuration.self)
        if let problem = configuration.environment.problem ?? configuration.policy.problem {
            throw ModelFileError(path: path, problem: "invalid \"config\": \(problem)")
        }
        let environment = configuration.environment.make(copies: 1)
        guard configuration.observationSize == environment.observationSpace.size,
              configuration.actionCount == environment.actionSpace.count else {
            throw ModelFileError(path: path, problem: "the policy's sizes (\(configuration.observationSize) observations, "
                                 + "\(configuration.actionCount) actions) do not fit \(configuration.environment)")
        }
        var generator = RandomGenerator(seed: 0)
        let policy = AgentPolicy(settings: configuration.policy, observationSize: configuration.observationSize,
                                 actionCount: configuration.actionCount, generator: &generator)
        try file.load(into: policy)
        return AgentBundle(configuration: configuration, policy: policy)
    }
}
