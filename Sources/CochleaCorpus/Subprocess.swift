import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs an external program and waits for it. posix_spawn and waitpid directly: Foundation's
/// `Process.waitUntilExit` polls its run loop every 50 ms, longer than a whole synthesis takes.
/// The only place in the module that touches C process types.
enum Subprocess {
    struct Failure: Error, CustomStringConvertible {
        var command: String
        var reason: String
        var description: String { "\(command): \(reason)" }
    }

    /// Runs `executable` (looked up on PATH) with `arguments`; standard output goes to `stdout`
    /// (a file path, or /dev/null), standard error to `stderr`. Throws unless it exits with 0,
    /// quoting the last lines of `stderr`.
    static func run(_ executable: String, _ arguments: [String], stdout: String = "/dev/null", stderr: String) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid = pid_t()
        let spawned = posix_spawnp(&pid, executable, &actions, nil, argv, environ)
        let command = executable
        guard spawned == 0 else {
            throw Failure(command: command, reason: "could not start (\(String(cString: strerror(spawned))))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw Failure(command: command, reason: "waitpid failed (\(String(cString: strerror(errno))))") }
        }
        // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import as macros.
        let signal = status & 0x7F
        let code = (status >> 8) & 0xFF
        if signal == 0 && code == 0 { return }
        let what = signal == 0 ? "exited with status \(code)" : "killed by signal \(signal)"
        throw Failure(command: command, reason: what + tail(of: stderr))
    }

    /// True when `executable` is an executable file in a PATH folder.
    static func isOnPath(_ executable: String) -> Bool {
        let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return folders.contains { access("\($0)/\(executable)", X_OK) == 0 }
    }

    /// The last few lines of a log file, for an error message.
    static func tail(of path: String) -> String {
        guard let data = FileManager.default.contents(atPath: path), !data.isEmpty else { return "" }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").suffix(3)
        return ": " + lines.joined(separator: " / ")
    }
}
