import CochleaAudio
import CochleaTestSupport
import Foundation
import XCTest

/// RationalResampler against torchaudio.functional.resample (Fixtures/resample, float64), and what a
/// band-limited resampler must do whatever its oracle says: keep a tone in the passband, remove one
/// above the new Nyquist frequency, keep the level of a constant.
final class RationalResamplerTests: XCTestCase {
    func testMatchesTorchaudioOnEveryRatio() throws {
        let input = try Fixtures.npy("resample/input.npy").floats
        // Our defaults on five ratios, then torchaudio's Kaiser defaults.
        let cases: [(Int, Int, Int, Double, Double)] = [(100, 85), (100, 97), (100, 113), (100, 125), (441, 160)].map { ($0, $1, 48, 0.95, 8.6) }
            + [(100, 85, 6, 0.99, 14.769656459379492)]
        for (from, to, width, rolloff, beta) in cases {
            let expected = try Fixtures.npy("resample/from\(from)_to\(to)_width\(width).npy").values
            let resampler = RationalResampler(from: from, to: to, zeroCrossings: width, rolloff: rolloff, beta: beta)
            let ours = resampler.resample(input)
            XCTAssertEqual(ours.count, expected.count, "\(from) → \(to)")
            let worst = zip(ours, expected).map { abs(Double($0) - $1) }.max() ?? 0
            // float32 products of ~120 taps against float64: a few 1e-7 of a signal of peak ~1.
            XCTAssertLessThan(worst, 2e-6, "\(from) → \(to), width \(width)")
        }
    }

    func testTheRatioIsReducedAndTheLengthRoundsUp() {
        let resampler = RationalResampler(from: 32_000, to: 16_000)
        XCTAssertEqual(resampler.inputBlock, 2)
        XCTAssertEqual(resampler.outputBlock, 1)
        XCTAssertEqual(resampler.outputCount(inputCount: 7), 4)
        XCTAssertEqual(RationalResampler(from: 100, to: 85).outputCount(inputCount: 16_000), 13_600)
        XCTAssertEqual(RationalResampler(from: 100, to: 85).taps % 8, 0)
        XCTAssertEqual(RationalResampler(from: 7, to: 7).resample([1, 2, 3]).count, 3)
        // Clips shorter than the filter: every tap meets the edge.
        XCTAssertEqual(RationalResampler(from: 100, to: 125).resample([1]).count, 2)
        XCTAssertEqual(RationalResampler(from: 100, to: 85).resample([]), [])
    }

    /// A tone sampled at 18,824 Hz (a 16 kHz clip read at speed 0.85), brought to 16 kHz: the same
    /// tone, within 1e-3 away from the edges, up to 5 kHz, and within 0.1 dB at 7 kHz; a tone that
    /// would fold back below 8 kHz is 90 dB down or more.
    func testPassesTheBandAndStopsWhatWouldAlias() {
        let resampler = RationalResampler(from: 100, to: 85)
        let inputRate = 16_000.0 * 100 / 85
        // The output of a unit tone, without 200 samples at each edge, and its level in dB.
        func tone(_ frequency: Double) -> (middle: ArraySlice<Float>, decibels: Double) {
            let output = resampler.resample((0..<18_824).map { Float(sin(2 * Double.pi * frequency * Double($0) / inputRate)) })
            let middle = output[200..<(output.count - 200)]
            let power = middle.map { Double($0 * $0) }.reduce(0, +) / Double(middle.count)
            return (middle, 10 * log10(power / 0.5))
        }
        for frequency in [1_000.0, 5_000.0] {
            let middle = tone(frequency).middle
            let worst = middle.indices.map { abs(Double(middle[$0]) - sin(2 * Double.pi * frequency * Double($0) / 16_000)) }.max()!
            XCTAssertLessThan(worst, 1e-3, "\(frequency) Hz")
        }
        XCTAssertEqual(tone(7_000).decibels, 0, accuracy: 0.1, "7 kHz")
        for frequency in [8_200.0, 8_600.0, 9_300.0] {
            XCTAssertLessThan(tone(frequency).decibels, -90, "\(frequency) Hz")
        }
        let constant = resampler.resample([Float](repeating: 0.5, count: 2_000))
        XCTAssertEqual(constant[1_000], 0.5, accuracy: 1e-4, "unit gain at 0 Hz")
    }
}
