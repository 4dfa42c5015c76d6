// swift-tools-version:5.10
// Cochlea: a native speech recognizer. The target graph is the architecture:
// C wrappers → IO/audio → features → linear algebra → layers → CTC → decoding → metrics → training → CLI.
import PackageDescription

let optimize: [SwiftSetting] = [.unsafeFlags(["-Ounchecked", "-wmo"], .when(configuration: .release))]

let package = Package(
    name: "Cochlea",
    products: [
        .executable(name: "cochlea", targets: ["CochleaCLI"]),
        .library(name: "CochleaAudio", targets: ["CochleaAudio"]),
        .library(name: "CochleaFeatures", targets: ["CochleaFeatures"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // C libraries from Debian, each behind a one-line shim header.
        .systemLibrary(name: "CSndFile", pkgConfig: "sndfile", providers: [.apt(["libsndfile1-dev"])]),
        .systemLibrary(name: "CFFTW", pkgConfig: "fftw3f", providers: [.apt(["libfftw3-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CSoxr", pkgConfig: "soxr", providers: [.apt(["libsoxr-dev"])]),
        .systemLibrary(name: "CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev", "openmpi-bin"])]),

        // What every layer shares: .npy and safetensors files, atomic writes, a seeded random generator.
        .target(name: "CochleaCore", swiftSettings: optimize),
        .target(name: "CochleaAudio", dependencies: ["CSndFile", "CSoxr", "CochleaCore"], swiftSettings: optimize),
        .target(name: "CochleaFeatures", dependencies: ["CFFTW", "CochleaCore", "CochleaAudio"], swiftSettings: optimize),
        // The only module that touches BLAS: a scalar protocol (Float, Double) with gemm and activations.
        .target(name: "CochleaLinalg", dependencies: ["COpenBLAS"], swiftSettings: optimize),
        // Layers: the BiLSTM acoustic network, forward and backward, and its optimiser.
        .target(name: "CochleaNN", dependencies: ["CochleaCore", "CochleaLinalg"], swiftSettings: optimize),
        // A trained model on disk: JSON config + safetensors weights under PyTorch's names.
        .target(name: "CochleaModel", dependencies: ["CochleaCore", "CochleaFeatures", "CochleaLinalg", "CochleaNN"], swiftSettings: optimize),
        // The processes of a job: MPI's world under mpirun, else a single process. The only user of CMPI.
        .target(name: "CochleaDistributed", dependencies: ["CMPI"], swiftSettings: optimize),
        // CTC knows nothing of LSTMs: it takes log-probabilities and returns losses and gradients.
        .target(name: "CochleaCTC", dependencies: ["CochleaCore"], swiftSettings: optimize),
        // From log-probabilities to words: greedy and beam search, lexicons, language models.
        .target(name: "CochleaDecoding", dependencies: ["CochleaCore", "CochleaCTC"], swiftSettings: optimize),
        .target(name: "CochleaMetrics", dependencies: ["CochleaCore"], swiftSettings: optimize),
        // Recognition: files → features → network → decoding, batched, with memory kept flat.
        .target(
            name: "CochleaRecognition",
            dependencies: ["CochleaCore", "CochleaAudio", "CochleaFeatures", "CochleaNN", "CochleaModel", "CochleaDecoding"],
            swiftSettings: optimize),
        // Training: datasets, feature caches, batches, augmentation, the loop, checkpoints.
        .target(
            name: "CochleaTraining",
            dependencies: ["CochleaCore", "CochleaAudio", "CochleaFeatures", "CochleaLinalg", "CochleaNN", "CochleaModel",
                           "CochleaCTC", "CochleaDecoding", "CochleaMetrics", "CochleaDistributed"],
            swiftSettings: optimize),
        // The synthetic corpus: a seeded plan, Debian's synthesisers and sox run per clip, Speech Commands layout.
        .target(name: "CochleaCorpus", dependencies: ["CochleaCore", "CochleaAudio"], swiftSettings: optimize),
        .executableTarget(
            name: "CochleaCLI",
            dependencies: [
                "CochleaCore", "CochleaAudio", "CochleaFeatures", "CochleaLinalg", "CochleaNN", "CochleaModel",
                "CochleaCTC", "CochleaDecoding", "CochleaMetrics", "CochleaRecognition", "CochleaTraining", "CochleaCorpus",
                "CochleaDistributed",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: optimize
        ),

        .target(
            name: "CochleaTestSupport", dependencies: ["CochleaCore", "CochleaAudio"], path: "Tests/CochleaTestSupport",
            resources: [.copy("Fixtures")]),
        .testTarget(name: "CochleaCoreTests", dependencies: ["CochleaCore", "CochleaTestSupport"]),
        .testTarget(name: "CochleaAudioTests", dependencies: ["CochleaAudio", "CochleaTestSupport"]),
        .testTarget(name: "CochleaNNTests", dependencies: ["CochleaNN", "CochleaCTC", "CochleaTestSupport"]),
        .testTarget(name: "CochleaModelTests", dependencies: ["CochleaModel", "CochleaTestSupport"]),
        .testTarget(name: "CochleaDecodingTests", dependencies: ["CochleaDecoding", "CochleaCore", "CochleaTestSupport"]),
        .testTarget(name: "CochleaTrainingTests", dependencies: ["CochleaTraining", "CochleaAudio", "CochleaTestSupport"]),
        .testTarget(
            name: "CochleaRecognitionTests",
            dependencies: ["CochleaRecognition", "CochleaDecoding", "CochleaModel", "CochleaFeatures", "CochleaNN", "CochleaAudio", "CochleaCore", "CochleaTestSupport"]),
        .testTarget(name: "CochleaCTCTests", dependencies: ["CochleaCTC", "CochleaTestSupport"]),
        .testTarget(name: "CochleaMetricsTests", dependencies: ["CochleaMetrics", "CochleaTestSupport"]),
        .testTarget(name: "CochleaCLITests", dependencies: ["CochleaCore", "CochleaAudio", "CochleaFeatures", "CochleaNN", "CochleaModel", "CochleaTraining", "CochleaTestSupport"]),
        .testTarget(name: "CochleaDistributedTests", dependencies: ["CochleaDistributed"]),
        .testTarget(name: "CochleaFeaturesTests", dependencies: ["CochleaFeatures", "CochleaAudio", "CochleaTestSupport"]),
        .testTarget(name: "CochleaCorpusTests", dependencies: ["CochleaCorpus", "CochleaAudio", "CochleaCore", "CochleaTestSupport"]),
    ]
)
