import CochleaMetrics
import CochleaTestSupport
import Foundation
import XCTest

/// Checks against jiwer 4.0.0 on the 300 pairs of `Fixtures/wer/pairs.tsv`.
final class JiwerFixtureTests: XCTestCase {
    struct FixturePair {
        var line: Int
        var reference: String
        var hypothesis: String
        var words: EditCounts
        var characters: EditCounts
    }

    static func loadPairs() throws -> [FixturePair] {
        func counts(_ c: WERFixture.Counts) -> EditCounts {
            EditCounts(hits: c.hits, substitutions: c.substitutions, deletions: c.deletions, insertions: c.insertions)
        }
        return try WERFixture.pairs().map {
            FixturePair(line: $0.line, reference: $0.reference, hypothesis: $0.hypothesis,
                        words: counts($0.words), characters: counts($0.characters))
        }
    }

    func testEveryPairMatchesJiwer() throws {
        let pairs = try Self.loadPairs()
        XCTAssertEqual(pairs.count, 300)
        var scorer = TranscriptScorer()
        var splitDiffers = 0
        for pair in pairs {
            let words = scorer.wordCounts(reference: pair.reference, hypothesis: pair.hypothesis)
            let characters = scorer.characterCounts(reference: pair.reference, hypothesis: pair.hypothesis)
            XCTAssertEqual(words.errors, pair.words.errors, "line \(pair.line): word S+D+I")
            XCTAssertEqual(words.hits, pair.words.hits, "line \(pair.line): word hits")
            XCTAssertEqual(characters.errors, pair.characters.errors, "line \(pair.line): character S+D+I")
            XCTAssertEqual(characters.hits, pair.characters.hits, "line \(pair.line): character hits")
            if words != pair.words || characters != pair.characters { splitDiffers += 1 }
        }
        // The tie rule is RapidFuzz's, so the split between S, D and I agrees too.
        XCTAssertEqual(splitDiffers, 0, "pairs whose S/D/I split differs from jiwer's")
    }

    func testAlignmentsAgreeWithCounts() throws {
        var scorer = TranscriptScorer()
        for pair in try Self.loadPairs() {
            let words = scorer.wordAlignment(reference: pair.reference, hypothesis: pair.hypothesis)
            XCTAssertEqual(words.counts, pair.words, "line \(pair.line)")
            let characters = scorer.characterAlignment(reference: pair.reference, hypothesis: pair.hypothesis)
            XCTAssertEqual(characters.counts, pair.characters, "line \(pair.line)")
        }
    }

    func testCorpusRatesMatchJiwer() throws {
        let pairs = try Self.loadPairs()
        let (expectedWER, expectedCER) = try WERFixture.corpusRates()
        for threads in [1, 2] {
            let score = Metrics.score(
                references: pairs.map(\.reference), hypotheses: pairs.map(\.hypothesis), threads: threads)
            XCTAssertEqual(score.totals.wordErrorRate, expectedWER, accuracy: 1e-12, "\(threads) threads")
            XCTAssertEqual(score.totals.characterErrorRate, expectedCER, accuracy: 1e-12, "\(threads) threads")
            XCTAssertEqual(score.utterances.map(\.words), pairs.map(\.words), "\(threads) threads")
            XCTAssertEqual(score.totals.utterances, 300)
        }
    }
}
