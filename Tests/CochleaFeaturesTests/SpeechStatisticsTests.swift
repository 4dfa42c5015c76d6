import CochleaAudio
import CochleaCore
@testable import CochleaFeatures
import CochleaTestSupport
import Foundation
import XCTest

final class SpeechStatisticsTests: XCTestCase {
    /// Statistics from the marked frames only, applied to all: frames 0 and 2 (values 1 and 3) give
    /// mean 2 and standard deviation 1, so the unmarked frame (10) becomes 8. No mark at all falls
    /// back to every frame, as plain utterance CMVN.
    func testStatisticsComeFromTheMarkedFramesAndApplyToAll() {
        let matrix = FeatureMatrix(frames: 3, dims: 1, values: [1, 10, 3])
        let normalized = CMVN.utterance(matrix, normalizeVariance: true, counted: [true, false, true])
        XCTAssertEqual(normalized.values, [-1, 8, 1])
        XCTAssertEqual(CMVN.utterance(matrix, counted: [true, false, true]).values, [-1, 8, 1])
        XCTAssertEqual(CMVN.utterance(matrix, normalizeVariance: true, counted: [false, false, false]).values,
                       CMVN.utterance(matrix, normalizeVariance: true).values)
    }

    /// A frame counts when its mean over the used columns is within the range of the loudest frame's:
    /// 30 dB of power is 3·ln(10) ≈ 6.9 nepers, of magnitude half that. Ignored columns (dither-only
    /// bands) do not vote.
    func testLoudFramesAreJudgedByTheirMeanLevelWithoutIgnoredColumns() {
        // Column 1 is "empty": the same value in every frame, far above the others.
        let matrix = FeatureMatrix(frames: 4, dims: 2, values: [0, 50, -6, 50, -8, 50, -3, 50])
        let statistics = SpeechStatistics(decibels: 30)
        XCTAssertEqual(statistics.loudFrames(of: matrix, ignoring: [1], powerSpectrum: true), [true, true, false, true])
        XCTAssertEqual(statistics.loudFrames(of: matrix, ignoring: [1], powerSpectrum: false), [true, false, false, true])
        // Counted with the empty column, every frame's mean is within 4 nepers of the loudest's.
        XCTAssertEqual(statistics.loudFrames(of: matrix, ignoring: [], powerSpectrum: true), [true, true, true, true])
        XCTAssertEqual(statistics.loudFrames(of: FeatureMatrix(frames: 0, dims: 2), ignoring: [], powerSpectrum: true), [])
    }

    func speech() throws -> [Float] { try AudioDecoder.decode(path: Fixtures.path("audio/speech.wav")).samples }

    /// What it is for: the same speech cut close, and with 0.3 s of digital silence on each side.
    /// With statistics over every frame the normalised speech frames differ a lot between the two,
    /// even with a dynamic-range floor; with statistics over speech they nearly agree.
    func testPausesAroundTheSpeechStopMattering() throws {
        let voice = try speech()
        let pause = [Float](repeating: 0, count: 4800)
        func distance(_ pipeline: FeaturePipeline) throws -> Double {
            let extractor = try PipelineExtractor(pipeline)
            let close = extractor.features(of: voice), padded = extractor.features(of: pause + voice + pause)
            XCTAssertEqual(padded.frames, close.frames + 60)
            var total = 0.0
            // Frames clear of the cut (the frames at its edges see different samples).
            let rows = (2 * close.dims)..<((close.frames - 2) * close.dims)
            for i in rows { total += Double(abs(close.values[i] - padded.values[i + 30 * close.dims])) }
            return total / Double(rows.count)
        }
        var everyFrame = FeaturePipeline.defaultForTests
        everyFrame.options.dither = 0
        everyFrame.dynamicRange = DynamicRangeFloor(decibels: 50)
        var overSpeech = everyFrame
        overSpeech.speechStatistics = SpeechStatistics(decibels: 30)
        let without = try distance(everyFrame), with = try distance(overSpeech)
        XCTAssertLessThan(with, 0.05, "mean |difference| \(with) over speech, \(without) over every frame")
        XCTAssertGreaterThan(without, 0.2)
    }

    func testCodingAndValidation() throws {
        try FeaturePipeline.checkOptionalStage("speechStatistics", on: { $0.speechStatistics = SpeechStatistics(decibels: 30) },
                                               refused: [{ $0.options = .kaldiMFCC }, { $0.normalization = .sliding }, { $0.speechStatistics?.decibels = 2 }])
    }
}
