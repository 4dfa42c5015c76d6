import Foundation

/// Progress on long work: a redrawn bar on a terminal, a plain line every few seconds otherwise,
/// always on stderr so stdout stays machine-readable. Thread-safe.
final class ProgressReporter {
    private let total: Int
    private let label: String
    private let enabled: Bool
    private let terminal = Console.stderrIsTerminal
    private let start = Date()
    private var done = 0
    private var lastDraw = Date.distantPast
    private let lock = NSLock()

    /// `enabled` false (e.g. for a handful of inputs or `--quiet`) prints nothing.
    init(total: Int, label: String, enabled: Bool = true) {
        self.total = total
        self.label = label
        self.enabled = enabled && total > 0
    }

    func advance(by count: Int = 1) {
        lock.lock(); defer { lock.unlock() }
        done += count
        guard enabled else { return }
        let now = Date()
        let interval: TimeInterval = terminal ? 0.1 : 5
        if now.timeIntervalSince(lastDraw) >= interval || done == total {
            lastDraw = now
            draw(now)
        }
    }

    func finish() {
        lock.lock(); defer { lock.unlock() }
        if enabled && terminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    private func draw(_ now: Date) {
        let elapsed = now.timeIntervalSince(start)
        let fraction = Double(done) / Double(total)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let left = rate > 0 ? Double(total - done) / rate : 0
        let timing = String(format: "%.1f/s, %@ left", rate, Self.clock(left))
        if terminal {
            let width = 30
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            let line = String(format: "\r%@ [%@] %d/%d (%3.0f%%) %@ ", label, bar, done, total, fraction * 100, timing)
            FileHandle.standardError.write(Data(line.utf8))
        } else {
            Console.note(String(format: "%@: %d/%d (%.0f%%), %@", label, done, total, fraction * 100, timing))
        }
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
