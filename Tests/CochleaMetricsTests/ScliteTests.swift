import CochleaMetrics
import CochleaTestSupport
import Foundation
import XCTest

/// Cross-checks with NIST sclite (Debian package `sctk`) when it is installed: our trn files are
/// scored by sclite, and its totals must equal ours.
final class ScliteTests: XCTestCase {
    /// Debian installs sclite under /usr/lib/sctk/bin and only a `sctk` wrapper in /usr/bin.
    static let candidates = ["/usr/bin/sclite", "/usr/lib/sctk/bin/sclite", "/usr/local/bin/sclite"]

    static func findSclite() -> String? {
        if let path = ProcessInfo.processInfo.environment["SCLITE"], FileManager.default.isExecutableFile(atPath: path) {
            return path
        }
        let onPath = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { String($0) + "/sclite" }
        return (candidates + onPath).first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    func testScliteAgreesWithOurCorpusTotals() throws {
        guard let sclite = Self.findSclite() else {
            throw XCTSkip("sclite not found (looked at $SCLITE, \(Self.candidates.joined(separator: ", ")) and $PATH); install the Debian package sctk to run this check")
        }
        var utterances = try JiwerFixtureTests.loadPairs().enumerated().map { index, pair in
            UtterancePair(id: String(format: "spk_%03d", index), reference: pair.reference.split(separator: " ").map(String.init),
                          hypothesis: pair.hypothesis.split(separator: " ").map(String.init))
        }
        // Case differences (sclite needs -s to see them), non-ASCII words, an empty reference.
        utterances += [
            UtterancePair(id: "x_case", reference: ["Hello", "World"], hypothesis: ["hello", "World"]),
            UtterancePair(id: "x_utf8", reference: ["naïve", "café", "日本"], hypothesis: ["naive", "café"]),
            UtterancePair(id: "x_empty", reference: [], hypothesis: ["noise", "noise"]),
        ]
        let folder = TemporaryDirectory()
        try TrnWriter.write(utterances.map { (id: $0.id, words: $0.reference) }, to: folder.file("ref.trn"))
        try TrnWriter.write(utterances.map { (id: $0.id, words: $0.hypothesis) }, to: folder.file("hyp.trn"))

        let output = try Self.run(sclite, ["-r", folder.file("ref.trn"), "trn", "-h", folder.file("hyp.trn"), "trn",
                                           "-i", "rm", "-s", "-o", "sum", "rsum", "stdout"])
        let percentages = try XCTUnwrap(Self.summaryRow(output, label: "Sum/Avg"), output)
        let counts = try XCTUnwrap(Self.summaryRow(output, label: "Sum"), output)

        let ours = Metrics.score(utterances).totals
        // Columns: # Snt, # Wrd, Corr, Sub, Del, Ins, Err, S.Err. sclite weighs substitutions 4 and
        // insertions and deletions 3, so it may split S, D and I differently; the totals must agree
        // here (on rare inputs its weighted alignment could even count more errors).
        XCTAssertEqual(counts[0], Double(utterances.count), "sentences")
        XCTAssertEqual(counts[1], Double(ours.words.referenceLength), "reference words")
        XCTAssertEqual(counts[6], Double(ours.words.errors), "errors")
        XCTAssertEqual(counts[7], Double(ours.utterancesWithErrors), "sentences with errors")
        XCTAssertEqual(percentages[6], (ours.wordErrorRate * 1000).rounded() / 10, accuracy: 1e-9, "WER in % (one decimal)")
        XCTAssertGreaterThan(ours.words.errors, 400, "the check must cover many errors")
    }

    /// The numbers of the row labelled `label` in sclite's summary table ("| Sum | 300 1401 | ... |").
    static func summaryRow(_ output: String, label: String) -> [Double]? {
        for line in output.split(separator: "\n") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 3, cells[1] == label else { continue }
            return cells[2...].flatMap { $0.split(separator: " ") }.compactMap { Double($0) }
        }
        return nil
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> String {
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
        guard process.terminationStatus == 0 else {
            XCTFail("sclite exited with \(process.terminationStatus):\n\(output)")
            return output
        }
        return output
    }
}
