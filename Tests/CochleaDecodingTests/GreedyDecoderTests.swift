import CochleaDecoding
import Foundation
import XCTest

/// Builds [T, C] log-probabilities where frame t puts `peak` on class path[t] and shares the rest.
func peakedLogProbs(_ path: [Int], classes: Int, peak: Double = 0.9) -> [Float] {
    path.flatMap { best in
        (0..<classes).map { c in Float(log(c == best ? peak : (1 - peak) / Double(classes - 1))) }
    }
}

final class GreedyDecoderTests: XCTestCase {
    let tokens = ["<blank>", " ", "a", "b", "c"]

    func testCollapsesRepeatsDropsBlanksAndSplitsWords() {
        // a a _ a b _ space c c
        let path = [2, 2, 0, 2, 3, 0, 1, 4, 4]
        let values = peakedLogProbs(path, classes: 5)
        let decoder = GreedyDecoder(tokens: tokens, timing: FrameTiming(shift: 0.01, length: 0.025))
        let transcript = values.withUnsafeBufferPointer { decoder.decode(LogProbabilities(values: $0, frames: 9, classes: 5)) }
        XCTAssertEqual(transcript.text, "aab c")
        XCTAssertEqual(transcript.words.map(\.word), ["aab", "c"])
        XCTAssertEqual(transcript.words[0].start, 0, accuracy: 1e-12)
        XCTAssertEqual(transcript.words[0].end, 0.04 + 0.025, accuracy: 1e-12)
        XCTAssertEqual(transcript.words[1].start, 0.07, accuracy: 1e-12)
        XCTAssertEqual(transcript.words[1].confidence, 0.9, accuracy: 1e-6)
        XCTAssertEqual(transcript.confidence, 0.9, accuracy: 1e-6)
        XCTAssertEqual(transcript.score, 9 * log(0.9), accuracy: 1e-5)
    }

    func testEmptyAndAllBlank() {
        let decoder = GreedyDecoder(tokens: tokens)
        let blanks = peakedLogProbs([0, 0, 0], classes: 5)
        let transcript = blanks.withUnsafeBufferPointer { decoder.decode(LogProbabilities(values: $0, frames: 3, classes: 5)) }
        XCTAssertEqual(transcript.text, "")
        XCTAssertTrue(transcript.words.isEmpty)
        let none = [Float]().withUnsafeBufferPointer { decoder.decode(LogProbabilities(values: $0, frames: 0, classes: 5)) }
        XCTAssertEqual(none.text, "")
        XCTAssertEqual(none.confidence, 0)
    }

    func testReadsOneUtteranceOutOfABatch() {
        // [T=2, B=2, C=5]: utterance 1 is "b".
        let rows = peakedLogProbs([2, 3, 0, 3], classes: 5)
        let decoder = GreedyDecoder(tokens: tokens)
        let transcript = rows.withUnsafeBufferPointer {
            decoder.decode(LogProbabilities(values: UnsafeBufferPointer(rebasing: $0[5...]), frames: 2, classes: 5, rowStride: 10))
        }
        XCTAssertEqual(transcript.text, "b")
    }
}
