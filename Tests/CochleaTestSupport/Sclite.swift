import Foundation
import XCTest

/// NIST sclite (Debian package `sctk`), for cross-checks that run when it is installed.
public enum Sclite {
    /// Debian installs sclite under /usr/lib/sctk/bin and only a `sctk` wrapper in /usr/bin.
    public static let candidates = ["/usr/bin/sclite", "/usr/lib/sctk/bin/sclite", "/usr/local/bin/sclite"]

    /// $SCLITE, the usual places, then $PATH.
    public static func find() -> String? {
        if let path = ProcessInfo.processInfo.environment["SCLITE"], FileManager.default.isExecutableFile(atPath: path) {
            return path
        }
        let onPath = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { String($0) + "/sclite" }
        return (candidates + onPath).first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The sclite executable, or an `XCTSkip` saying where it was looked for.
    public static func required() throws -> String {
        guard let sclite = find() else {
            throw XCTSkip("sclite not found (looked at $SCLITE, \(candidates.joined(separator: ", ")) and $PATH); install the Debian package sctk to run this check")
        }
        return sclite
    }

    /// Scores two trn files the way Cochlea does (`-s`: case-sensitive) and returns the summary
    /// table's "Sum/Avg" row (percentages) and "Sum" row (counts). Their columns: # Snt, # Wrd,
    /// Corr, Sub, Del, Ins, Err, S.Err.
    public static func summary(
        _ sclite: String, reference: String, hypothesis: String, file: StaticString = #filePath, line: UInt = #line
    ) throws -> (percentages: [Double], counts: [Double]) {
        let output = try run(sclite, ["-r", reference, "trn", "-h", hypothesis, "trn", "-i", "rm", "-s", "-o", "sum", "rsum", "stdout"],
                             file: file, line: line)
        let percentages = try XCTUnwrap(summaryRow(output, label: "Sum/Avg"), output, file: file, line: line)
        let counts = try XCTUnwrap(summaryRow(output, label: "Sum"), output, file: file, line: line)
        return (percentages, counts)
    }

    /// The numbers of the row labelled `label` in sclite's summary table ("| Sum | 300 1401 | ... |").
    public static func summaryRow(_ output: String, label: String) -> [Double]? {
        for line in output.split(separator: "\n") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 3, cells[1] == label else { continue }
            return cells[2...].flatMap { $0.split(separator: " ") }.compactMap { Double($0) }
        }
        return nil
    }

    static func run(_ executable: String, _ arguments: [String], file: StaticString, line: UInt) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let output = String(decoding: data, as: UTF8.self)
        if process.terminationStatus != 0 {
            XCTFail("sclite exited with \(process.terminationStatus):\n\(output)", file: file, line: line)
        }
        return output
    }
}
