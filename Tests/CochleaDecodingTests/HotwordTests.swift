import CochleaDecoding
import Foundation
import XCTest

final class HotwordTests: XCTestCase {
    let tokens = ["<blank>", " ", "a", "b", "c"]
    /// "a" then a close call between "b" (0.5) and "c" (0.4), then a clear word "ca".
    var closeCall: Frames {
        Frames.spelled([[2: 0.9], [0: 0.9], [3: 0.5, 4: 0.4], [0: 0.9], [1: 0.9], [4: 0.9], [0: 0.9], [2: 0.9]], classes: 5)
    }

    func decode(_ input: Frames, hotwords: [Hotwords.Entry], width: Int = 16) throws -> Transcript {
        try input.with(BeamSearchDecoder(tokens: tokens, options: BeamSearchOptions(beamWidth: width), hotwords: hotwords).decode)
    }

    func testAHotwordChangesACloseCallAndNothingElse() throws {
        XCTAssertEqual(try decode(closeCall, hotwords: []).text, "ab ca")
        XCTAssertEqual(try decode(closeCall, hotwords: [.init(word: "ac", weight: 1)]).text, "ac ca")
        // Too small a weight does not beat ln(0.5/0.4) ≈ 0.22.
        XCTAssertEqual(try decode(closeCall, hotwords: [.init(word: "ac", weight: 0.1)]).text, "ab ca")
        // A modest weight cannot overturn clear evidence: "ca" (0.9) against "cb" (0.03), or "ab"
        // against "a" (dropping the 0.5 "b" costs ln(0.5/0.033) ≈ 2.7).
        XCTAssertEqual(try decode(closeCall, hotwords: [.init(word: "cb", weight: 3)]).text, "ab ca")
        XCTAssertEqual(try decode(closeCall, hotwords: [.init(word: "a", weight: 1)]).text, "ab ca")
        XCTAssertEqual(try decode(closeCall, hotwords: [.init(word: "a", weight: 3)]).text, "a ca", "and a large one can")
    }

    func testHotwordsThatDoNotOccurChangeNothing() throws {
        let absent: [Hotwords.Entry] = [.init(word: "bbb", weight: 2), .init(word: "cccc", weight: 5), .init(word: "abcab", weight: 4)]
        for seed in 0..<20 {
            let input = Frames.random(frames: 60, classes: 5, kind: .peaky, seed: 3000 + UInt64(seed))
            let plain = try decode(input, hotwords: [], width: 32), boosted = try decode(input, hotwords: absent, width: 32)
            guard !absent.contains(where: { plain.text.split(separator: " ").contains(Substring($0.word)) }) else { continue }
            XCTAssertEqual(boosted.text, plain.text, "seed \(seed)")
            // Provisional bonuses change which other prefixes the beam keeps on the way, so the summed
            // acoustic score may differ in the third decimal; the words and their times may not.
            XCTAssertEqual(boosted.score, plain.score, accuracy: 1e-2, "seed \(seed)")
            XCTAssertEqual(boosted.words, plain.words, "seed \(seed)")
        }
    }

    func testBoostedSearchMatchesBruteForce() throws {
        let small = ["<blank>", " ", "a", "b"]
        let hot: [String: Double] = ["ab": 1.5, "b": 0.7, "bab": 2]
        let entries = hot.map { Hotwords.Entry(word: $0.key, weight: $0.value) }
        let decoder = try BeamSearchDecoder(tokens: small, options: BeamSearchOptions(beamWidth: 8192, beamThreshold: 1000), hotwords: entries)
        var checked = 0
        for seed in 0..<25 {
            let input = Frames.random(frames: 3 + Int(seed) % 5, classes: 4, kind: .flat, seed: 4000 + UInt64(seed))
            let reference = input.with { BruteForceDecoder.rank($0, tokens: small, hotwords: hot) }
            let found = input.with(decoder.search)[0]
            guard reference[0].score - reference[1].score > 1e-4 else { continue }
            XCTAssertEqual(found.tokens, reference[0].tokens, "seed \(seed)")
            XCTAssertEqual(found.score, reference[0].score, accuracy: 1e-3, "seed \(seed)")
            checked += 1
        }
        XCTAssertGreaterThan(checked, 15)
    }

    func testParsesWordAndWeight() throws {
        XCTAssertEqual(try Hotwords.parseEntry("yes:2.5"), .init(word: "yes", weight: 2.5))
        XCTAssertEqual(try Hotwords.parseEntry("yes"), .init(word: "yes", weight: Hotwords.defaultWeight))
        XCTAssertThrowsError(try Hotwords.parseEntry("yes:lots")) { XCTAssertTrue("\($0)".contains("must be a number"), "\($0)") }
    }
}
