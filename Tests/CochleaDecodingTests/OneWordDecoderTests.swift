import CochleaCore
@testable import CochleaDecoding
import Foundation
import XCTest

final class OneWordDecoderTests: XCTestCase {
    let tokens = ["<blank>", " ", "a", "b", "o", "n", "g"]

    /// Random log-probabilities [T, C], each row normalised.
    func randomLogProbs(frames: Int, classes: Int, seed: UInt64) -> [Float] {
        var random = SeededRandom(seed: seed)
        return (0..<frames).flatMap { _ -> [Float] in
            let raw = (0..<classes).map { _ in exp(2 * random.nextGaussian()) }
            let sum = raw.reduce(0, +)
            return raw.map { Float(log($0 / sum)) }
        }
    }

    /// The forward recursion against the sum over every frame path that collapses to the word.
    func testLikelihoodIsTheSumOfTheWordsPaths() throws {
        for (seed, word) in [(1, [2]), (2, [2, 3]), (3, [3, 3]), (4, [2, 3, 2])] as [(UInt64, [Int])] {
            let values = randomLogProbs(frames: 6, classes: 4, seed: seed)
            let lp = values.withUnsafeBufferPointer { LogProbabilities(values: $0, frames: 6, classes: 4) }
            let brute = BruteForceDecoder.rank(lp, tokens: Array(tokens.prefix(4))).first { $0.tokens == word }
            let ours = values.withUnsafeBufferPointer { OneWordDecoder.logLikelihood(LogProbabilities(values: $0, frames: 6, classes: 4), labels: word) }
            XCTAssertEqual(ours, brute?.acousticScore ?? -.infinity, accuracy: 1e-4, "\(word)")
        }
    }

    func testTheLikeliestWordWinsWithItsShareAndSpan() throws {
        // _ _ n n o _ _ : "no", though "go" and "on" share letters.
        let values = peakedLogProbs([0, 0, 5, 5, 4, 0, 0], classes: 7, peak: 0.8)
        let decoder = try OneWordDecoder(words: ["go", "no", "on"], tokens: tokens, timing: FrameTiming(shift: 0.03, length: 0.025), nbest: 3)
        let transcript = values.withUnsafeBufferPointer { decoder.decode(LogProbabilities(values: $0, frames: 7, classes: 7)) }
        XCTAssertEqual(transcript.text, "no")
        XCTAssertEqual(transcript.words.count, 1)
        XCTAssertEqual(transcript.words[0].start, 0.06, accuracy: 1e-12)
        XCTAssertEqual(transcript.words[0].end, 0.12 + 0.025, accuracy: 1e-12)
        XCTAssertGreaterThan(transcript.confidence, 0.9)
        XCTAssertLessThan(transcript.confidence, 1)
        XCTAssertEqual(transcript.alternatives.map(\.text).first, "no")
        XCTAssertEqual(transcript.alternatives.count, 3)
        XCTAssertEqual(transcript.alternatives.map(\.score), transcript.alternatives.map(\.score).sorted(by: >))
        // Its share: P(no) over P(go) + P(no) + P(on).
        let p = transcript.alternatives.map { exp($0.score) }
        XCTAssertEqual(transcript.confidence, p[0] / p.reduce(0, +), accuracy: 1e-9)
    }

    func testUnsureWordsBecomeUnknownAndUnspellableWordsAreRefused() throws {
        // A pause, then "n" or "g" equally likely, then "o": "go" and "no" each take half.
        let rows: [[Double]] = [
            [0.94, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01],
            [0.02, 0.005, 0.005, 0.005, 0.005, 0.48, 0.48],
            [0.1 / 6, 0.1 / 6, 0.1 / 6, 0.1 / 6, 0.9, 0.1 / 6, 0.1 / 6],
        ]
        let values = rows.flatMap { $0.map { Float(log($0)) } }
        let decoder = try OneWordDecoder(words: ["go", "no"], tokens: tokens, unknownThreshold: 0.6)
        let transcript = values.withUnsafeBufferPointer { decoder.decode(LogProbabilities(values: $0, frames: 3, classes: 7)) }
        XCTAssertEqual(transcript.text, "<unk>")
        XCTAssertEqual(transcript.confidence, 0.5, accuracy: 0.01)
        XCTAssertThrowsError(try OneWordDecoder(words: ["yes"], tokens: tokens)) { XCTAssertTrue("\($0)".contains("y"), "\($0)") }
        XCTAssertThrowsError(try OneWordDecoder(words: [], tokens: tokens))
    }
}
