import Foundation

/// Where the CLI writes: results to stdout, diagnostics and progress to stderr.
enum Console {
    static let lock = NSLock()
    /// False on the ranks of an mpirun job other than 0, which print nothing.
    nonisolated(unsafe) static var enabled = true

    static func error(_ message: String) {
        lock.lock(); defer { lock.unlock() }
        guard enabled else { return }
        FileHandle.standardError.write(Data(("cochlea: " + message + "\n").utf8))
    }

    static func note(_ message: String) {
        lock.lock(); defer { lock.unlock() }
        guard enabled else { return }
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    static func output(_ line: String) {
        lock.lock(); defer { lock.unlock() }
        guard enabled else { return }
        print(line)
        fflush(stdout)
    }

    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }
}

/// Exit with a non-zero status after a batch in which some inputs failed (the rest were processed).
struct BatchFailure: Error, CustomStringConvertible {
    let failed: Int
    let total: Int
    var description: String { "\(failed) of \(total) inputs failed (see the messages above)" }
}
