import CochleaAudio
import CochleaTestSupport
import Foundation
import XCTest

/// Inputs found by the audio fuzz target (scripts/fuzz.sh audio), kept under `Fixtures/fuzz/`. Each
/// must now fail with a typed error naming the input.
final class AudioFuzzFindingsTests: XCTestCase {
    func decodeError(_ fixture: String) throws -> AudioError? {
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("fuzz/" + fixture)))
        do {
            _ = try AudioDecoder.decode(data: data, name: fixture)
            XCTFail("\(fixture) decoded")
        } catch let error as AudioError {
            XCTAssertEqual(error.path, fixture)
            return error
        }
        return nil
    }

    /// audio: libsndfile says Int64.max frames when a stream does not give its length; that many
    /// samples were reserved before reading (ASan: heap-buffer-overflow inside Array.reserveCapacity).
    func testAStreamOfUnknownLengthReservesNothingAbsurd() throws {
        XCTAssertEqual(try decodeError("ogg_unknown_length.ogg"), .noSamples(path: "ogg_unknown_length.ogg"))
        // The same through a file on disk.
        let path = Fixtures.path("fuzz/ogg_unknown_length.ogg")
        XCTAssertThrowsError(try AudioDecoder.decode(path: path)) { error in
            XCTAssertEqual(error as? AudioError, .noSamples(path: path))
        }
    }

    /// audio: the leak is libsndfile's (see lsan.supp); Cochlea's part is a typed error, and under
    /// `swift test --sanitize=address` LeakSanitizer checks nothing else leaks.
    func testAMalformedVorbisHeaderIsUnrecognised() throws {
        guard case .unrecognised(_, let detail)? = try decodeError("ogg_libsndfile_leaks.ogg") else { return XCTFail() }
        XCTAssertTrue(detail.contains("malformed"), detail)
    }
}

final class AudioFuzzCorpusTests: XCTestCase {
    /// The audio target's seeds: the valid files decode, each broken one gives its typed error.
    func testSeedsAreWhatTheirNamesSay() throws {
        let seeds = try FuzzCorpus.seeds("audio")
        XCTAssertGreaterThan(seeds.count, 10)
        for seed in seeds {
            do {
                let clip = try AudioDecoder.decode(data: seed.data, name: seed.name)
                XCTAssertFalse(seed.isBroken, "\(seed.name) decoded")
                XCTAssertGreaterThan(clip.samples.count, 0, seed.name)
            } catch let error as AudioError {
                XCTAssertTrue(seed.isBroken, "\(seed.name): \(error)")
            }
        }
    }
}
