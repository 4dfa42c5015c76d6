import CochleaCore
@testable import CochleaMetrics
import XCTest

/// Properties every alignment must have, on random sentences, and the tuned edit distance held
/// equal to the plain reference implementation.
final class AlignmentPropertyTests: XCTestCase {
    static let vocabulary = ["a", "b", "cat", "dog", "sat", "on", "the", "mat", "é", "naïve", "日本"]

    static func randomSentence(_ random: inout SeededRandom, maxWords: Int, vocabulary: Int = 11) -> [String] {
        let count = Int(random.next() % UInt64(maxWords + 1))
        return (0..<count).map { _ in Self.vocabulary[Int(random.next() % UInt64(vocabulary))] }
    }

    func testTunedEditDistanceEqualsReferenceImplementation() {
        var random = SeededRandom(seed: 7)
        var workspace = LevenshteinWorkspace()
        var steps = [EditStep]()
        for trial in 0..<3000 {
            // Small alphabets make many ties; long sequences cross any 64-token boundary.
            let alphabet = Int32(1 + random.next() % 6)
            let maxLength = trial % 10 == 0 ? 150 : 25
            let reference = (0..<Int(random.next() % UInt64(maxLength))).map { _ in Int32(random.next() % UInt64(alphabet)) }
            let hypothesis = (0..<Int(random.next() % UInt64(maxLength))).map { _ in Int32(random.next() % UInt64(alphabet)) }
            let expected = ReferenceLevenshtein.align(reference, hypothesis)
            reference.withUnsafeBufferPointer { ref in
                hypothesis.withUnsafeBufferPointer { hyp in
                    workspace.align(ref, hyp, into: &steps)
                    XCTAssertEqual(workspace.counts(ref, hyp), Self.counts(expected), "trial \(trial)")
                }
            }
            XCTAssertEqual(steps, expected, "trial \(trial): \(reference) vs \(hypothesis)")
        }
    }

    func testBandedTraceBackEqualsReferenceImplementation() {
        // A tiny cell limit forces the low-memory path (checkpoint rows, bands recomputed).
        var random = SeededRandom(seed: 13)
        var workspace = LevenshteinWorkspace(tableCellLimit: 16)
        var steps = [EditStep]()
        for trial in 0..<1500 {
            let alphabet = Int32(1 + random.next() % 5)
            let reference = (0..<Int(random.next() % 60)).map { _ in Int32(random.next() % UInt64(alphabet)) }
            let hypothesis = (0..<Int(random.next() % 60)).map { _ in Int32(random.next() % UInt64(alphabet)) }
            reference.withUnsafeBufferPointer { ref in
                hypothesis.withUnsafeBufferPointer { hyp in workspace.align(ref, hyp, into: &steps) }
            }
            XCTAssertEqual(steps, ReferenceLevenshtein.align(reference, hypothesis), "trial \(trial): \(reference) vs \(hypothesis)")
        }
    }

    func testReferenceImplementationDistanceIsMinimal() {
        // Brute force over tiny inputs: the distance equals the best over all alignments.
        func bruteForce(_ a: ArraySlice<Int>, _ b: ArraySlice<Int>) -> Int {
            guard let x = a.first else { return b.count }
            guard let y = b.first else { return a.count }
            return min(bruteForce(a.dropFirst(), b) + 1, bruteForce(a, b.dropFirst()) + 1,
                       bruteForce(a.dropFirst(), b.dropFirst()) + (x == y ? 0 : 1))
        }
        var random = SeededRandom(seed: 11)
        for _ in 0..<500 {
            let a = (0..<Int(random.next() % 7)).map { _ in Int(random.next() % 3) }
            let b = (0..<Int(random.next() % 7)).map { _ in Int(random.next() % 3) }
            XCTAssertEqual(Self.counts(ReferenceLevenshtein.align(a, b)).errors, bruteForce(a[...], b[...]), "\(a) vs \(b)")
        }
    }

    func testIdenticalTextHasNoErrors() {
        var random = SeededRandom(seed: 1)
        var scorer = TranscriptScorer()
        for _ in 0..<200 {
            let text = Self.randomSentence(&random, maxWords: 30).joined(separator: " ")
            let words = scorer.wordCounts(reference: text, hypothesis: text)
            XCTAssertEqual(words.errors, 0)
            XCTAssertEqual(words.errorRate, 0)
            XCTAssertEqual(scorer.characterCounts(reference: text, hypothesis: text).errors, 0)
        }
    }

    func testEmptyHypothesisIsAllDeletions() {
        var scorer = TranscriptScorer()
        let words = scorer.wordCounts(reference: "the cat sat", hypothesis: "")
        XCTAssertEqual(words, EditCounts(deletions: 3))
        XCTAssertEqual(words.errorRate, 1)
        XCTAssertEqual(scorer.characterCounts(reference: "the cat sat", hypothesis: "   "), EditCounts(deletions: 11))
        XCTAssertEqual(scorer.wordAlignment(reference: "the cat", hypothesis: "").steps, [.deletion("the"), .deletion("cat")])
    }

