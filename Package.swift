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
        // System libraries: Debian's libdb-dev, liblmdb-dev, libcdb-dev (tinycdb), libpcre2-dev
        // and libssl-dev.
        .systemLibrary(name: "CBerkeleyDB", path: "Sources/CBerkeleyDB"),
        .systemLibrary(name: "CLMDB", path: "Sources/CLMDB", providers: [.apt(["liblmdb-dev"])]),
        .systemLibrary(name: "CCDB", path: "Sources/CCDB", providers: [.apt(["libcdb-dev"])]),
        .systemLibrary(name: "CPCRE2", path: "Sources/CPCRE2", pkgConfig: "libpcre2-8",
                       providers: [.apt(["libpcre2-dev"])]),
        // Debian's libssl-dev headers: STARTTLS in `probe` on the plain POSIX socket (no
        // swift-nio-ssl). libssl is loaded with dlopen when a probe negotiates TLS, not linked:
        // no other command pays for loading it.
        .target(name: "COpenSSL", path: "Sources/COpenSSL"),

        // File I/O: directory handles (openat, O_NOFOLLOW), typed read failures, atomic replace,
        // locks. The bottom layer: knows nothing else of the project.
        .systemLibrary(name: "CFileLayer", path: "Sources/CFileLayer"),
        .target(name: "FileLayer", dependencies: ["CFileLayer"]),

        // Lookup tables: postmap-compatible sources, Berkeley DB, lmdb, cdb, regex tables. No model, no terminal I/O.
        .target(name: "MapBuilder", dependencies: ["CBerkeleyDB", "CLMDB", "CCDB", "CPCRE2", "FileLayer"]),

        // Layers, lowest first; a module imports only modules listed above it
        // (scripts/module-graph.sh prints the graph and fails on a cycle or an upward arrow).
        // Findings, spans, rule descriptions, did-you-mean, reporters. Knows no configuration.
        .target(name: "Diagnostics"),
        // Postfix main.cf/master.cf reader, expansion, parameter and restriction knowledge,
        // access tables; ClamAV and amavis readers beside it. Knows no gateway.conf, no rules.
        .target(name: "PostfixConfig", dependencies: ["Diagnostics", "MapBuilder", "FileLayer"]),
        // The gateway model (single source of truth), the gateway.conf language and the DSL.
        .target(name: "ConfigModel", dependencies: ["Diagnostics", "PostfixConfig", "MapBuilder", "FileLayer"]),
        // gateway.conf -> files: emitters, restriction compiler, the compile pipeline, tree writer.
        .target(name: "GatewayCompiler", dependencies: ["Diagnostics", "PostfixConfig", "ConfigModel", "MapBuilder",
                                                        "FileLayer"]),
        // The transaction evaluator: Postfix's reply to one SMTP transaction, with a trace. Lint's
        // open-relay verdict comes from this same evaluator, so Simulate sits below Lint.
        .target(name: "Simulate", dependencies: ["Diagnostics", "PostfixConfig", "ConfigModel", "GatewayCompiler",
                                                 "MapBuilder", "FileLayer"]),
        // Rules, registry, suppressions, `check` and `lint` drivers.
        .target(name: "Lint", dependencies: ["Diagnostics", "PostfixConfig", "ConfigModel", "GatewayCompiler",
                                             "Simulate", "MapBuilder", "FileLayer"]),

        // SMTP client on POSIX sockets and the live relay-test battery (`probe`). No model.
        .target(name: "SMTPProbe", dependencies: ["COpenSSL"]),

        // The command line: arguments, printing, colours, exit codes.
        .executableTarget(name: "gatewayctl", dependencies: [
            "Diagnostics", "PostfixConfig", "ConfigModel", "GatewayCompiler", "Simulate", "Lint",
            "MapBuilder", "SMTPProbe", "FileLayer",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Helpers shared by tests: temp dirs, running the built binary, real daemons (Postfix, ...).
        .target(name: "TestSupport", dependencies: ["Diagnostics", "PostfixConfig", "ConfigModel", "GatewayCompiler",
                                                   "Simulate", "Lint", "MapBuilder", "SMTPProbe"], path: "Tests/TestSupport"),

        .testTarget(name: "ConfigModelTests", dependencies: ["Diagnostics", "PostfixConfig", "ConfigModel", "GatewayCompiler",
                                                         "Simulate", "Lint", "TestSupport"],
                    exclude: ["Emit/Golden", "Fixtures", "Golden"]),
        .testTarget(name: "FileLayerTests", dependencies: ["FileLayer", "TestSupport"]),
        .testTarget(name: "SMTPProbeTests", dependencies: ["SMTPProbe", "TestSupport"]),
        .testTarget(name: "SimulateTests", dependencies: ["Diagnostics", "PostfixConfig", "ConfigModel", "GatewayCompiler",
                                                      "Simulate", "Lint", "SMTPProbe", "TestSupport"]),
        .testTarget(name: "GatewayctlCLITests", dependencies: ["TestSupport", "gatewayctl"]),
        .testTarget(name: "MapBuilderTests", dependencies: ["MapBuilder", "SMTPProbe", "TestSupport", "gatewayctl"],
                    exclude: ["Golden"]),
    ]
)
