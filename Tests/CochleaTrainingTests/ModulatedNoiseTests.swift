import CochleaCore
@testable import CochleaTraining
import Foundation
import XCTest

final class ModulatedNoiseTests: XCTestCase {
    func rms(_ x: ArraySlice<Float>) -> Double {
        (x.reduce(0) { $0 + Double($1) * Double($1) } / Double(x.count)).squareRoot()
    }

    /// A loud half then a quiet one, 40 dB apart: the noise added to each sits `snr` dB under that
    /// half, not at one level over the clip as background noise would.
    func testNoiseFollowsTheLoudnessOfTheSpeech() {
        let rate = 16000
        let clip = (0..<16000).map { i in Float((i < 8000 ? 0.5 : 0.005) * sin(2 * Double.pi * 220 * Double(i) / Double(rate))) }
        var random = SeededRandom(seed: 3)
        let out = ModulatedNoiseOptions.add(to: clip, sampleRate: rate, snr: 10, random: &random)
        XCTAssertEqual(out.count, clip.count)
        let noise = zip(out, clip).map { $0 - $1 }
        // Away from the step, where the three-window smoothing mixes the halves.
        for (range, level) in [(0..<7500, 0.5), (8500..<16000, 0.005)] {
            let expected = level / 2.0.squareRoot() * pow(10, -10.0 / 20)
            XCTAssertEqual(rms(noise[range]) / expected, 1, accuracy: 0.1, "\(range)")
        }
    }

    func testDigitalSilenceStaysSilentAndEmptyClipsPass() {
        var random = SeededRandom(seed: 1)
        let clip = [Float](repeating: 0, count: 800) + (0..<800).map { Float(0.1 * sin(Double($0))) } + [Float](repeating: 0, count: 800)
        let out = ModulatedNoiseOptions.add(to: clip, sampleRate: 16000, snr: 5, random: &random)
        XCTAssertEqual(Array(out[0..<640]), [Float](repeating: 0, count: 640), "windows whose neighbours are silent too")
        XCTAssertEqual(Array(out[1760...]), [Float](repeating: 0, count: 640))
        XCTAssertNotEqual(Array(out[800..<1600]), Array(clip[800..<1600]))
        XCTAssertEqual(ModulatedNoiseOptions.add(to: [], sampleRate: 16000, snr: 5, random: &random), [])
    }

    func testSeededDrawnFromTheRangeAndStoredOnlyWhenAskedFor() throws {
        let clip = (0..<3200).map { Float(0.3 * sin(Double($0) * 0.05)) }
        var options = ModulatedNoiseOptions(probability: 1)
        options.snr = 0...30
        var random = SeededRandom(seed: 9)
        var first = random, second = random
        XCTAssertEqual(options.add(to: clip, sampleRate: 16000, random: &first), options.add(to: clip, sampleRate: 16000, random: &second))
        var levels = Set<Int>()
        for _ in 0..<20 {
            let out = options.add(to: clip, sampleRate: 16000, random: &random)
            let snr = 20 * log10(rms(clip[...]) / rms(zip(out, clip).map { $0 - $1 }[...]))
            XCTAssertTrue((-1...31).contains(snr), "\(snr)")
            levels.insert(Int(snr / 3))
        }
        XCTAssertGreaterThan(levels.count, 4, "the SNR is drawn anew each time")

        var training = TrainingOptions()
        let plain = try JSONEncoder().encode(training)
        XCTAssertFalse(String(decoding: plain, as: UTF8.self).contains("modulatedNoise"), "older checkpoints stay readable")
        XCTAssertEqual(try JSONDecoder().decode(TrainingOptions.self, from: plain), training)
        training.modulatedNoise = options
        XCTAssertEqual(try JSONDecoder().decode(TrainingOptions.self, from: try JSONEncoder().encode(training)), training)
        training.modulatedNoise?.snr = -20...5
        XCTAssertThrowsError(try training.validate()) { XCTAssertTrue("\($0)".contains("modulated noise SNR")) }
        training.modulatedNoise = ModulatedNoiseOptions(probability: 1.5)
        XCTAssertThrowsError(try training.validate()) { XCTAssertTrue("\($0)".contains("modulated noise probability")) }
    }
}
