import CochleaCore
import CochleaFeatures
@testable import CochleaTraining
import Foundation
import XCTest

/// Speed perturbation as Kaldi means it: a factor above 1 makes the clip shorter and every
/// frequency in it higher by that factor, below 1 longer and lower.
final class SpeedPerturbationTests: XCTestCase {
    /// The frequency of a tone from its zero crossings (rising), in Hz at 16 kHz.
    func frequency(_ x: [Float]) -> Double {
        let middle = x[400..<(x.count - 400)]
        let rising = middle.indices.dropFirst().filter { middle[$0 - 1] < 0 && middle[$0] >= 0 }
        return Double(rising.count - 1) / Double(rising.last! - rising.first!) * 16_000
    }

    /// The new durations (1 / factor) of the clips that 20,000 draws speed-perturb.
    func drawnDurations(_ options: TrainingOptions) throws -> [Double] {
        var problems = [DatasetProblem]()
        let store = try FeatureStore(utterances: [], pipeline: .defaultForTraining, threads: 1, problems: &problems)
        let preparer = try BatchPreparer(items: [], store: store, options: options, mixer: nil)
        return (0..<20_000).compactMap { seed in
            var random = SeededRandom(seed: UInt64(seed))
            let speed = preparer.draw(&random).speed
            return speed == 1 ? nil : 1 / speed
        }
    }

    func testAFactorAboveOneIsFasterAndHigher() throws {
        let tone = (0..<16_000).map { Float(0.5 * sin(2 * Double.pi * 500 * Double($0) / 16_000)) }
        for percent in [80, 97, 118, 125] {
            let sped = try BatchPreparer.speed(tone, percent: percent)
            let factor = Double(percent) / 100
            XCTAssertEqual(Double(sped.count), (16_000 / factor).rounded(.up), accuracy: 1, "\(percent)%: length")
            XCTAssertEqual(frequency(sped), 500 * factor, accuracy: 1, "\(percent)%: pitch")
        }
        XCTAssertEqual(try BatchPreparer.speed(tone, percent: 100), tone, "100% leaves the clip alone")
    }

    /// The durations the factors give are uniform over 1 / 1.18 ... 1 / 0.8 (what 0.85...1.25 gave
    /// before the factor was turned round): 62% of the clips come out longer.
    func testDurationsAreSpreadEvenly() throws {
        let durations = try drawnDurations(TrainingOptions())
        XCTAssertEqual(Double(durations.count) / 20_000, 0.6, accuracy: 0.015, "the share perturbed of 20,000 draws")
        XCTAssertGreaterThanOrEqual(durations.min()!, 1 / 1.18 - 1e-9)
        XCTAssertLessThanOrEqual(durations.max()!, 1 / 0.8 + 1e-9)
        let longer = Double(durations.filter { $0 > 1 }.count) / Double(durations.count)
        XCTAssertEqual(longer, (1.25 - 1) / (1.25 - 1 / 1.18), accuracy: 0.015)
        let sorted = durations.sorted()
        XCTAssertEqual(sorted[sorted.count / 2], (1 / 1.18 + 1.25) / 2, accuracy: 0.01, "the median duration")
    }

    /// A checkpoint saved before the factor was turned round has no `speedConvention`: its range
    /// 0.85...1.25 still gives durations uniform over 0.85 ... 1.25, as the run began.
    func testOptionsSavedBeforeTheTurnKeepTheirDraws() throws {
        var old = TrainingOptions()
        old.speedRange = 0.85...1.25
        var json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(old)) as! [String: Any]
        XCTAssertEqual(json["speedConvention"] as? String, "kaldi")
        json.removeValue(forKey: "speedConvention")
        let decoded = try JSONDecoder().decode(TrainingOptions.self, from: JSONSerialization.data(withJSONObject: json))
        XCTAssertNil(decoded.speedConvention)
        XCTAssertEqual(try JSONDecoder().decode(TrainingOptions.self, from: JSONEncoder().encode(old)), old, "round trip")
        let durations = try drawnDurations(decoded)
        XCTAssertGreaterThanOrEqual(durations.min()!, 0.85 - 1e-9)
        XCTAssertLessThanOrEqual(durations.max()!, 1.25 + 1e-9)
        XCTAssertEqual(durations.sorted()[durations.count / 2], 1.05, accuracy: 0.01, "the median duration")
    }

    func testTheDefaultRangeSpansWhatItDidBefore() {
        // Before the factor was turned round, 0.85...1.25 meant tempo 1 / 1.25 ... 1 / 0.85.
        let range = TrainingOptions().speedRange
        XCTAssertEqual(range.lowerBound, 1 / 1.25, accuracy: 0.005)
        XCTAssertEqual(range.upperBound, 1 / 0.85, accuracy: 0.005)
    }
}
