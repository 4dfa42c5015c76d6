import CochleaCore
import CochleaDecoding
import Foundation
import XCTest

/// [T, C] log-probabilities as an array, decoded through a `LogProbabilities` view.
struct Frames {
    var values: [Float]
    var classes: Int
    var count: Int { values.count / classes }

    func with<R>(_ body: (LogProbabilities) throws -> R) rethrows -> R {
        try values.withUnsafeBufferPointer { try body(LogProbabilities(values: $0, frames: count, classes: classes)) }
    }

    static func random(frames: Int, classes: Int, kind: RandomLogProbabilities.Kind, seed: UInt64) -> Frames {
        Frames(values: RandomLogProbabilities.make(frames: frames, classes: classes, kind: kind, seed: seed), classes: classes)
    }

    /// Each frame: `probabilities` for the listed classes, the rest shared equally.
    static func spelled(_ rows: [[Int: Double]], classes: Int) -> Frames {
        Frames(values: rows.flatMap { row -> [Float] in
            let rest = (1 - row.values.reduce(0, +)) / Double(classes - row.count)
            return (0..<classes).map { Float(log(row[$0] ?? rest)) }
        }, classes: classes)
    }
}

/// The brute-force ranking with labellings of the same words merged (best kept), as the beam's n-best lists them.
func distinctTexts(_ ranked: [BruteForceDecoder.Scored]) -> [BruteForceDecoder.Scored] {
    var seen = Set<String>()
    return ranked.filter { seen.insert($0.text).inserted }
}

final class BeamSearchTests: XCTestCase {
    let tokens = ["<blank>", " ", "a", "b", "c", "'"]

    func testWidthOneIsGreedyDecoding() throws {
        let greedy = GreedyDecoder(tokens: tokens)
        let beam = try BeamSearchDecoder(tokens: tokens, options: BeamSearchOptions(beamWidth: 1))
        for seed in 0..<60 {
            let input = Frames.random(frames: 1 + Int(seed) % 40, classes: tokens.count, kind: seed % 2 == 0 ? .flat : .peaky, seed: UInt64(seed))
            let expected = input.with(greedy.decode), found = input.with(beam.decode)
            XCTAssertEqual(found.text, expected.text, "seed \(seed)")
            XCTAssertEqual(found.words.map(\.word), expected.words.map(\.word), "seed \(seed)")
            XCTAssertEqual(found.words.map(\.start), expected.words.map(\.start), "seed \(seed)")
            XCTAssertEqual(found.words.map(\.end), expected.words.map(\.end), "seed \(seed)")
            for (a, b) in zip(found.words, expected.words) { XCTAssertEqual(a.confidence, b.confidence, accuracy: 1e-6, "seed \(seed)") }
            XCTAssertEqual(found.score, expected.score, accuracy: 1e-3, "seed \(seed)")
            XCTAssertEqual(found.confidence, expected.confidence, accuracy: 1e-5, "seed \(seed)")
        }
    }

    func testWideBeamFindsTheMostProbableLabellingOfBruteForce() throws {
        let small = ["<blank>", " ", "a", "b"]
        // 8192 hypotheses hold every (prefix, last-frame-blank) pair of up to 7 frames of 3 tokens,
        // so nothing is pruned and the scores must be exact sums over paths.
        let beam = try BeamSearchDecoder(tokens: small, options: BeamSearchOptions(beamWidth: 8192, beamThreshold: 1000))
        var checked = 0
        for seed in 0..<40 {
            let input = Frames.random(frames: 2 + Int(seed) % 6, classes: 4, kind: seed % 3 == 0 ? .peaky : .flat, seed: 100 + UInt64(seed))
            let reference = input.with { BruteForceDecoder.rank($0, tokens: small) }
            let found = input.with(beam.search)[0]
            // A near tie could go either way in Float; everything else must match exactly.
            guard reference.count < 2 || reference[0].score - reference[1].score > 1e-4 else { continue }
            XCTAssertEqual(found.tokens, reference[0].tokens, "seed \(seed)")
            XCTAssertEqual(found.acousticScore, reference[0].acousticScore, accuracy: 1e-3, "seed \(seed)")
            checked += 1
        }
        XCTAssertGreaterThan(checked, 30)
    }

    func testMostProbableLabellingIsNotTheBestPath() throws {
        // The best path says "a" then blank ... but two paths of "b" add up to more: beam search must
        // sum paths, greedy cannot. Frame 1: a 0.4, b 0.35; frame 2: b 0.35, blank 0.4 (rest shared).
        let input = Frames.spelled([[2: 0.4, 3: 0.35, 0: 0.15], [0: 0.4, 3: 0.35, 2: 0.15]], classes: 4)
        let small = ["<blank>", " ", "a", "b"]
        let reference = input.with { BruteForceDecoder.rank($0, tokens: small) }
        XCTAssertEqual(reference[0].text, "b", "the fixture must make the labelling and the best path differ")
        XCTAssertEqual(input.with(GreedyDecoder(tokens: small).decode).text, "a")
        XCTAssertEqual(input.with(try BeamSearchDecoder(tokens: small, options: BeamSearchOptions(beamWidth: 8)).decode).text, "b")
    }

