#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A one-line progress bar on stderr, drawn only when stderr is a terminal and the work is
/// large enough to be worth watching; silent otherwise (pipes, CI, small tables).
final class ProgressBar {
    private let label: String
    private let enabled: Bool
    private var shown = false
    private var lastPercent = -1
    /// Sources below this size finish before a bar would be readable.
    static let threshold = 8 << 20

    init(label: String) {
        self.label = label
        self.enabled = Terminal.isTTY(fd: 2) && getenv("TERM").map { String(cString: $0) != "dumb" } ?? false
    }

    func update(_ done: Int, _ total: Int) {
        guard enabled, total >= ProgressBar.threshold, total > 0 else { return }
        let percent = min(100, done * 100 / total)
        guard percent != lastPercent else { return }
        lastPercent = percent
        let width = 30
        let filled = percent * width / 100
        let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
        Terminal.writeAll(2, "\r[\(bar)] \(percent)% \(label)")
        shown = true
    }

    func finish() {
        guard shown else { return }
        Terminal.writeAll(2, "\r\u{1B}[K")
        shown = false
    }
}
