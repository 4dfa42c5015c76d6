import CochleaDecoding
import Foundation
import XCTest

final class ConstraintTests: XCTestCase {
    let tokens = ["<blank>", " ", "'", "a", "b", "c", "n", "o", "p", "u"]
    func id(_ character: Character) -> Int { tokens.firstIndex(of: String(character))! }

    func testLexiconNeverEmitsAWordOutsideIt() throws {
        let lexicon = ["ab", "ba", "c", "cab"]
        let decoder = try BeamSearchDecoder(tokens: tokens, options: BeamSearchOptions(beamWidth: 16, nbest: 8), lexicon: lexicon)
        var nonEmpty = 0
        for seed in 0..<40 {
            let input = Frames.random(frames: 20 + Int(seed) * 3, classes: tokens.count, kind: seed % 2 == 0 ? .flat : .peaky, seed: 1000 + UInt64(seed))
            let transcript = input.with(decoder.decode)
            for text in [transcript.text] + transcript.alternatives.map(\.text) {
                for word in text.split(separator: " ") { XCTAssertTrue(lexicon.contains(String(word)), "seed \(seed): \"\(text)\"") }
            }
            XCTAssertTrue(transcript.words.allSatisfy { lexicon.contains($0.word) })
            if !transcript.text.isEmpty { nonEmpty += 1 }
        }
        XCTAssertGreaterThan(nonEmpty, 20, "the constraint should still find words")
    }

    func testConstrainedSearchMatchesBruteForce() throws {
        let small = ["<blank>", " ", "a", "b"]
        let lexicon = ["ab", "b", "bab"]
        let decoder = try BeamSearchDecoder(tokens: small, options: BeamSearchOptions(beamWidth: 8192, beamThreshold: 1000), lexicon: lexicon)
        var checked = 0
        for seed in 0..<30 {
            let input = Frames.random(frames: 3 + Int(seed) % 5, classes: 4, kind: .flat, seed: 2000 + UInt64(seed))
            let reference = input.with { BruteForceDecoder.rank($0, tokens: small, lexicon: Set(lexicon)) }
            let found = input.with(decoder.search)[0]
            guard reference.count < 2 || reference[0].score - reference[1].score > 1e-4 else { continue }
            XCTAssertEqual(found.tokens, reference[0].tokens, "seed \(seed)")
            XCTAssertEqual(found.score, reference[0].score, accuracy: 1e-3, "seed \(seed)")
            checked += 1
        }
        XCTAssertGreaterThan(checked, 20)
    }

    /// Frames that spell `words` (each character at its word's peak posterior, blanks between).
    func clip(_ words: [(String, Double)]) -> Frames {
        var rows: [[Int: Double]] = [[0: 0.95]]
        for (i, (word, peak)) in words.enumerated() {
            if i > 0 { rows += [[1: 0.9], [0: 0.95]] }
            for character in word { rows += [[id(character): peak], [0: 0.95]] }
        }
        return Frames.spelled(rows + [[0: 0.95]], classes: tokens.count)
    }

    func testKeywordsAndUnknownRejection() throws {
        let keywords = ["up", "no"]
        let plain = try BeamSearchDecoder(tokens: tokens, options: BeamSearchOptions(beamWidth: 8), lexicon: keywords)
        let rejecting = try BeamSearchDecoder(tokens: tokens, options: BeamSearchOptions(beamWidth: 8, unknownThreshold: 0.5), lexicon: keywords)
        // A keyword said clearly passes, with its confidence.
        let up = clip([("up", 0.9)]).with(rejecting.decode)
        XCTAssertEqual(up.text, "up")
        XCTAssertEqual(up.words[0].confidence, 0.9, accuracy: 1e-4)
        // A word outside the vocabulary: without the threshold it is forced onto a keyword (with a
        // low confidence) or dropped; with the threshold it is rejected.
        let forced = clip([("cab", 0.9)]).with(plain.decode)
        XCTAssertTrue(forced.text.isEmpty || keywords.contains(forced.text), forced.text)
        XCTAssertTrue(forced.words.allSatisfy { $0.confidence < 0.1 })
        let rejected = clip([("cab", 0.9)]).with(rejecting.decode)
        XCTAssertEqual(rejected.text, "<unk>")
        XCTAssertEqual(rejected.words.count, 1)
        XCTAssertEqual(rejected.words[0].start, 0.01, accuracy: 1e-9)
        // Silence is not speech: it stays empty.
        XCTAssertEqual(clip([]).with(rejecting.decode).text, "")
        // Rejection is per word: a mumbled "no" after a clear "up".
        let mixed = clip([("up", 0.9), ("no", 0.3)])
        XCTAssertEqual(mixed.with(plain.decode).text, "up no")
        XCTAssertEqual(mixed.with(rejecting.decode).words.map(\.word), ["up", "<unk>"])
        XCTAssertEqual(mixed.with(rejecting.decode).text, "up <unk>")
    }

    func testUnspellableWordsAreNamed() {
        XCTAssertThrowsError(try BeamSearchDecoder(tokens: tokens, lexicon: ["up", "yes", "no"])) { error in
            XCTAssertEqual(error as? VocabularyError, .unspellable(word: "yes", characters: ["y", "e", "s"]))
            XCTAssertEqual("\(error)", "\"yes\" has characters that the model's tokens cannot spell: 'y', 'e', 's'")
        }
        XCTAssertThrowsError(try WordList.parse(commaSeparated: "up,,no"))
        XCTAssertEqual(try WordList.parse(commaSeparated: "up, no"), ["up", "no"])
        // Upper case falls back to lower case when the tokens only have lower case.
        XCTAssertEqual(try TokenSpelling(tokens: tokens).spell("UP"), [id("u"), id("p")])
    }
}
