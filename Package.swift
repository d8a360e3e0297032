// swift-tools-version:6.1
//
// huqi — the enterprise-case intake gateway of the 检察护企 programme.
// Layers point downward only (see README "Architecture"):
//   huqi (CLI) → Server → Store → Postgres → CLibPQ
//                              ↘ Domain (pure values and rules)
//              ↘ EmbeddedPostgres (private cluster management)
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "huqi",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "huqi", targets: ["huqi"]),
        // The readers' fuzz entry points, for the libFuzzer package in ops/fuzzer (see ops/fuzz).
        .library(name: "HuqiFuzzTargets", targets: ["FuzzTargets"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
        // Already under Hummingbird; named for the connection handler that answers unreadable requests.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
    ],
    targets: [
        // libpq, the PostgreSQL C client library, as a Swift module.
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        // The Swift face of libpq: connections on dedicated threads, pool, queries, COPY, LISTEN.
        .target(
            name: "Postgres",
            dependencies: [
                "CLibPQ",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Manages a private PostgreSQL cluster (initdb / pg_ctl) under HUQI_DATA_DIR.
        .target(
            name: "EmbeddedPostgres",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Values and rules, pure: identity and access policy (later: case data, workflow, calendar).
        .target(
            name: "Domain",
            swiftSettings: swiftSettings
        ),
        // Readers for partner batches: encodings, CSV, JSON, XLSX (ZIP + XML), header mapping.
        .target(
            name: "Intake",
            dependencies: ["Domain", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            swiftSettings: swiftSettings
        ),
        // What ops/fuzz feeds to libFuzzer, and the corpus replay test runs on every ops/test.
        .target(
            name: "FuzzTargets",
            dependencies: ["Intake", "Domain"],
            swiftSettings: swiftSettings
        ),
        // Renderings of reports (HTML with SVG charts, CSV for Excel, JSON, Markdown, XLSX).
        .target(
            name: "Reporting",
            dependencies: ["Domain", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            swiftSettings: swiftSettings
        ),
        // Repositories over Postgres and the migration runner for sql/.
        .target(
            name: "Store",
            dependencies: [
                "Domain",
                "Postgres",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The Hummingbird application: API, health, metrics.
        .target(
            name: "Server",
            dependencies: [
                "Domain",
                "Reporting",
                "Intake",
                "Postgres",
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
                "Store",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ],
            // The OpenAPI contract, served at /openapi.yaml from inside the binary.
            resources: [.embedInCode("API/openapi.yaml")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "huqi",
            dependencies: [
                "Server",
                "Reporting",
                "Intake",
                "Store",
                "Domain",
                "Postgres",
                "EmbeddedPostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The huqi side of ops/bench/claims (not part of the product).
        .executableTarget(
            name: "huqi-bench-claims",
            dependencies: ["Store", "Domain", "Postgres", .product(name: "Logging", package: "swift-log")],
            path: "Sources/huqi-bench",
            swiftSettings: swiftSettings
        ),
        // The huqi side of ops/bench/roundtrip (not part of the product).
        .executableTarget(
            name: "huqi-bench-roundtrip",
            dependencies: ["Postgres", .product(name: "Logging", package: "swift-log")],
            path: "Sources/huqi-bench-roundtrip",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TestSupport",
            dependencies: ["Postgres", "Store", "EmbeddedPostgres", "Domain"],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PostgresTests",
            dependencies: ["Postgres", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StoreTests",
            dependencies: ["Store", "Postgres", "Domain", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DomainTests",
            dependencies: ["Domain"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "IntakeTests",
            dependencies: ["Intake", "Domain", "FuzzTargets", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CLITests",
            dependencies: ["Domain", "Server", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "Server", "Store", "Postgres", "Domain", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