    func testEmptyReferenceCountsInsertionsLikeKaldi() {
        var scorer = TranscriptScorer()
        let words = scorer.wordCounts(reference: "", hypothesis: "hello there")
        XCTAssertEqual(words, EditCounts(insertions: 2))
        XCTAssertEqual(words.errorRate, .infinity)
        XCTAssertEqual(scorer.wordCounts(reference: " ", hypothesis: "").errorRate, 0)
    }

    func testAlignmentReplaysReferenceIntoHypothesis() {
        var random = SeededRandom(seed: 3)
        var scorer = TranscriptScorer()
        for _ in 0..<500 {
            let reference = Self.randomSentence(&random, maxWords: 20, vocabulary: 4)
            let hypothesis = Self.randomSentence(&random, maxWords: 20, vocabulary: 4)
            let words = scorer.wordAlignment(reference: reference, hypothesis: hypothesis)
            XCTAssertEqual(Self.replay(words, on: reference), hypothesis)
            XCTAssertEqual(words.referenceTokens, reference)
            XCTAssertEqual(words.counts, scorer.wordCounts(reference: reference, hypothesis: hypothesis))

            let referenceText = reference.joined(separator: " "), hypothesisText = hypothesis.joined(separator: " ")
            let characters = scorer.characterAlignment(reference: referenceText, hypothesis: hypothesisText)
            let referenceScalars = referenceText.unicodeScalars.map { String($0) }
            XCTAssertEqual(Self.replay(characters, on: referenceScalars).joined(), hypothesisText)
            XCTAssertEqual(characters.counts, scorer.characterCounts(reference: referenceText, hypothesis: hypothesisText))
        }
    }

    func testCountsAreConsistentWithLengths() {
        var random = SeededRandom(seed: 5)
        var scorer = TranscriptScorer()
        for _ in 0..<500 {
            let reference = Self.randomSentence(&random, maxWords: 25), hypothesis = Self.randomSentence(&random, maxWords: 25)
            let words = scorer.wordCounts(reference: reference, hypothesis: hypothesis)
            XCTAssertEqual(words.hits + words.substitutions + words.deletions, reference.count)
            XCTAssertEqual(words.hits + words.substitutions + words.insertions, hypothesis.count)
            let referenceText = reference.joined(separator: " "), hypothesisText = hypothesis.joined(separator: " ")
            let characters = scorer.characterCounts(reference: referenceText, hypothesis: hypothesisText)
            XCTAssertEqual(characters.referenceLength, referenceText.unicodeScalars.count)
            XCTAssertEqual(characters.hypothesisLength, hypothesisText.unicodeScalars.count)
            XCTAssertEqual(scorer.characterCounts(reference: reference, hypothesis: hypothesis), characters)
        }
    }

    func testWhitespaceRunsAreOneSeparator() {
        var scorer = TranscriptScorer()
        XCTAssertEqual(scorer.wordCounts(reference: "  the\tcat \r\n", hypothesis: "the cat").errors, 0)
        XCTAssertEqual(scorer.characterCounts(reference: " the \t cat ", hypothesis: "the cat"), EditCounts(hits: 7))
    }

    func testWordsCompareByBytesAndCharactersAreScalars() {
        var scorer = TranscriptScorer()
        // Precomposed é and e + combining acute are canonically equivalent but different bytes.
        XCTAssertEqual(scorer.wordCounts(reference: "caf\u{E9}", hypothesis: "cafe\u{301}"), EditCounts(substitutions: 1))
        XCTAssertEqual(scorer.characterCounts(reference: "caf\u{E9}", hypothesis: "cafe\u{301}"),
                       EditCounts(hits: 3, substitutions: 1, insertions: 1))
        XCTAssertEqual(scorer.wordCounts(reference: "Cat", hypothesis: "cat"), EditCounts(substitutions: 1))
        XCTAssertEqual(scorer.characterAlignment(reference: "日本", hypothesis: "日").steps, [.match("日"), .deletion("本")])
    }

    func testManyDistinctWordsInOnePair() {
        // More distinct words than the interning table's first size (it must grow mid-pair).
        let reference = (0..<1000).map { "w\($0)" }
        var hypothesis = reference
        hypothesis[500] = "changed"
        hypothesis.remove(at: 10)
        var scorer = TranscriptScorer()
        XCTAssertEqual(scorer.wordCounts(reference: reference.joined(separator: " "), hypothesis: hypothesis.joined(separator: " ")),
                       EditCounts(hits: 998, substitutions: 1, deletions: 1))
    }

    static func counts(_ steps: [EditStep]) -> EditCounts {
        var counts = EditCounts()
        for step in steps { counts.record(step.kind) }
        return counts
    }

    static func replay(_ alignment: Alignment, on reference: [String]) -> [String] {
        var output = [String](), position = 0
        for step in alignment.steps {
            switch step {
            case .match(let token):
                XCTAssertEqual(reference[position], token); output.append(token); position += 1
            case .substitution(let old, let new):
                XCTAssertEqual(reference[position], old); XCTAssertNotEqual(old, new); output.append(new); position += 1
            case .deletion(let token):
                XCTAssertEqual(reference[position], token); position += 1
            case .insertion(let token):
                output.append(token)
            }
        }
        XCTAssertEqual(position, reference.count, "the alignment must consume the whole reference")
        return output
    }
}
