// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Petrel",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "petrel", targets: ["petrel"]),
        .executable(name: "petrel-cleaner-bench", targets: ["petrel-cleaner-bench"]),
        .library(name: "KafkaProtocol", targets: ["KafkaProtocol"]),
        .library(name: "KafkaClient", targets: ["KafkaClient"]),
        .library(name: "ZooKeeperClient", targets: ["ZooKeeperClient"]),
        .library(name: "Cluster", targets: ["Cluster"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        // Benchmarks only: percentiles for the load generator, and the microbenchmark runner.
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // C helpers: hardware CRC32C (SSE4.2) with a portable fallback.
        .target(name: "CPetrelSupport", cSettings: [.unsafeFlags(["-O3"])]),
        // Compression libraries from Debian's -dev packages.
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CLZ4", pkgConfig: "liblz4", providers: [.apt(["liblz4-dev"])]),
        .systemLibrary(name: "CSnappy", providers: [.apt(["libsnappy-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        .executableTarget(name: "KafkaSchemaGen", swiftSettings: swiftSettings),
        .target(
            name: "KafkaProtocol",
            dependencies: [
                "CPetrelSupport", "CZstd", "CLZ4", "CSnappy", "CZlib",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "LogStorage",
            dependencies: [
                "KafkaProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "KafkaBroker",
            dependencies: [
                "KafkaProtocol", "LogStorage", "Cluster", "KafkaClient",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            exclude: ["README.md", "GroupCoordinator/README.md", "TransactionCoordinator/README.md"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "KafkaClient",
            dependencies: [
                "KafkaProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),
        // ZooKeeper's binary (jute) client protocol on SwiftNIO; the Cluster target's metadata store.
        .target(
            name: "ZooKeeperClient",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),
        // Cluster metadata (ZooKeeper or embedded backend), the controller, the broker's metadata follower.
        .target(
            name: "Cluster",
            dependencies: [
                "KafkaProtocol", "LogStorage", "ZooKeeperClient",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),
        // A multi-process cluster on this machine (ZooKeeper from Debian's package, detached
        // `petrel broker` processes): what `petrel cluster up/down`, `fail` and `wait` do.
        .target(
            name: "LocalCluster",
            dependencies: [
                "KafkaClient",
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TestSupport",
            dependencies: [
                "KafkaProtocol", "KafkaClient", "KafkaBroker", "LogStorage", "LocalCluster",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "petrel",
            dependencies: [
                "Cluster", "LocalCluster",
                "KafkaBroker", "KafkaClient", "KafkaProtocol",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // Release-mode measurement of the log cleaner (throughput, append latency while it runs).
        .executableTarget(
            name: "petrel-cleaner-bench",
            dependencies: [
                "LogStorage", "KafkaProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Benchmarks/: the system benchmark (librdkafka load generator + orchestrator) lives in
        // Benchmarks/System so package-benchmark, which treats every executable directly under
        // Benchmarks/ as a microbenchmark suite, leaves it alone.
        .systemLibrary(
            name: "CRdKafka", path: "Benchmarks/System/CRdKafka", pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]),
        .target(
            name: "RdKafkaLoad",
            dependencies: ["CRdKafka", .product(name: "Histogram", package: "hdrhistogram-swift")],
            path: "Benchmarks/System/RdKafkaLoad",
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "petrel-bench",
            dependencies: [
                "RdKafkaLoad", "KafkaProtocol", "KafkaClient", "LocalCluster", "TestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/System/PetrelBench",
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "KafkaProtocolBenchmarks",
            dependencies: [
                "KafkaProtocol",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Benchmarks/KafkaProtocolBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "LogStorageBenchmarks",
            dependencies: [
                "LogStorage", "KafkaProtocol",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Benchmarks/LogStorageBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),

        .testTarget(name: "KafkaSchemaGenTests", dependencies: ["KafkaSchemaGen"]),
        .testTarget(
            name: "KafkaProtocolTests",
            dependencies: ["KafkaProtocol", .product(name: "NIOEmbedded", package: "swift-nio")], exclude: ["Golden"]),
        .testTarget(name: "LogStorageTests", dependencies: ["LogStorage", "TestSupport"]),
        .testTarget(
            name: "KafkaBrokerTests",
            dependencies: [
                "KafkaBroker", "Cluster", "KafkaClient", "TestSupport", .product(name: "NIOEmbedded", package: "swift-nio"),
            ]),
        .testTarget(
            name: "ZooKeeperClientTests",
            dependencies: [
                "ZooKeeperClient", "TestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "IntegrationTests", dependencies: ["TestSupport", "KafkaClient"], exclude: ["Scripts"]),
        .testTarget(name: "RdKafkaLoadTests", dependencies: ["RdKafkaLoad", "TestSupport"]),
        .testTarget(name: "PetrelBenchTests", dependencies: ["petrel-bench"]),
        .testTarget(
            name: "ClusterTests",
            dependencies: [
                "Cluster", "TestSupport", "ZooKeeperClient", "KafkaProtocol", "LogStorage",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LocalClusterTests",
            dependencies: [
                "LocalCluster", "TestSupport", "KafkaClient",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KafkaClientTests",
            dependencies: [
                "KafkaClient", "TestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
    ]
)
