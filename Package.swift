// swift-tools-version: 6.1
import PackageDescription

// Layers (dependencies point downwards only):
//   CRecurrentKernels  C: GEMM, vector math, thread pool, runtime CPU dispatch
//   RecurrentTensor    Tensor value type, reverse-mode autodiff, Swift kernel wrappers
//   RecurrentNN        layers, losses, optimizers, initializers, recurrent cells
//   RecurrentData      file formats, tokenizers, vocabularies, batching
//   RecurrentTasks     models for whole tasks, trainer, metrics
//   Recurrent          umbrella: `import Recurrent` gives all of the above
//   RecurrentCommandLine  the commands of the `recurrent` tool (a library, so tests can run them)
//   RecurrentCLI       the `recurrent` executable
let package = Package(
    name: "Recurrent",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "Recurrent", targets: ["Recurrent"]),
        .executable(name: "recurrent", targets: ["RecurrentCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .target(
            name: "CRecurrentKernels",
            cSettings: [.define("NDEBUG", .when(configuration: .release))],
            linkerSettings: [.linkedLibrary("pthread", .when(platforms: [.linux])), .linkedLibrary("m", .when(platforms: [.linux]))]
        ),
        .target(name: "RecurrentTensor", dependencies: ["CRecurrentKernels"]),
        .target(name: "RecurrentNN", dependencies: ["RecurrentTensor", "CRecurrentKernels"]),
        .target(name: "RecurrentData", dependencies: ["RecurrentTensor"]),
        .target(name: "RecurrentTasks", dependencies: ["RecurrentNN", "RecurrentData", "RecurrentTensor", "CRecurrentKernels"]),
        .target(name: "Recurrent", dependencies: ["RecurrentTensor", "RecurrentNN", "RecurrentData", "RecurrentTasks"]),
        .target(
            name: "RecurrentCommandLine",
            dependencies: ["Recurrent", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(name: "RecurrentCLI", dependencies: ["RecurrentCommandLine"]),
        .target(name: "RecurrentTestSupport", dependencies: ["RecurrentTensor"], path: "Tests/RecurrentTestSupport"),
        .testTarget(name: "KernelTests", dependencies: ["CRecurrentKernels", "RecurrentTensor", "RecurrentTestSupport"]),
        .testTarget(name: "TensorTests", dependencies: ["RecurrentTensor", "RecurrentTestSupport"]),
        .testTarget(name: "NNTests", dependencies: ["RecurrentNN", "RecurrentTensor", "RecurrentTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "TaskTests", dependencies: ["Recurrent", "RecurrentTasks", "RecurrentNN", "RecurrentData", "RecurrentTensor", "RecurrentTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "CLITests", dependencies: ["RecurrentCommandLine", "RecurrentCLI", "RecurrentTestSupport", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .testTarget(name: "DataTests", dependencies: ["RecurrentData", "RecurrentTensor", "RecurrentTestSupport"], exclude: ["Fixtures"]),
    ]
)
