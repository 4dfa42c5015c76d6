import CochleaMetrics
import CochleaTestSupport
import Foundation
import XCTest

/// Cross-checks with NIST sclite (Debian package `sctk`) when it is installed: our trn files are
/// scored by sclite, and its totals must equal ours.
final class ScliteTests: XCTestCase {
    func testScliteAgreesWithOurCorpusTotals() throws {
        let sclite = try Sclite.required()
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

        let (percentages, counts) = try Sclite.summary(sclite, reference: folder.file("ref.trn"), hypothesis: folder.file("hyp.trn"))

        let ours = Metrics.score(utterances).totals
        // sclite weighs substitutions 4 and insertions and deletions 3, so it may split S, D and I
        // differently; the totals must agree here (on rare inputs its weighted alignment could even
        // count more errors).
        XCTAssertEqual(counts[0], Double(utterances.count), "sentences")
        XCTAssertEqual(counts[1], Double(ours.words.referenceLength), "reference words")
        XCTAssertEqual(counts[6], Double(ours.words.errors), "errors")
        XCTAssertEqual(counts[7], Double(ours.utterancesWithErrors), "sentences with errors")
        XCTAssertEqual(percentages[6], (ours.wordErrorRate * 1000).rounded() / 10, accuracy: 1e-9, "WER in % (one decimal)")
        XCTAssertGreaterThan(ours.words.errors, 400, "the check must cover many errors")
    }
}
