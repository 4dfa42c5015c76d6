import CochleaCore
import CochleaMetrics
import XCTest

final class ErrorCountsTests: XCTestCase {
    func testConfusionsAndRates() {
        var scorer = TranscriptScorer()
        var totals = ErrorCounts()
        let pairs = [
            ("the cat sat on the mat", "the bat sat on mat"),  // cat→bat, the deleted
            ("a cat", "a bat"),                                   // cat→bat
            ("hello", "hello"),
            ("one two", "one two three"),                         // three inserted
        ]
        for (reference, hypothesis) in pairs {
            totals.add(scorer.wordAlignment(reference: reference, hypothesis: hypothesis),
                       characters: scorer.characterCounts(reference: reference, hypothesis: hypothesis))
        }
        XCTAssertEqual(totals.words, EditCounts(hits: 8, substitutions: 2, deletions: 1, insertions: 1))
        XCTAssertEqual(totals.wordErrorRate, 4.0 / 11.0)
        XCTAssertEqual(totals.utterances, 4)
        XCTAssertEqual(totals.utterancesWithErrors, 3)
        XCTAssertEqual(totals.sentenceErrorRate, 0.75)
        XCTAssertEqual(totals.mostFrequentSubstitutions(limit: 5), [Ranked(item: WordPair(reference: "cat", hypothesis: "bat"), count: 2)])
        XCTAssertEqual(totals.mostFrequentDeletions(limit: 5), [Ranked(item: "the", count: 1)])
        XCTAssertEqual(totals.mostFrequentInsertions(limit: 5), [Ranked(item: "three", count: 1)])
        XCTAssertEqual(totals.characters.referenceLength, 22 + 5 + 5 + 7)
    }

    func testRankingOrdersByCountThenWord() {
        var totals = ErrorCounts()
        totals.deletedWords = ["b": 2, "a": 2, "c": 5, "d": 1]
        XCTAssertEqual(totals.mostFrequentDeletions(limit: 3).map(\.item), ["c", "a", "b"])
        XCTAssertEqual(totals.mostFrequentDeletions(limit: 0), [])
    }

    func testEmptyCorpusAndEmptyReferences() {
        XCTAssertEqual(ErrorCounts().wordErrorRate, 0)
        XCTAssertEqual(ErrorCounts().sentenceErrorRate, 0)
        let score = Metrics.score(references: ["", ""], hypotheses: ["", "noise"])
        XCTAssertEqual(score.totals.words, EditCounts(insertions: 1))
        XCTAssertEqual(score.totals.wordErrorRate, .infinity)
        XCTAssertEqual(score.totals.utterancesWithErrors, 1)
    }

    func testMergingPartsEqualsScoringTheWhole() {
        var random = SeededRandom(seed: 9)
        let vocabulary = ["a", "b", "c", "d", "e"]
        func sentence() -> String {
            (0..<Int(random.next() % 12)).map { _ in vocabulary[Int(random.next() % 5)] }.joined(separator: " ")
        }
        let references = (0..<400).map { _ in sentence() }, hypotheses = (0..<400).map { _ in sentence() }
        let whole = Metrics.score(references: references, hypotheses: hypotheses, threads: 1)
        let first = Metrics.score(references: Array(references[..<150]), hypotheses: Array(hypotheses[..<150]))
        let rest = Metrics.score(references: Array(references[150...]), hypotheses: Array(hypotheses[150...]))
        XCTAssertEqual(first.totals + rest.totals, whole.totals)
        XCTAssertGreaterThan(whole.totals.substitutionPairs.count, 5)

        let twoThreads = Metrics.score(references: references, hypotheses: hypotheses, threads: 2)
        XCTAssertEqual(twoThreads.totals, whole.totals)
        XCTAssertEqual(twoThreads.utterances, whole.utterances)

        let wordsOnly = Metrics.score(references: references, hypotheses: hypotheses, threads: 2, options: [])
        XCTAssertEqual(wordsOnly.totals.words, whole.totals.words)
        XCTAssertEqual(wordsOnly.totals.characters, EditCounts())
        XCTAssertTrue(wordsOnly.totals.substitutionPairs.isEmpty)

        // The alignment path and the counting path of the corpus agree with the per-pair scorer.
        var scorer = TranscriptScorer()
        var bySteps = ErrorCounts()
        for (reference, hypothesis) in zip(references, hypotheses) {
            bySteps.add(scorer.wordAlignment(reference: reference, hypothesis: hypothesis),
                        characters: scorer.characterCounts(reference: reference, hypothesis: hypothesis))
        }
        XCTAssertEqual(bySteps, whole.totals)
    }

    func testFormattedAlignment() {
        var scorer = TranscriptScorer()
        let lines = scorer.wordAlignment(reference: "the cat sat", hypothesis: "a cat sat down").formatted()
        XCTAssertEqual(lines.reference, "the cat sat ****")
        XCTAssertEqual(lines.hypothesis, "a   cat sat down")
        XCTAssertEqual(lines.marks, "S           I   ")
    }
}
