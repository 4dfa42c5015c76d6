import CochleaCore
@testable import CochleaTraining
import Foundation
import XCTest

final class ClippingTests: XCTestCase {
    /// A sine driven 6 dB past full scale: its peak reaches 2, so every sample above half the old
    /// peak is cut at ±1, and the rest is scaled by 2 / peak.
    func testClipDrivesThePeakPastFullScaleAndCutsAtOne() {
        let clip = (0..<1600).map { Float(0.25 * sin(2 * Double.pi * 200 * Double($0) / 16000)) }
        let peak = clip.map(abs).max()!
        let out = ClippingOptions.clip(clip, overdrive: 20 * log10(2))
        XCTAssertEqual(out.count, clip.count)
        for (x, y) in zip(clip, out) {
            let driven = x * 2 / peak
            XCTAssertEqual(y, min(1, max(-1, driven)), accuracy: 1e-5)
        }
        let cut = out.filter { abs($0) == 1 }.count, expected = clip.filter { abs($0) >= peak / 2 }.count
        XCTAssertEqual(Double(cut), Double(expected), accuracy: 4)
        XCTAssertEqual(Double(cut) / Double(clip.count), 2.0 / 3, accuracy: 0.02, "|sin| ≥ 1/2 two thirds of the time")
        XCTAssertEqual(ClippingOptions.clip([0, 0], overdrive: 6), [0, 0])
        XCTAssertEqual(ClippingOptions.clip([], overdrive: 6), [])
    }

    func testClippingIsSeededAndDrawsFromTheRange() {
        let clip = (0..<1600).map { Float(0.3 * sin(Double($0) * 0.07)) }
        var options = ClippingOptions(probability: 1)
        options.overdrive = 3...9
        var random = SeededRandom(seed: 4)
        var first = random, second = random
        XCTAssertEqual(options.clip(clip, random: &first), options.clip(clip, random: &second))
        var seen = Set<Int>()
        for _ in 0..<20 {
            let out = options.clip(clip, random: &random)
            let share = Double(out.filter { abs($0) == 1 }.count) / Double(out.count)
            // A sine whose peak is 3 to 9 dB past full scale spends 50% to 77% of its time clipped.
            XCTAssertTrue((0.48...0.79).contains(share), "\(share)")
            seen.insert(Int(share * 100))
        }
        XCTAssertGreaterThan(seen.count, 5, "the overdrive is drawn anew each time")
    }

    func testOptionsWithoutClippingDecodeAndImpossibleOnesAreRefused() throws {
        var options = TrainingOptions()
        let plain = try JSONEncoder().encode(options)
        XCTAssertFalse(String(decoding: plain, as: UTF8.self).contains("clipping"))
        XCTAssertEqual(try JSONDecoder().decode(TrainingOptions.self, from: plain), options)
        options.clipping = ClippingOptions(probability: 0.1)
        options.clipping?.overdrive = 1...4
        XCTAssertEqual(try JSONDecoder().decode(TrainingOptions.self, from: try JSONEncoder().encode(options)), options)
        options.clipping?.overdrive = -1...4
        XCTAssertThrowsError(try options.validate())
        options.clipping = ClippingOptions(probability: 2)
        XCTAssertThrowsError(try options.validate())
    }
}
