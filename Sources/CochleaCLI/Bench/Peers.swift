import Foundation

/// Runs one of the Python peer benchmarks (`../shared/peers/*.py`) and returns its JSON line.
enum Peers {
    static var directory: String {
        ProcessInfo.processInfo.environment["COCHLEA_PEERS_DIR"] ?? "../shared/peers"
    }
    static var python: String {
        ProcessInfo.processInfo.environment["COCHLEA_PEERS_PYTHON"] ?? "/opt/peers-venv/bin/python"
    }

    static var available: Bool {
        FileManager.default.isExecutableFile(atPath: python) && FileManager.default.fileExists(atPath: directory)
    }

    /// Runs `script` with `arguments`; nil (with a note on stderr) when the peers are not installed or fail.
    static func run(_ script: String, _ arguments: [String]) -> [String: Any]? {
        guard available else {
            Console.note("peer: not installed here (see ../shared/peers/README.md); our figures only")
            return nil
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [(directory as NSString).appendingPathComponent(script)] + arguments + ["--no-wait-quiet"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch {
            Console.note("peer: could not start \(python): \(error)")
            return nil
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
        guard process.terminationStatus == 0, let last = lines.last,
              let object = try? JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any]
        else {
            Console.note("peer: \(script) failed (exit \(process.terminationStatus))")
            return nil
        }
        return object
    }

    /// `object[a][b]...` as a Double.
    static func number(_ object: [String: Any]?, _ keys: String...) -> Double? {
        var current: Any? = object
        for key in keys { current = (current as? [String: Any])?[key] }
        return (current as? NSNumber)?.doubleValue
    }
}

/// Wall-clock timing: the median of repeated runs after a warm-up.
enum Stopwatch {
    static func median(repeats: Int, warmup: Int = 1, _ body: () throws -> Void) rethrows -> Double {
        for _ in 0..<warmup { try body() }
        var times = [Double]()
        for _ in 0..<max(1, repeats) {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        times.sort()
        return times[times.count / 2]
    }

    /// This process's peak resident memory so far (VmHWM), in MB.
    static func peakMemoryMB() -> Double {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
        return (Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
    }
}
