import CochleaCore
import CochleaMetrics
import XCTest

final class GroupScoreTests: XCTestCase {
    func testGroupsAddUpTheirUtterancesInFirstSeenOrder() {
        let references = ["go left", "yes", "one two three", "no", "up"]
        let hypotheses = ["go right", "yes", "one three", "no no", "up"]
        let score = Metrics.score(references: references, hypotheses: hypotheses)
        let groups = score.grouped(by: ["b", "a", "b", nil, "a"])
        XCTAssertEqual(groups.map(\.key), ["b", "a"])
        // b: "go left"→"go right" (1 sub of 2), "one two three"→"one three" (1 del of 3).
        XCTAssertEqual(groups[0].words, EditCounts(hits: 3, substitutions: 1, deletions: 1))
        XCTAssertEqual(groups[0].wordErrorRate, 2.0 / 5.0)
        XCTAssertEqual(groups[0].utterances, 2)
        XCTAssertEqual(groups[0].utterancesWithErrors, 2)
        XCTAssertEqual(groups[0].characters.referenceLength, 7 + 13)
        // a: two right single words; the utterance with no key ("no no") is in neither group.
        XCTAssertEqual(groups[1].words, EditCounts(hits: 2))
        XCTAssertEqual(groups[1].utterancesWithErrors, 0)
        XCTAssertEqual(groups[1].wordErrorRate, 0)
    }

    func testGroupsOfEveryUtteranceSumToTheTotals() {
        var random = SeededRandom(seed: 4)
        let vocabulary = ["a", "b", "c"]
        func sentence() -> String {
            (0..<(1 + Int(random.next() % 5))).map { _ in vocabulary[Int(random.next() % 3)] }.joined(separator: " ")
        }
        let references = (0..<300).map { _ in sentence() }, hypotheses = (0..<300).map { _ in sentence() }
        let score = Metrics.score(references: references, hypotheses: hypotheses, threads: 2)
        let groups = score.grouped(by: references.indices.map { "speaker\($0 % 7)" })
        XCTAssertEqual(groups.count, 7)
        XCTAssertEqual(groups.reduce(EditCounts()) { $0 + $1.words }, score.totals.words)
        XCTAssertEqual(groups.reduce(EditCounts()) { $0 + $1.characters }, score.totals.characters)
        XCTAssertEqual(groups.reduce(0) { $0 + $1.utterances }, 300)
        XCTAssertEqual(groups.reduce(0) { $0 + $1.utterancesWithErrors }, score.totals.utterancesWithErrors)
    }

    func testWorseMeansHigherRateThenMoreErrorsThenKey() {
        var low = GroupScore(key: "a"), high = GroupScore(key: "b")
        low.words = EditCounts(hits: 9, substitutions: 1)
        high.words = EditCounts(hits: 1, substitutions: 1)
        XCTAssertTrue(high.isWorse(than: low))
        XCTAssertFalse(low.isWorse(than: high))
        var twice = GroupScore(key: "c")
        twice.words = EditCounts(hits: 2, substitutions: 2)  // the same 50% as `high`, from more errors
        XCTAssertTrue(twice.isWorse(than: high))
        var same = GroupScore(key: "d")
        same.words = high.words
        XCTAssertTrue(high.isWorse(than: same), "ties go by key")
    }
}
