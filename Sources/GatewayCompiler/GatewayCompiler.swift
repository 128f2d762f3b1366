/// gateway.conf to files: the compile pipeline (`Compilation`: read once, parse, emit, and the
/// emitted main.cf/master.cf parsed once, with the map from compiled lines back to
/// gateway.conf), one emitter per output file, the restriction compiler (order, names for the
/// target version, one comment per entry), and the tree writer (all-or-nothing commit, diff).
/// Knows no lint rule and no command; findings it produces are the emit errors, as
/// `Diagnostic`s of the gateway.conf value at fault.
///
/// Public API
/// - `Compilation.compile(path:overrides:)` -> `document`, `diagnostics`, `tree`, `postfix`,
///   `origin(of: span)`; `check`, `build` and `simulate CONFIG` consume it.
/// - `GatewayEmitter.emit(gateway)` -> `EmittedTree` (files with paths, modes, map references)
///   or `EmitError`; `tree.postfixConfiguration(version:)`.
/// - `TreeWriter.write(tree, to: dir, buildDatabase:waiting:)` (the commit protocol of README's
///   "Building a gateway": lock, rollback of an interrupted build, journal), `TreeWriter.status(of:in:)`
///   (tables compared by source fingerprint), `TreeWriter.interrupted(in:)`,
///   `UnifiedDiff.diff(old:new:oldName:newName:)`.
public enum GatewayCompiler {
    public static let libraryName = "GatewayCompiler"
}