    func testNBestListsTheBruteForceRanking() throws {
        let small = ["<blank>", " ", "a", "b"]
        let beam = try BeamSearchDecoder(tokens: small, options: BeamSearchOptions(beamWidth: 8192, beamThreshold: 1000, nbest: 5))
        for seed in 0..<10 {
            let input = Frames.random(frames: 6, classes: 4, kind: .flat, seed: 300 + UInt64(seed))
            let reference = distinctTexts(input.with { BruteForceDecoder.rank($0, tokens: small) })
            let found = input.with(beam.decode)
            XCTAssertEqual(found.alternatives.count, 5)
            XCTAssertEqual(found.alternatives.map(\.text), reference.prefix(5).map(\.text), "seed \(seed)")
            for (a, b) in zip(found.alternatives, reference) { XCTAssertEqual(a.score, b.score, accuracy: 1e-3) }
            XCTAssertEqual(found.alternatives.map(\.score), found.alternatives.map(\.score).sorted(by: >))
            XCTAssertEqual(found.alternatives[0].text, found.text)
        }
    }

    func testWordTimesComeFromTheFramesOfTheirCharacters() throws {
        // _ a a _ b _ ␣ _ c c _ : "ab" in frames 1–4, "c" in frames 8–9.
        let path = [0, 2, 2, 0, 3, 0, 1, 0, 4, 4, 0]
        let input = Frames(values: peakedLogProbs(path, classes: tokens.count, peak: 0.8), classes: tokens.count)
        let timing = FrameTiming(shift: 0.02, length: 0.05)
        let transcript = input.with(try BeamSearchDecoder(tokens: tokens, timing: timing, options: BeamSearchOptions(beamWidth: 8)).decode)
        XCTAssertEqual(transcript.text, "ab c")
        XCTAssertEqual(transcript.words[0].start, 0.02, accuracy: 1e-9)
        XCTAssertEqual(transcript.words[0].end, 4 * 0.02 + 0.05, accuracy: 1e-9)
        XCTAssertEqual(transcript.words[1].start, 8 * 0.02, accuracy: 1e-9)
        XCTAssertEqual(transcript.words[1].end, 9 * 0.02 + 0.05, accuracy: 1e-9)
        XCTAssertEqual(transcript.words[1].confidence, 0.8, accuracy: 1e-5)
    }

    func testPruningKeepsTheAnswerOnPeakyInputAndTheWorkspaceIsReused() throws {
        let wide = try BeamSearchDecoder(tokens: tokens, options: BeamSearchOptions(beamWidth: 32))
        let pruned = try BeamSearchDecoder(tokens: tokens, options: BeamSearchOptions(beamWidth: 32, tokensPerFrame: 2, tokenThreshold: -6, beamThreshold: 15))
        let inputs = (0..<5).map { Frames.random(frames: 200, classes: tokens.count, kind: .peaky, seed: 500 + UInt64($0)) }
        let first = inputs.map { $0.with(wide.decode) }
        for (input, expected) in zip(inputs, first) {
            XCTAssertEqual(input.with(pruned.decode).text, expected.text)
        }
        // Decoding again in another order gives the same results: nothing leaks between calls.
        for (input, expected) in zip(inputs, first).reversed() { XCTAssertEqual(input.with(wide.decode), expected) }
    }

    func testDroppingUnreachablePrefixesChangesNothing() throws {
        let options = BeamSearchOptions(beamWidth: 16, nbest: 4)
        let kept = try BeamSearchDecoder(tokens: tokens, options: options)
        let compacted = try BeamSearchDecoder(tokens: tokens, options: options)
        compacted.compactionThreshold = 200  // compacts every few frames
        for (seed, kind) in [(1, RandomLogProbabilities.Kind.peaky), (2, .flat)] {
            let input = Frames.random(frames: 3000, classes: tokens.count, kind: kind, seed: 600 + UInt64(seed))
            XCTAssertEqual(input.with(compacted.decode), input.with(kept.decode))
        }
    }

    func testReadsOneUtteranceOutOfABatch() throws {
        let a = Frames.random(frames: 30, classes: tokens.count, kind: .peaky, seed: 7)
        let b = Frames.random(frames: 30, classes: tokens.count, kind: .peaky, seed: 8)
        var interleaved = [Float]()
        for t in 0..<30 {
            let rows: Range<Int> = (t * 6)..<(t * 6 + 6)
            interleaved.append(contentsOf: a.values[rows])
            interleaved.append(contentsOf: b.values[rows])
        }
        let decoder = try BeamSearchDecoder(tokens: tokens, options: BeamSearchOptions(beamWidth: 8))
        let fromBatch = interleaved.withUnsafeBufferPointer {
            decoder.decode(LogProbabilities(values: UnsafeBufferPointer(rebasing: $0[6...]), frames: 30, classes: 6, rowStride: 12))
        }
        XCTAssertEqual(fromBatch, b.with(decoder.decode))
    }

    func testEmptyInputAndImpossibleOptions() throws {
        let decoder = try BeamSearchDecoder(tokens: tokens)
        let none = [Float]().withUnsafeBufferPointer { decoder.decode(LogProbabilities(values: $0, frames: 0, classes: 6)) }
        XCTAssertEqual(none.text, "")
        XCTAssertEqual(none.confidence, 0)
        for (options, message) in [
            (BeamSearchOptions(beamWidth: 0), "beam width must be at least 1"),
            (BeamSearchOptions(tokensPerFrame: 0), "top-k"),
            (BeamSearchOptions(tokenThreshold: 1), "token threshold"),
            (BeamSearchOptions(beamThreshold: 0), "beam threshold"),
            (BeamSearchOptions(beamWidth: 4, nbest: 5), "cannot exceed the beam width"),
            (BeamSearchOptions(unknownThreshold: 2), "unknown threshold"),
        ] {
            XCTAssertThrowsError(try BeamSearchDecoder(tokens: tokens, options: options)) { error in
                XCTAssertTrue("\(error)".contains(message), "\(error)")
            }
        }
    }
}
