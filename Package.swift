// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "gatewayctl",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "gatewayctl", targets: ["gatewayctl"]),
        .library(name: "ConfigModel", targets: ["ConfigModel"]),
        .library(name: "MapBuilder", targets: ["MapBuilder"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // System libraries: Debian's libdb-dev, liblmdb-dev, libcdb-dev (tinycdb) and libpcre2-dev.
        .systemLibrary(name: "CBerkeleyDB", path: "Sources/CBerkeleyDB"),
        .systemLibrary(name: "CLMDB", path: "Sources/CLMDB", providers: [.apt(["liblmdb-dev"])]),
        .systemLibrary(name: "CCDB", path: "Sources/CCDB", providers: [.apt(["libcdb-dev"])]),
        .systemLibrary(name: "CPCRE2", path: "Sources/CPCRE2", pkgConfig: "libpcre2-8",
                       providers: [.apt(["libpcre2-dev"])]),

        // Lookup tables: postmap-compatible sources, Berkeley DB, lmdb, cdb, regex tables. No model, no terminal I/O.
        .target(name: "MapBuilder", dependencies: ["CBerkeleyDB", "CLMDB", "CCDB", "CPCRE2"]),

        // The model and everything that reads or writes it. No terminal I/O.
        .target(name: "ConfigModel", dependencies: ["MapBuilder"]),

        // SMTP client on POSIX sockets and the live relay-test battery (`probe`). No model.
        .target(name: "SMTPProbe"),

        // The command line: arguments, printing, colours, exit codes.
        .executableTarget(name: "gatewayctl", dependencies: [
            "ConfigModel", "MapBuilder", "SMTPProbe",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Helpers shared by tests: temp dirs, running the built binary, real daemons (Postfix, ...).
        .target(name: "TestSupport", dependencies: ["ConfigModel", "MapBuilder", "SMTPProbe"], path: "Tests/TestSupport"),

        .testTarget(name: "ConfigModelTests", dependencies: ["ConfigModel", "TestSupport"],
                    exclude: ["Emit/Golden", "Fixtures", "Golden"]),
        .testTarget(name: "SMTPProbeTests", dependencies: ["SMTPProbe", "TestSupport"]),
        .testTarget(name: "SimulateTests", dependencies: ["ConfigModel", "SMTPProbe", "TestSupport"]),
        .testTarget(name: "GatewayctlCLITests", dependencies: ["TestSupport", "gatewayctl"]),
        .testTarget(name: "MapBuilderTests", dependencies: ["MapBuilder", "SMTPProbe", "TestSupport", "gatewayctl"],
                    exclude: ["Golden"]),
    ]
)
