// swift-tools-version:6.1
//
// The libFuzzer binary for huqi's readers. Not part of the product: built only by `ops/fuzz`
// with `-sanitize=fuzzer,address`; its main.swift hands the target named by HUQI_FUZZ_TARGET
// to libFuzzer's driver. The targets live in the root package's FuzzTargets module, which the
// corpus replay test (FuzzCorpusTests) also runs.
import PackageDescription

let package = Package(
    name: "huqi-fuzzer",
    platforms: [.macOS(.v14)],
    dependencies: [.package(name: "huqi", path: "../..")],
    targets: [
        .target(name: "CFuzzerDriver"),
        .executableTarget(name: "huqi-fuzz", dependencies: ["CFuzzerDriver", .product(name: "HuqiFuzzTargets", package: "huqi")]),
    ]
)
