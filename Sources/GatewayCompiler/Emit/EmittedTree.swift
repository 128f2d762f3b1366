import Diagnostics
import ConfigModel
import MapBuilder

/// What `GatewayEmitter.emit` returns: every file of the gateway, in memory, with the path the
/// platform expects relative to the root of the target system (`usr/local/etc/postfix/main.cf`
/// on FreeBSD, `etc/postfix/main.cf` on Debian). Nothing is written: `gatewayctl build` writes the
/// tree, the linter lints it, the simulator reads its restriction lists and maps.
public struct EmittedTree: Equatable, Sendable {
    public var platform: Platform
    /// Sorted by `path`, so output and diffs are deterministic.
    public var files: [EmittedFile]
    /// The compiled restriction lists behind main.cf (the `[restrictions]` overrides already applied).
    public var restrictions: RestrictionPlan
    /// Where each daemon's files live on this platform.
    public var paths: PlatformPaths
    /// The target folds table keys with SMTPUTF8 (Unicode casefold, `smtputf8_enable = yes`):
    /// the `.db` files must be built the same way (`SMTPUTF8.enabled`).
    public var smtputf8 = false

    public init(platform: Platform, files: [EmittedFile], restrictions: RestrictionPlan, paths: PlatformPaths) {
        self.platform = platform
        self.files = files.sorted { $0.path < $1.path }
        self.restrictions = restrictions
        self.paths = paths
    }

    /// The file at `path` (relative, as in `EmittedFile.path`).
    public func file(_ path: String) -> EmittedFile? { files.first { $0.path == path } }

    /// The file Postfix knows by the absolute `path` (`/usr/local/etc/postfix/transport`).
    public func file(absolute path: String) -> EmittedFile? { file(String(path.drop { $0 == "/" })) }

    /// The lookup-table sources, with the type Postfix opens them as.
    public var maps: [EmittedFile] { files.filter { $0.map != nil } }
}

/// One emitted file.
public struct EmittedFile: Equatable, Sendable {
    /// Relative to the root of the target system, never absolute, never with `..`.
    public var path: String
    /// The text. A streamed file (`stream`) is produced whole on each read: the writer, the
    /// linter and the simulator use `stream` instead.
    public var contents: String {
        get { stream?.text ?? text }
        set { text = newValue; stream = nil }
    }
    private var text: String
    /// Set when the contents are produced on demand instead of held (see `StreamedContents`).
    public private(set) var stream: StreamedContents?
    /// Permission bits (0o644 unless the file holds something only its daemon may read).
    public var mode: UInt16
    /// Set when the file is a lookup-table source: its type and the reference main.cf uses.
    public var map: MapReference?

    public init(path: String, contents: String, mode: UInt16 = 0o644, map: MapReference? = nil) {
        self.path = path
        self.text = contents
        self.mode = mode
        self.map = map
    }

    public init(path: String, stream: StreamedContents, mode: UInt16 = 0o644, map: MapReference? = nil) {
        self.init(path: path, contents: "", mode: mode, map: map)
        self.stream = stream
    }

    /// The absolute path on the target system.
    public var absolutePath: String { "/" + path }
}

/// A lookup table as main.cf names it: `hash:/usr/local/etc/postfix/transport`,
/// `lmdb:/etc/postfix/relay_recipients`, `pcre:/etc/postfix/helo_checks`.
public struct MapReference: Equatable, Sendable, CustomStringConvertible {
    /// The table type: the gateway's `table-type` for indexed tables, `pcre` for regex tables.
    public typealias Kind = MapType
    public var kind: Kind
    /// Absolute path of the source on the target system.
    public var path: String
    public init(kind: Kind, path: String) {
        self.kind = kind
        self.path = path
    }
    public var description: String { "\(kind.rawValue):\(path)" }
}

/// Why a model cannot be emitted. `keyPath` names the gateway.conf value (`GatewayDocument`
/// span key) so the CLI can point at it.
struct EmitError: Error, Equatable, Sendable, CustomStringConvertible {
    var keyPath: String
    /// True when the value would have changed the meaning of the file (control characters,
    /// separators); false when it is merely inconsistent (e.g. a size below another).
    public var unsafe: Bool
    public var message: String
    public var fix: String?
    /// Where in the value the problem is (Unicode scalars from the start of the trimmed value),
    /// when it is one character rather than the whole value.
    public var offset: Int?
    public init(_ message: String, at keyPath: String, fix: String? = nil, unsafe: Bool = false, offset: Int? = nil) {
        self.keyPath = keyPath
        self.unsafe = unsafe
        self.message = message
        self.fix = fix
        self.offset = offset
    }
    public var description: String { message }
}

extension EmitError {
    /// The finding for `check`/`build`, at the span of the value in gateway.conf.
    public func diagnostic(in document: GatewayDocument) -> Diagnostic {
        var span = document.span(keyPath)
        // One character of a one-line value: point at it.
        if let offset, span.endLine == span.line, span.column + offset <= span.endColumn {
            span = SourceSpan(file: span.file, line: span.line, column: span.column + offset)
        }
        return (unsafe ? SyntaxFinding.unsafeValue : SyntaxFinding.invalidValue)
            .diagnostic(message, at: span, fix: fix)
    }
}
