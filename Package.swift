// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "gatewayctl",
    // Linux only: the code calls Glibc directly (openat, renameat, flock, xattrs, /proc/self/fd).
    products: [
        .executable(name: "gatewayctl", targets: ["gatewayctl"]),
        .library(name: "ConfigModel", targets: ["ConfigModel"]),
        .library(name: "MapBuilder", targets: ["MapBuilder"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // System libraries: Debian's libdb-dev and libpcre2-dev.
        .systemLibrary(name: "CBerkeleyDB", path: "Sources/CBerkeleyDB"),
        .systemLibrary(name: "CPCRE2", path: "Sources/CPCRE2", pkgConfig: "libpcre2-8",
                       providers: [.apt(["libpcre2-dev"])]),

        // File I/O: directory handles (openat, O_NOFOLLOW), typed read failures, atomic replace,
        // locks. The bottom layer: knows nothing else of the project.
        .systemLibrary(name: "CFileLayer", path: "Sources/CFileLayer"),
        .target(name: "FileLayer", dependencies: ["CFileLayer"]),

        // Lookup tables: postmap-compatible sources, Berkeley DB, regex tables. No model, no terminal I/O.
        .target(name: "MapBuilder", dependencies: ["CBerkeleyDB", "CPCRE2", "FileLayer"]),

        // The model and everything that reads or writes it. No terminal I/O.
        .target(name: "ConfigModel", dependencies: ["MapBuilder", "FileLayer"]),

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
        .testTarget(name: "FileLayerTests", dependencies: ["FileLayer", "TestSupport"]),
        .testTarget(name: "SMTPProbeTests", dependencies: ["SMTPProbe", "TestSupport"]),
        .testTarget(name: "SimulateTests", dependencies: ["ConfigModel", "SMTPProbe", "TestSupport"]),
        .testTarget(name: "GatewayctlCLITests", dependencies: ["TestSupport", "gatewayctl"]),
        .testTarget(name: "MapBuilderTests", dependencies: ["MapBuilder", "SMTPProbe", "TestSupport", "gatewayctl"],
                    exclude: ["Golden"]),
    ]
)
