import CochleaCore
@testable import CochleaTraining
import Foundation
import XCTest

final class ClickTests: XCTestCase {
    let rate = 16000

    func word() -> [Float] { testWord() }

    func peak(_ x: some Collection<Float>) -> Float { x.reduce(0) { max($0, abs($1)) } }

    func testClicksGoIntoThePausesAtTheirLevel() {
        let clip = word()
        var random = SeededRandom(seed: 11)
        for _ in 0..<20 {
            let clicks = ClickOptions.draw(count: 3, for: clip, sampleRate: rate, level: -20 ... -20, random: &random)
            XCTAssertEqual(clicks.count, 3)
            for click in clicks {
                XCTAssertTrue((0..<4800).contains(click.start) || (11200..<16000).contains(click.start), "\(click.start)")
                XCTAssertTrue(ClickOptions.durations.contains(click.duration))
                XCTAssertTrue(ClickOptions.centres.contains(click.centre))
            }
            // One click: what was added peaks 20 dB under the clip's peak, starts where it was put,
            // and is gone 12 + 5 ms later.
            let click = clicks[0]
            let out = ClickOptions.add([click], to: clip, sampleRate: rate, random: &random)
            let added = zip(out, clip).map { $0 - $1 }
            XCTAssertEqual(Double(peak(added) / peak(clip)), 0.1, accuracy: 0.001)
            let touched = added.indices.filter { added[$0] != 0 }
            XCTAssertEqual(touched.first, click.start)
            XCTAssertLessThan(touched.last! - click.start, Int(0.017 * Double(rate)) + 1)
        }
    }

    func testAClipWithoutPausesTakesThemAnywhereAndSilenceStaysSilent() {
        let tone = (0..<8000).map { Float(0.3 * sin(Double($0) * 0.1)) }
        var random = SeededRandom(seed: 2)
        let starts = (0..<50).flatMap { _ in ClickOptions.draw(count: 2, for: tone, sampleRate: rate, level: -30 ... -30, random: &random) }.map(\.start)
        XCTAssertTrue(starts.allSatisfy { (0..<8000).contains($0) })
        XCTAssertGreaterThan(Set(starts.map { $0 / 1000 }).count, 5, "spread over the clip")

        let silence = [Float](repeating: 0, count: 1600)
        XCTAssertEqual(ClickOptions(probability: 1).add(to: silence, sampleRate: rate, random: &random), silence)
        XCTAssertEqual(ClickOptions(probability: 1).add(to: [], sampleRate: rate, random: &random), [])
    }

    /// The resonance puts the click's energy near its centre frequency.
    func testTheResonanceColoursTheClick() {
        var random = SeededRandom(seed: 4)
        for centre in [800.0, 5000.0] {
            let click = ClickOptions.Click(start: 0, duration: 0.01, centre: centre, q: 4, level: 0)
            let wave = ClickOptions.waveform(click, sampleRate: rate, random: &random).map(Double.init)
            func power(at frequency: Double) -> Double {
                let w = 2 * Double.pi * frequency / Double(rate)
                let re = wave.enumerated().reduce(0) { $0 + $1.element * cos(w * Double($1.offset)) }
                let im = wave.enumerated().reduce(0) { $0 + $1.element * sin(w * Double($1.offset)) }
                return re * re + im * im
            }
            let far = centre < 2000 ? 5000.0 : 800.0
            XCTAssertGreaterThan(power(at: centre), 10 * power(at: far), "centre \(centre)")
        }
    }

    func testSeededCountedAndStoredOnlyWhenAskedFor() throws {
        let clip = word()
        var options = ClickOptions(probability: 1)
        options.maximumCount = 3
        var random = SeededRandom(seed: 8)
        var first = random, second = random
        XCTAssertEqual(options.add(to: clip, sampleRate: rate, random: &first), options.add(to: clip, sampleRate: rate, random: &second))
        var levels = Set<Int>()
        for _ in 0..<30 {
            let added = zip(options.add(to: clip, sampleRate: rate, random: &random), clip).map { $0 - $1 }
            let level = 20 * log10(Double(peak(added) / peak(clip)))
            XCTAssertTrue((-40.5 ... -14.5).contains(level), "\(level)")
            levels.insert(Int(level / 5))
        }
        XCTAssertGreaterThan(levels.count, 2, "levels are drawn")

        var training = TrainingOptions()
        let plain = try JSONEncoder().encode(training)
        XCTAssertFalse(String(decoding: plain, as: UTF8.self).contains("clicks"), "older checkpoints stay readable")
        training.clicks = options
        XCTAssertEqual(try JSONDecoder().decode(TrainingOptions.self, from: try JSONEncoder().encode(training)), training)
        training.clicks?.level = -30...6
        XCTAssertThrowsError(try training.validate()) { XCTAssertTrue("\($0)".contains("click level must lie in -80...0 dB")) }
        training.clicks = ClickOptions(probability: -0.1)
        XCTAssertThrowsError(try training.validate()) { XCTAssertTrue("\($0)".contains("click probability")) }
    }
}
