import CochleaCore
@testable import CochleaTraining
import Foundation
import XCTest

final class CompressionTests: XCTestCase {
    let rate = 16000

    /// 0.5 s at 0.01 (40 dB under the peak), then 0.5 s at 1: a level the detector settles on exactly.
    func steps() -> [Float] { [Float](repeating: 0.01, count: 8000) + [Float](repeating: 1, count: 8000) }

    func testAboveTheThresholdTheLevelRisesOneRatioAsFast() {
        let out = CompressionOptions.compress(steps(), sampleRate: rate, threshold: 20, ratio: 4, attack: 0.001, release: 0.1)
        // Under the threshold (20 dB under the peak) nothing changes.
        XCTAssertEqual(Array(out[0..<8000]), steps()[0..<8000].map { $0 })
        // 20 dB over it comes out 5 dB over it: 15 dB under the peak, settled long before the end.
        XCTAssertEqual(Double(out.last!), pow(10, -15.0 / 20), accuracy: 1e-4)
        // The attack lets the step's first samples through: the peak stays where it was.
        XCTAssertEqual(out[8000], 1)
    }

    func testRatioOneAndSilenceChangeNothing() {
        var random = SeededRandom(seed: 2)
        let noise = (0..<4000).map { _ in Float(0.3 * random.nextGaussian()) }
        XCTAssertEqual(CompressionOptions.compress(noise, sampleRate: rate, threshold: 10, ratio: 1, attack: 0.005, release: 0.1), noise)
        let silence = [Float](repeating: 0, count: 1000)
        XCTAssertEqual(CompressionOptions.compress(silence, sampleRate: rate, threshold: 10, ratio: 4, attack: 0.005, release: 0.1), silence)
    }

    func testSeededDrawsKeepSignAndPeakAndNarrowTheRange() {
        var random = SeededRandom(seed: 4)
        // A loud burst between quiet stretches.
        let clip = (0..<16000).map { i in Float((6000..<10000).contains(i) ? 0.8 : 0.02) * Float(sin(Double(i) * 0.07)) }
        var options = CompressionOptions(probability: 1)
        options.threshold = 10...25  // the quiet stretch (32 dB under the peak) stays under it
        func range(_ x: [Float]) -> Float {
            VectorReductions.peakMagnitude(Array(x[8000..<10000])) / VectorReductions.peakMagnitude(Array(x[0..<5000]))
        }
        for _ in 0..<10 {
            let out = options.compress(clip, sampleRate: rate, random: &random)
            XCTAssertEqual(VectorReductions.peakMagnitude(out), VectorReductions.peakMagnitude(clip), accuracy: 1e-6)
            XCTAssertTrue(zip(out, clip).allSatisfy { ($0 >= 0) == ($1 >= 0) })
            // The burst, once the detector has settled, comes out less loud against the quiet stretch.
            XCTAssertLessThan(range(out), range(clip) * 0.9)
        }
        var first = SeededRandom(seed: 8), second = SeededRandom(seed: 8)
        XCTAssertEqual(options.compress(clip, sampleRate: rate, random: &first), options.compress(clip, sampleRate: rate, random: &second))
    }

    func testImpossibleOptionsAreRefused() {
        for change in [{ (o: inout CompressionOptions) in o.probability = 2 }, { $0.ratio = 0.5...2 }, { $0.threshold = 10...90 },
                       { $0.attack = 0...0.01 }, { $0.release = 0.1...9 }] {
            var options = CompressionOptions()
            change(&options)
            XCTAssertThrowsError(try options.validate(), "\(options)")
        }
        XCTAssertNoThrow(try CompressionOptions().validate())
    }
}
