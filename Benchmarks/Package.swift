// swift-tools-version:6.1
// Benchmarks for swift-iec61850 (ordo-one/benchmark). Run with ./run.sh, which also starts the
// libiec61850 peer server and measures its own client in the same run.

import PackageDescription

let package = Package(
    name: "swift-iec61850-benchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "swift-iec61850", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.0", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        .executableTarget(
            name: "MMSBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "IEC61850", package: "swift-iec61850"),
                .product(name: "IEC61850SCL", package: "swift-iec61850"),
                .product(name: "IEC61850Demo", package: "swift-iec61850"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Benchmarks/MMSBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
