/// Where the gateway runs: decides paths, service management and package layout.
public enum Platform: String, Sendable, CaseIterable, Hashable {
    /// FreeBSD ports: configuration under /usr/local/etc (the tutorial's jails).
    case freebsd
    /// Debian/Ubuntu packages: configuration under /etc.
    case debian
}
