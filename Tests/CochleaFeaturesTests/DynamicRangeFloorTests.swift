import CochleaAudio
import CochleaCore
@testable import CochleaFeatures
import CochleaTestSupport
import Foundation
import XCTest

final class DynamicRangeFloorTests: XCTestCase {
    /// Each column is raised to its own maximum minus the range: 10 dB of power is ln(10) nepers,
    /// of magnitude half that.
    func testEachColumnIsRaisedToItsMaximumMinusTheRange() {
        var matrix = FeatureMatrix(frames: 3, dims: 2)
        matrix.values = [0, 5, -1, -20, -4, 4]
        var power = matrix
        DynamicRangeFloor(decibels: 10).apply(to: &power, powerSpectrum: true)
        let ln10 = Float(log(10.0))
        XCTAssertEqual(power.values[0], 0)
        XCTAssertEqual(power.values[2], -1)
        XCTAssertEqual(power.values[4], -ln10, accuracy: 1e-6)
        XCTAssertEqual(power.values[1], 5)
        XCTAssertEqual(power.values[3], 5 - ln10, accuracy: 1e-6)
        XCTAssertEqual(power.values[5], 4)
        var magnitude = matrix
        DynamicRangeFloor(decibels: 10).apply(to: &magnitude, powerSpectrum: false)
        XCTAssertEqual(magnitude.values[4], -ln10 / 2, accuracy: 1e-6)
        var empty = FeatureMatrix(frames: 0, dims: 2)
        DynamicRangeFloor(decibels: 10).apply(to: &empty, powerSpectrum: true)
        XCTAssertEqual(empty.frames, 0)
    }

    func speech() throws -> [Float] { try AudioDecoder.decode(path: Fixtures.path("audio/speech.wav")).samples }

    /// What the floor is for: the same speech between 0.3 s pauses of low noise or of digital
    /// silence. Without the floor the normalised features of the speech frames differ a lot between
    /// the two; with it much less, because both pauses sit at the floor.
    func testDeepAndShallowPausesComeCloser() throws {
        let voice = try speech()
        var random = SeededRandom(seed: 2)
        let peak = voice.map(abs).max()!
        let hissLevel = peak * 0.0003
        let hiss = { (0..<4800).map { _ in Float(random.nextGaussian()) * hissLevel } }
        let shallow = hiss() + voice + hiss()
        let deep = [Float](repeating: 0, count: 4800) + voice + [Float](repeating: 0, count: 4800)
        func distance(_ pipeline: FeaturePipeline) throws -> Double {
            let extractor = try PipelineExtractor(pipeline)
            let a = extractor.features(of: shallow), b = extractor.features(of: deep)
            XCTAssertEqual(a.frames, b.frames)
            // The speech frames only (30 frames of pause on each side).
            let rows = (32 * a.dims)..<((a.frames - 32) * a.dims)
            var total = 0.0
            for i in rows { total += Double(abs(a.values[i] - b.values[i])) }
            return total / Double(rows.count)
        }
        var plain = FeaturePipeline.defaultForTests
        plain.options.dither = 0
        var floored = plain
        floored.dynamicRange = DynamicRangeFloor(decibels: 50)
        let without = try distance(plain), with = try distance(floored)
        XCTAssertLessThan(with, without / 3, "mean |difference| \(with) with the floor, \(without) without")
    }

    func testCodingAndValidation() throws {
        try FeaturePipeline.checkOptionalStage("dynamicRange", on: { $0.dynamicRange = DynamicRangeFloor(decibels: 55) },
                                               refused: [{ $0.options = .kaldiMFCC }, { $0.dynamicRange?.decibels = 5 }])
    }
}
