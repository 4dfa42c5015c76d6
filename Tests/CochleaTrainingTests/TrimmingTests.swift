import CochleaCore
@testable import CochleaTraining
import Foundation
import XCTest

final class TrimmingTests: XCTestCase {
    /// 0.2 s of a noise floor 60 dB under a 0.3 s tone, then 0.2 s more floor, at 16 kHz.
    func toneInFloor() -> [Float] {
        var random = SeededRandom(seed: 9)
        let floor = { (n: Int) in (0..<n).map { _ in Float(random.nextGaussian()) * 0.0005 } }
        let tone = (0..<4800).map { Float(0.5 * sin(2 * Double.pi * 440 * Double($0) / 16000)) }
        return floor(3200) + tone + floor(3200)
    }

    /// At 40 dB the floor goes and the tone stays whole (it starts and ends on window boundaries);
    /// the zeros asked for stand in its place.
    func testTrimCutsTheFloorAndPadsWithZeros() {
        let clip = toneInFloor()
        let out = TrimmingOptions.trim(clip, window: 160, threshold: 40, lead: 1000, trail: 500)
        XCTAssertEqual(out.count, 1000 + 4800 + 500)
        XCTAssertTrue(out[..<1000].allSatisfy { $0 == 0 } && out[5800...].allSatisfy { $0 == 0 })
        XCTAssertEqual(Array(out[1000..<5800]), Array(clip[3200..<8000]))
        // A threshold under the floor (about 57 dB under the tone's windows) cuts nothing.
        XCTAssertEqual(TrimmingOptions.trim(clip, window: 160, threshold: 70, lead: 0, trail: 0), clip)
        XCTAssertEqual(TrimmingOptions.trim(clip, window: 160, threshold: 70, lead: 2, trail: 1), [0, 0] + clip + [0])
    }

    /// A tone that fades in keeps less of its onset the higher the threshold: 20 dB cuts into it.
    func testAHigherThresholdCutsDeeperIntoAFadeIn() {
        let fade = (0..<8000).map { Float(Double($0) / 8000 * sin(Double($0) * 0.3)) }
        let kept = [50.0, 30, 20, 10].map { TrimmingOptions.trim(fade, window: 160, threshold: $0, lead: 0, trail: 0).count }
        XCTAssertEqual(kept, kept.sorted(by: >))
        // Amplitude rises linearly: 20 dB under the end is a tenth of the way in.
        XCTAssertEqual(Double(kept[2]), 8000 * 0.9, accuracy: 200)
    }

    func testSilenceAndEmptyClipsLoseNothing() {
        XCTAssertEqual(TrimmingOptions.trim([0, 0, 0], window: 160, threshold: 30, lead: 4, trail: 4), [0, 0, 0])
        XCTAssertEqual(TrimmingOptions.trim([], window: 160, threshold: 30, lead: 4, trail: 4), [])
    }

    func testTrimmingIsSeededAndDrawsFromTheRanges() {
        let clip = toneInFloor()
        var options = TrimmingOptions(probability: 1)
        options.padding = 0.1...0.2
        var random = SeededRandom(seed: 3)
        var first = random, second = random
        XCTAssertEqual(options.trim(clip, sampleRate: 16000, random: &first), options.trim(clip, sampleRate: 16000, random: &second))
        var lengths = Set<Int>()
        for _ in 0..<10 {
            let out = options.trim(clip, sampleRate: 16000, random: &random)
            // The tone alone (20 to 50 dB thresholds all lie above the floor), and 0.2 to 0.4 s of zeros.
            XCTAssertTrue((4800 + 3200)...(4800 + 6400) ~= out.count, "\(out.count)")
            lengths.insert(out.count)
        }
        XCTAssertGreaterThan(lengths.count, 5)
        // Negative draws leave their end bare: with -0.2...0.2 about a quarter of the clips get no zeros at all.
        options.padding = -0.2...0.2
        let bare = (0..<400).filter { _ in options.trim(clip, sampleRate: 16000, random: &random).count == 4800 }.count
        XCTAssertEqual(Double(bare) / 400, 0.25, accuracy: 0.07)
    }

    func testOptionsWithoutTrimmingDecodeAndImpossibleOnesAreRefused() throws {
        var options = TrainingOptions()
        let plain = try JSONEncoder().encode(options)
        XCTAssertFalse(String(decoding: plain, as: UTF8.self).contains("trimming"))
        XCTAssertEqual(try JSONDecoder().decode(TrainingOptions.self, from: plain), options)
        options.trimming = TrimmingOptions(probability: 0.3)
        options.trimming?.threshold = 25...45
        XCTAssertEqual(try JSONDecoder().decode(TrainingOptions.self, from: try JSONEncoder().encode(options)), options)
        XCTAssertNoThrow(try options.validate())
        options.trimming?.padding = -11...0.3
        XCTAssertThrowsError(try options.validate())
        options.trimming = TrimmingOptions(probability: 0.3)
        options.trimming?.threshold = 0...40
        XCTAssertThrowsError(try options.validate())
        options.trimming = TrimmingOptions(probability: 1.5)
        XCTAssertThrowsError(try options.validate())
    }
}
