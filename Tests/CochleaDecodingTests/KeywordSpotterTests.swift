import CochleaCore
import CochleaDecoding
import Foundation
import XCTest

final class KeywordSpotterTests: XCTestCase {
    let tokens = ["<blank>", " ", "'"] + "abcdefghijklmnopqrstuvwxyz".map(String.init)

    /// A long synthetic utterance: frames as [class: probability] rows, and where each planted keyword is.
    struct Recording {
        var rows: [[Int: Double]] = []
        var planted: [(word: String, first: Int, last: Int)] = []
    }

    /// Words one character per frame (peak `peak`; below 0.5 the blank takes 0.95 − peak, so the
    /// best path does not spell the word), blank frames after each character, words separated by a
    /// separator frame (or by silence when `separators` is false).
    func record(_ words: [(String, Double)], plant: Set<String>, separators: Bool = true, seed: UInt64 = 1) -> Recording {
        var recording = Recording()
        var random = SeededRandom(seed: seed)
        for (i, (word, peak)) in words.enumerated() {
            if i > 0 {
                if separators { recording.rows += [[1: 0.9], [0: 0.95]] } else { recording.rows += Array(repeating: [0: 0.95], count: 30) }
            }
            let first = recording.rows.count
            var last = first
            for character in word {
                last = recording.rows.count
                let c = tokens.firstIndex(of: String(character))!
                recording.rows.append(peak >= 0.5 ? [c: peak] : [c: peak, 0: 0.95 - peak])
                // Blanks between characters, 1 to 4 frames, as a trained model's spikes are spaced.
                for _ in 0..<(1 + Int(random.next() % 4)) { recording.rows.append([0: 0.95]) }
            }
            if plant.contains(word) { recording.planted.append((word, first, last)) }
        }
        recording.rows += Array(repeating: [0: 0.95], count: 20)
        return recording
    }

    func frames(_ recording: Recording) -> Frames { Frames.spelled(recording.rows, classes: tokens.count) }

    /// Keywords planted among filler that contains them inside other words ("know", "eyes", "yesterday").
    func testFindsPlantedKeywordsWithTheirTimesAndNoFalseAlarms() throws {
        let filler = ["know", "not", "eyes", "yesterday", "snow", "go", "left", "nope", "cat", "noyes", "on", "yet"]
        var random = SeededRandom(seed: 42)
        var words = [(String, Double)]()
        while words.count < 1100 {
            let planted = random.next() % 25 == 0
            words.append((planted ? (random.next() % 2 == 0 ? "yes" : "no") : filler[Int(random.next() % UInt64(filler.count))], 0.9))
        }
        let recording = record(words, plant: ["yes", "no"])
        XCTAssertGreaterThan(recording.rows.count, 6000, "at least 60 s of frames")
        let input = frames(recording)
        let spotter = try KeywordSpotter(tokens: tokens, keywords: [.init(word: "yes", threshold: 0.5), .init(word: "no", threshold: 0.5)])
        let found = input.with { spotter.consume($0) } + spotter.finish()
        XCTAssertEqual(found.count, recording.planted.count, "every planted keyword, nothing else")
        for (detection, planted) in zip(found.sorted { $0.startFrame < $1.startFrame }, recording.planted) {
            XCTAssertEqual(detection.keyword, planted.word)
            XCTAssertEqual(detection.startFrame, planted.first)
            XCTAssertEqual(detection.endFrame, planted.last)
            XCTAssertEqual(detection.start, Double(planted.first) * 0.01, accuracy: 1e-9)
            XCTAssertEqual(detection.end, Double(planted.last) * 0.01 + 0.025, accuracy: 1e-9)
            XCTAssertEqual(detection.confidence, 1, accuracy: 1e-6, "the best path spells it")
        }
    }

    func testChunksGiveTheSameDetectionsAsOneCall() throws {
        let recording = record([("go", 0.9), ("yes", 0.9), ("snow", 0.9), ("no", 0.8), ("yes", 0.6), ("cat", 0.9)], plant: [])
        let input = frames(recording)
        let keywords: [KeywordSpotter.Keyword] = [.init(word: "yes", threshold: 0.3), .init(word: "no", threshold: 0.3)]
        let whole = try KeywordSpotter(tokens: tokens, keywords: keywords)
        let expected = input.with { whole.consume($0) } + whole.finish()
        XCTAssertEqual(expected.map(\.keyword), ["yes", "no", "yes"])
        let chunked = try KeywordSpotter(tokens: tokens, keywords: keywords)
        var found = [KeywordSpotter.Detection]()
        input.values.withUnsafeBufferPointer { all in
            for start in stride(from: 0, to: input.count, by: 7) {
                let n = min(7, input.count - start)
                found += chunked.consume(LogProbabilities(values: UnsafeBufferPointer(rebasing: all[(start * tokens.count)...]), frames: n, classes: tokens.count))
            }
        }
        found += chunked.finish()
        XCTAssertEqual(found.sorted { $0.startFrame < $1.startFrame }, expected.sorted { $0.startFrame < $1.startFrame })
    }

    func testThresholdsArePerKeywordAndSilenceSeparatesWords() throws {
        // Keyword-clip style: words separated by silence, no separator token.
        let recording = record([("yes", 0.9), ("no", 0.2), ("up", 0.9)], plant: [], separators: false)
        let input = frames(recording)
        let strict = try KeywordSpotter(tokens: tokens, keywords: [.init(word: "yes", threshold: 0.9), .init(word: "no", threshold: 0.9)])
        XCTAssertEqual((input.with { strict.consume($0) } + strict.finish()).map(\.keyword), ["yes"], "the mumbled no is below 0.9")
        let lenient = try KeywordSpotter(tokens: tokens, keywords: [.init(word: "yes", threshold: 0.9), .init(word: "no", threshold: 0.05)])
        let found = input.with { lenient.consume($0) } + lenient.finish()
        XCTAssertEqual(found.map(\.keyword).sorted(), ["no", "yes"])
        let no = try XCTUnwrap(found.first { $0.keyword == "no" })
        // Each mumbled letter is at 0.2 where the blank has 0.75: confidence 0.2 / 0.75.
        XCTAssertEqual(no.confidence, 0.2 / 0.75, accuracy: 1e-3)
        XCTAssertThrowsError(try KeywordSpotter(tokens: tokens, keywords: [.init(word: "yés", threshold: 0.5)]))
    }
}
