import CochleaMetrics
import CochleaTestSupport
import Foundation
import XCTest

final class MetricsFuzzCorpusTests: XCTestCase {
    /// The transcripts target's seeds (reference, `---`, hypothesis): the valid pairs parse, pair
    /// and score; each broken one is refused with a TranscriptError.
    func testTranscriptSeedsAreWhatTheirNamesSay() throws {
        let seeds = try FuzzCorpus.seeds("transcripts")
        XCTAssertGreaterThan(seeds.count, 5)
        for seed in seeds {
            let parts = FuzzCorpus.parts(seed.data, maximum: 2)
            XCTAssertEqual(parts.count, 2, seed.name)
            do {
                let reference = try TranscriptFile.parse([UInt8](parts[0]), path: "ref")
                let hypothesis = try TranscriptFile.parse([UInt8](parts[1]), path: "hyp")
                let pairing = try TranscriptPairing(reference: reference, hypothesis: hypothesis)
                XCTAssertFalse(seed.isBroken, "\(seed.name) scored")
                XCTAssertGreaterThan(Metrics.score(pairing.pairs).totals.words.referenceLength, 0, seed.name)
            } catch let error as TranscriptError {
                XCTAssertTrue(seed.isBroken, "\(seed.name): \(error)")
            }
        }
    }
}
