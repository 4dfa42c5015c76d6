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
        let text = try String(contentsOfFile: Fixtures.path("wer/pairs.tsv"), encoding: .utf8)
        var pairs = [FixturePair]()
        for (index, line) in text.split(separator: "\n").enumerated().dropFirst() {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 10 else { throw CocoaError(.fileReadCorruptFile) }
            let n = fields[2...].map { Int($0)! }
            pairs.append(FixturePair(
                line: index + 1, reference: fields[0], hypothesis: fields[1],
                words: EditCounts(hits: n[0], substitutions: n[1], deletions: n[2], insertions: n[3]),
                characters: EditCounts(hits: n[4], substitutions: n[5], deletions: n[6], insertions: n[7])))
        }
        return pairs
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
        let json = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: Fixtures.path("wer/corpus.json")))) as! [String: Any]
        let expectedWER = try XCTUnwrap(json["corpus_wer"] as? Double)
        let expectedCER = try XCTUnwrap(json["corpus_cer"] as? Double)
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
