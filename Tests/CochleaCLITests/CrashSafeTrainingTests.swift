import CochleaCore
import CochleaModel
import CochleaTestSupport
import CochleaTraining
import Foundation
import XCTest

/// Training killed at random moments (SIGKILL: no chance to clean up) never leaves a checkpoint
/// that does not load, and resuming from whatever is on disk reaches the weights of a run that was
/// never interrupted. SIGINT and SIGTERM save a checkpoint and exit cleanly.
final class CrashSafeTrainingTests: XCTestCase {
    let folder = TemporaryDirectory()

    var corpus: String { folder.file("corpus") }
    func arguments(_ out: String) -> [String] {
        ["train", corpus, "--out", out, "--epochs", "4", "--hidden", "6", "--batch-size", "2", "--threads", "2"]
    }

    func start(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.binary)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    func testKilledAtRandomMomentsThenResumedEqualsUninterrupted() throws {
        try TinyCorpus.write(to: corpus)
        let reference = folder.file("reference")
        let started = Date()
        XCTAssertEqual(try CLI.run(arguments(reference)).status, 0)
        let duration = Date().timeIntervalSince(started)
        let expected = try AcousticModel.load(from: reference).parameters
        var random = SeededRandom(seed: 2026)
        var checkpointsSeen = 0
        for attempt in 0..<20 {
            let out = folder.file("run\(attempt)")
            let process = try start(arguments(out))
            usleep(useconds_t(random.nextUnitDouble() * duration * 1_000_000))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let checkpoint = out + "/checkpoints/last.safetensors"
            var resume = false
            if FileManager.default.fileExists(atPath: checkpoint) {
                XCTAssertNoThrow(try Checkpoint.read(checkpoint), "attempt \(attempt): the checkpoint on disk loads")
                checkpointsSeen += 1
                resume = true
            }
            if FileManager.default.fileExists(atPath: out + "/config.json") {
                XCTAssertNoThrow(try AcousticModel.load(from: out), "attempt \(attempt): a model folder with its config loads")
            }
            let finish = try CLI.run(arguments(out) + (resume ? ["--resume"] : []))
            XCTAssertEqual(finish.status, 0, "attempt \(attempt): \(finish.stderr)")
            XCTAssertEqual(try AcousticModel.load(from: out).parameters, expected, "attempt \(attempt) (resumed: \(resume))")
        }
        XCTAssertGreaterThan(checkpointsSeen, 5, "some kills must land after a checkpoint was written")
    }

    func testSIGINTAndSIGTERMSaveACheckpointAndExitCleanly() throws {
        try TinyCorpus.write(to: corpus)
        let reference = folder.file("reference")
        XCTAssertEqual(try CLI.run(arguments(reference)).status, 0)
        let expected = try AcousticModel.load(from: reference).parameters
        // SIGTERM twice in a row is what `timeout` sends (to the process, then to its group): still
        // one request to save and stop, not the "again" that quits at once.
        for (signal, times) in [(SIGINT, 1), (SIGTERM, 1), (SIGTERM, 2)] {
            let out = folder.file("signal\(signal)x\(times)")
            let process = try start(arguments(out))
            // Wait until training has begun (the model folder appears once features are ready).
            let deadline = Date().addingTimeInterval(60)
            while !FileManager.default.fileExists(atPath: out + "/config.json") && Date() < deadline { usleep(20_000) }
            usleep(100_000)
            for _ in 0..<times {
                kill(process.processIdentifier, signal)
                usleep(2_000)
            }
            process.waitUntilExit()
            XCTAssertEqual(process.terminationReason, .exit, "signal \(signal) × \(times): no crash")
            XCTAssertEqual(process.terminationStatus, 130, "signal \(signal) × \(times): exits after saving")
            let saved = try Checkpoint.read(out + "/checkpoints/last.safetensors")
            XCTAssertLessThan(saved.state.epoch, 4, "stopped before the end")
            XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/.lock"), "the lock is released")
            XCTAssertEqual(try CLI.run(arguments(out) + ["--resume"]).status, 0)
            XCTAssertEqual(try AcousticModel.load(from: out).parameters, expected, "signal \(signal) × \(times)")
        }
    }
}
