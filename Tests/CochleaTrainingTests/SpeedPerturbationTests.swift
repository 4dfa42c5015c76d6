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

    func testAFactorAboveOneIsFasterAndHigher() {
        let worker = BatchPreparer.Worker(FeaturePipeline.defaultForTraining)
        let tone = (0..<16_000).map { Float(0.5 * sin(2 * Double.pi * 500 * Double($0) / 16_000)) }
        for percent in [80, 97, 118, 125] {
            let sped = worker.speed(tone, percent: percent)
            let factor = Double(percent) / 100
            XCTAssertEqual(Double(sped.count), (16_000 / factor).rounded(.up), accuracy: 1, "\(percent)%: length")
            XCTAssertEqual(frequency(sped), 500 * factor, accuracy: 1, "\(percent)%: pitch")
        }
        XCTAssertEqual(worker.speed(tone, percent: 100), tone, "100% leaves the clip alone")
    }

    func testTheDefaultRangeSpansWhatItDidBefore() {
        // Before the factor was turned round, 0.85...1.25 meant tempo 1 / 1.25 ... 1 / 0.85.
        let range = TrainingOptions().speedRange
        XCTAssertEqual(range.lowerBound, 1 / 1.25, accuracy: 0.005)
        XCTAssertEqual(range.upperBound, 1 / 0.85, accuracy: 0.005)
    }
}
