import CochleaCore
@testable import CochleaTraining
import Foundation
import XCTest

final class TiltTests: XCTestCase {
    func sine(_ frequency: Double, count: Int = 16000) -> [Float] {
        (0..<count).map { Float(0.3 * sin(2 * Double.pi * frequency * Double($0) / 16000)) }
    }

    func rms(_ x: ArraySlice<Float>) -> Double {
        (x.reduce(0) { $0 + Double($1) * Double($1) } / Double(x.count)).squareRoot()
    }

    /// The analogue shelf's magnitude |H(j2πf)| = |G·jf + fc| / |jf + fc|. The bilinear transform
    /// with the corner prewarped matches it exactly at 0 Hz and at the corner, closely below the
    /// corner, and above it bends towards G sooner (it maps the analogue axis onto 0…Nyquist).
    func analogueGain(_ frequency: Double, gain: Double, corner: Double) -> Double {
        let g = pow(10, gain / 20)
        return ((g * frequency) * (g * frequency) + corner * corner).squareRoot()
            / (frequency * frequency + corner * corner).squareRoot()
    }

    func measuredDecibels(_ frequency: Double, gain: Double, corner: Double) -> Double {
        let out = TiltOptions.tilt(sine(frequency), gain: gain, corner: corner, sampleRate: 16000)
        // Steady state: leave the first 0.1 s for the filter's transient.
        return 20 * log10(rms(out[1600...]) / rms(sine(frequency)[1600...]))
    }

    func testShelfKeepsTheLowBandAndScalesTheHighOne() {
        for (gain, corner) in [(-12.0, 500.0), (6.0, 300.0), (-20.0, 1000.0)] {
            for frequency in [60.0, corner] {
                XCTAssertEqual(measuredDecibels(frequency, gain: gain, corner: corner),
                               20 * log10(analogueGain(frequency, gain: gain, corner: corner)), accuracy: 0.1,
                               "\(frequency) Hz through \(gain) dB above \(corner) Hz")
            }
            // Well above the corner: at least as far from 0 dB as the analogue shelf, at most G.
            let high = measuredDecibels(6000, gain: gain, corner: corner)
            let analogue = 20 * log10(analogueGain(6000, gain: gain, corner: corner))
            XCTAssertTrue((min(analogue, gain) - 0.1 ... max(analogue, gain) + 0.1).contains(high), "\(high) dB at 6 kHz, \(gain) dB shelf")
        }
        // At the Nyquist frequency the digital shelf reaches exactly G; at 0 Hz exactly 1.
        let nyquist = (0..<1000).map { Float($0 % 2 == 0 ? 0.5 : -0.5) }
        let high = TiltOptions.tilt(nyquist, gain: -12, corner: 500, sampleRate: 16000)
        XCTAssertEqual(Double(abs(high.last!)) / 0.5, pow(10, -12.0 / 20), accuracy: 1e-4)
        let dc = TiltOptions.tilt([Float](repeating: 0.5, count: 4000), gain: -12, corner: 500, sampleRate: 16000)
        XCTAssertEqual(dc.last!, 0.5, accuracy: 1e-5)
        XCTAssertEqual(TiltOptions.tilt([], gain: -12, corner: 500, sampleRate: 16000), [])
    }

    func testTiltIsSeededAndDrawsFromTheRanges() {
        let clip = sine(4000)
        var options = TiltOptions(probability: 1)
        options.gain = -15 ... -3
        options.corner = 300...1000
        var random = SeededRandom(seed: 9)
        var first = random, second = random
        XCTAssertEqual(options.tilt(clip, sampleRate: 16000, random: &first), options.tilt(clip, sampleRate: 16000, random: &second))
        var seen = Set<Int>()
        for _ in 0..<20 {
            let out = options.tilt(clip, sampleRate: 16000, random: &random)
            let decibels = 20 * log10(rms(out[1600...]) / rms(clip[1600...]))
            // 4 kHz lies well above every corner: it is lowered by about the drawn gain, 3 to 15 dB.
            XCTAssertTrue((-15.5 ... -2.5).contains(decibels), "\(decibels)")
            seen.insert(Int(decibels))
        }
        XCTAssertGreaterThan(seen.count, 5, "the gain is drawn anew each time")
    }

    func testOptionsWithoutTiltDecodeAndImpossibleOnesAreRefused() throws {
        var options = TrainingOptions()
        let plain = try JSONEncoder().encode(options)
        XCTAssertFalse(String(decoding: plain, as: UTF8.self).contains("tilt"))
        XCTAssertEqual(try JSONDecoder().decode(TrainingOptions.self, from: plain), options)
        options.tilt = TiltOptions(probability: 0.3)
        options.tilt?.gain = -10...2
        XCTAssertEqual(try JSONDecoder().decode(TrainingOptions.self, from: try JSONEncoder().encode(options)), options)
        try options.validate()
        options.tilt?.gain = -40...2
        XCTAssertThrowsError(try options.validate())
        options.tilt?.gain = -10...2
        options.tilt?.corner = 300...5000
        XCTAssertThrowsError(try options.validate())
        options.tilt = TiltOptions(probability: 1.5)
        XCTAssertThrowsError(try options.validate())
    }
}
