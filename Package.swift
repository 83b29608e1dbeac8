// swift-tools-version:6.1
//
// swift-iec61850 — an async-first IEC 61850 stack (MMS client and server) in Swift.

import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "swift-iec61850",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "IEC61850", targets: ["IEC61850"]),
        .library(name: "IEC61850Client", targets: ["IEC61850Client"]),
        .library(name: "IEC61850Server", targets: ["IEC61850Server"]),
        .library(name: "IEC61850Demo", targets: ["IEC61850Demo"]),
        .library(name: "IEC61850MMS", targets: ["IEC61850MMS"]),
        .library(name: "IEC61850Model", targets: ["IEC61850Model"]),
        .library(name: "IEC61850Codec", targets: ["IEC61850Codec"]),
        .library(name: "IEC61850SCL", targets: ["IEC61850SCL"]),
        .executable(name: "iec61850", targets: ["IEC61850CLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        .target(
            name: "IEC61850Model",
            swiftSettings: strictSettings
        ),
        .target(
            // BER reader/writer and the MMS Data and TypeSpecification codecs: no NIO, so a GOOSE/SV module can share it.
            name: "IEC61850Codec",
            dependencies: ["IEC61850Model"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "IEC61850SCL",
            dependencies: ["IEC61850Model"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "IEC61850MMS",
            dependencies: [
                "IEC61850Model",
                "IEC61850Codec",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            // The ACSI vocabulary the client and the server share: errors, typed values, dataset and report options.
            name: "IEC61850ACSI",
            dependencies: ["IEC61850Model", "IEC61850MMS"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "IEC61850Client",
            dependencies: [
                "IEC61850ACSI",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "IEC61850Server",
            dependencies: [
                "IEC61850ACSI",
                "IEC61850SCL",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            // The umbrella: client, server and the layers below, re-exported.
            name: "IEC61850",
            dependencies: ["IEC61850Client", "IEC61850Server"],
            swiftSettings: strictSettings
        ),
        .target(
            // The demo IED of the CLI, the tests and the benchmarks (not part of the umbrella).
            name: "IEC61850Demo",
            dependencies: ["IEC61850Server"],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "IEC61850CLI",
            dependencies: [
                // The umbrella re-exports client and server; naming them too lets an incremental build see a change in
                // them (seen: a struct's new field left the CLI's objects stale through the umbrella alone).
                "IEC61850", "IEC61850Client", "IEC61850Server",
                "IEC61850Demo",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "IEC61850ModelTests",
            dependencies: ["IEC61850Model"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "IEC61850MMSTests",
            dependencies: [
                "IEC61850MMS",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "IEC61850SCLTests",
            dependencies: ["IEC61850SCL"],
            exclude: ["Fixtures"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "IEC61850Tests",
            dependencies: [
                "IEC61850", "IEC61850Client", "IEC61850Server", "IEC61850Demo", "IEC61850MMS", "IEC61850SCL",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Fixtures"],
            swiftSettings: strictSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
