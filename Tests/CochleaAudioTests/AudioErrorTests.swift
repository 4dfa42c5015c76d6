import CochleaAudio
import CochleaTestSupport
import Foundation
import XCTest

/// Each kind of bad input gets its own typed error naming the file.
final class AudioErrorTests: XCTestCase {
    let folder = TemporaryDirectory()

    func decodeError(_ path: String) -> AudioError? {
        do {
            _ = try AudioDecoder.decode(path: path)
            return nil
        } catch let error as AudioError {
            XCTAssertEqual(error.path, path)
            XCTAssertTrue(error.description.hasPrefix(path + ":"), "message names the file: \(error)")
            return error
        } catch {
            XCTFail("untyped error \(error)")
            return nil
        }
    }

    func testMissingFile() {
        let path = folder.file("absent.wav")
        XCTAssertEqual(decodeError(path), .missing(path: path))
    }

    func testEmptyFile() {
        let path = folder.write("empty.wav", Data())
        XCTAssertEqual(decodeError(path), .empty(path: path))
    }

    func testTruncatedWAV() throws {
        let whole = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("audio/chirp.wav")))
        let path = folder.write("truncated.wav", whole.prefix(30_000))
        guard case .truncated(_, let detail) = decodeError(path) else { return XCTFail("expected truncated") }
        XCTAssertTrue(detail.contains("64000"), detail)
    }

    func testHeaderOnlyWAVIsTruncated() throws {
        let whole = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("audio/chirp.wav")))
        let path = folder.write("header.wav", whole.prefix(44))
        guard case .truncated = decodeError(path) else { return XCTFail("expected truncated") }
    }

    func testTruncatedFLAC() throws {
        let clip = try AudioDecoder.decode(path: Fixtures.path("audio/speech.wav"))
        let flac = folder.file("whole.flac")
        try AudioWriter.write(clip.samples, sampleRate: 16_000, encoding: .flac16, to: flac)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: flac))
        let path = folder.write("cut.flac", bytes.prefix(bytes.count / 2))
        switch decodeError(path) {
        case .truncated?: break
        case let other: XCTFail("expected truncated, got \(String(describing: other))")
        }
    }

    func testTextFileRenamedWAV() {
        let path = folder.write("notes.wav", Data("these are not samples\n".utf8))
        guard case .unrecognised = decodeError(path) else { return XCTFail("expected unrecognised") }
    }

    func testZeroSamples() throws {
        let path = folder.file("silence.wav")
        try AudioWriter.write([], sampleRate: 16_000, encoding: .wavPCM16, to: path)
        XCTAssertEqual(decodeError(path), .noSamples(path: path))
    }

    func testNaNAndInfinity() throws {
        for (name, bad) in [("nan", Float.nan), ("inf", Float.infinity), ("ninf", -Float.infinity)] {
            var samples = [Float](repeating: 0.1, count: 1_000)
            samples[700] = bad
            let path = folder.file("\(name).wav")
            try AudioWriter.write(samples, sampleRate: 16_000, encoding: .wavFloat, to: path)
            guard case .nonFinite(_, let index, _) = decodeError(path) else { return XCTFail("expected non-finite for \(name)") }
            XCTAssertEqual(index, 700)
        }
    }

    func testDirectoryAndFIFO() throws {
        XCTAssertEqual(decodeError(folder.path), .notAFile(path: folder.path, kind: "directory"))
        let fifo = folder.file("pipe.wav")
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        XCTAssertEqual(decodeError(fifo), .notAFile(path: fifo, kind: "FIFO (named pipe)"))
    }

    func testInMemoryDecodingNamesTheSource() throws {
        XCTAssertThrowsError(try AudioDecoder.decode(data: Data("junk".utf8), name: "upload-7")) { error in
            XCTAssertTrue("\(error)".hasPrefix("upload-7: not a recognised audio file"), "\(error)")
        }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("audio/chirp.wav")))
        let fromMemory = try AudioDecoder.decode(data: bytes)
        let fromFile = try AudioDecoder.decode(path: Fixtures.path("audio/chirp.wav"))
        XCTAssertEqual(fromMemory.samples, fromFile.samples)
    }

    /// libsndfile reports a failed open through one process-wide variable; opened on several threads
    /// at once, broken files must still each get their own error (a batch once said "No Error.").
    func testConcurrentOpensKeepTheirOwnErrors() throws {
        let kinds: [(String, Data)] = [("channels65535", CraftedFiles.wav(channels: 65_535, blockAlign: 2)),
                                       ("channels0", CraftedFiles.wav(channels: 0, blockAlign: 2)),
                                       ("bits40", CraftedFiles.wav(bits: 40, blockAlign: 5, data: Data(repeating: 0, count: 1000))),
                                       ("text", Data("RIFF? no, just words\n".utf8)),
                                       ("good", try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("audio/short.wav"))))]
        var alone = [String: String]()
        for (name, data) in kinds {
            let path = folder.write(name + ".wav", data)
            alone[name] = decodeError(path).map { "\($0)" } ?? "decoded"
        }
        XCTAssertFalse(alone.values.contains { $0.contains("No Error") }, "\(alone)")
        let lock = NSLock()
        var differing = [String]()
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            for round in 0..<200 {
                let name = kinds[(thread + round) % kinds.count].0
                let path = folder.file(name + ".wav")
                var message = "decoded"
                do { _ = try AudioDecoder.decode(path: path) } catch { message = "\(error)" }
                if message != alone[name] { lock.lock(); differing.append("\(name): \(message)"); lock.unlock() }
            }
        }
        XCTAssertEqual(differing, [], "errors changed when opened concurrently")
    }
}
