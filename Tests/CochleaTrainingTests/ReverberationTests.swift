import CochleaCore
import CochleaFeatures
@testable import CochleaTraining
import Foundation
import XCTest

final class ReverberationTests: XCTestCase {
    /// The simulated room has the reverberation time and direct-to-reverberant ratio it was asked
    /// for: RT60 read off the Schroeder decay curve between −5 and −25 dB (ISO 3382's T20), the
    /// ratio from the energies.
    func testImpulseResponseHasTheRequestedDecayAndRatio() {
        for (rt60, ratio) in [(0.2, 0.0), (0.5, 6.0), (0.8, 12.0), (1.5, -3.0)] {
            var random = SeededRandom(seed: 3)
            let h = ReverberationOptions.impulseResponse(reverberationTime: rt60, ratio: ratio, sampleRate: 16000, random: &random)
            XCTAssertEqual(h[0], 1)
            XCTAssertEqual(h.count, Int(rt60 * 16000))
            let tail = h.dropFirst().reduce(0.0) { $0 + Double($1) * Double($1) }
            XCTAssertEqual(10 * log10(1 / tail), ratio, accuracy: 1e-3)
            // Schroeder backward integration of the tail alone (the direct sound would dominate it).
            var decay = [Double](repeating: 0, count: h.count + 1)
            for n in stride(from: h.count - 1, through: 1, by: -1) { decay[n] = decay[n + 1] + Double(h[n]) * Double(h[n]) }
            let level = { (n: Int) in 10 * log10(decay[n] / decay[1]) }
            let at5 = (1..<h.count).first { level($0) <= -5 }!, at25 = (1..<h.count).first { level($0) <= -25 }!
            let measured = 3 * Double(at25 - at5) / 16000
            XCTAssertEqual(measured, rt60, accuracy: 0.1 * rt60, "RT60 \(rt60) s")
        }
    }

    func testReverberationKeepsLengthAndLevelAndIsSeeded() {
        var random = SeededRandom(seed: 11)
        let clip = (0..<16000).map { i in Float(sin(Double(i) * 0.05)) * (i % 4000 < 1500 ? 0.5 : 0) }
        let room = ReverberationOptions(probability: 1)
        let convolver = FFTConvolver()
        var first = random, second = random
        let a = room.reverberate(clip, sampleRate: 16000, convolver: convolver, random: &first)
        let b = room.reverberate(clip, sampleRate: 16000, convolver: FFTConvolver(), random: &second)
        XCTAssertTrue(a == b, "the same draws give the same room, whatever the convolver")
        XCTAssertEqual(a.count, clip.count)
        let energy = { (x: [Float]) in x.reduce(0.0) { $0 + Double($1) * Double($1) } }
        XCTAssertEqual(energy(a), energy(clip), accuracy: 1e-3 * energy(clip))
        // The silent gaps now hold the decaying tail of the tone before them.
        XCTAssertGreaterThan(abs(a[1600]), 1e-3)
        XCTAssertEqual(room.reverberate([], sampleRate: 16000, convolver: convolver, random: &random), [])
        let c = room.reverberate(clip, sampleRate: 16000, convolver: convolver, random: &first)
        XCTAssertTrue(a != c, "the next draws, another room")
    }

    /// Options of runs made before reverberation existed (no key in the checkpoint) still decode.
    func testOptionsWithoutReverberationDecodeAndWithItRoundTrip() throws {
        var options = TrainingOptions()
        let plain = try JSONEncoder().encode(options)
        XCTAssertFalse(String(decoding: plain, as: UTF8.self).contains("reverberation"))
        XCTAssertEqual(try JSONDecoder().decode(TrainingOptions.self, from: plain), options)
        options.reverberation = ReverberationOptions(probability: 0.4)
        options.reverberation?.reverberationTime = 0.3...1.1
        XCTAssertEqual(try JSONDecoder().decode(TrainingOptions.self, from: try JSONEncoder().encode(options)), options)
        options.reverberation?.reverberationTime = 0.01...0.5
        XCTAssertThrowsError(try options.validate())
        options.reverberation = ReverberationOptions(probability: 1.5)
        XCTAssertThrowsError(try options.validate())
    }
}
