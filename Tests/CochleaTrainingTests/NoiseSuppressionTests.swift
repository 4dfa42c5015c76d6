import CochleaCore
import CochleaFeatures
@testable import CochleaTraining
import Foundation
import XCTest

final class NoiseSuppressionTests: XCTestCase {
    func testSeededDrawsRepeatAndQuietenThePause() {
        var random = SeededRandom(seed: 1)
        let clip = (0..<16000).map { i in
            Float(0.01 * random.nextGaussian()) + (i < 8000 ? 0 : Float(0.3 * sin(Double(i) * 0.3)))
        }
        let options = NoiseSuppressionOptions(probability: 1)
        let gate = SpectralGate()
        var first = SeededRandom(seed: 7), second = SeededRandom(seed: 7)
        let out = options.suppress(clip, gate: gate, random: &first)
        XCTAssertEqual(out, options.suppress(clip, gate: gate, random: &second))
        let pause = { (x: [Float]) in x[1000..<7000].reduce(Float(0)) { $0 + $1 * $1 } }
        XCTAssertLessThan(pause(out), pause(clip) * 0.5)
    }

    func testImpossibleOptionsAreRefused() {
        for change in [{ (o: inout NoiseSuppressionOptions) in o.probability = -0.1 }, { $0.overSubtraction = -1...2 },
                       { $0.floor = -20...3 }, { $0.quietShare = 0...0.2 }] {
            var options = NoiseSuppressionOptions()
            change(&options)
            XCTAssertThrowsError(try options.validate(), "\(options)")
        }
        XCTAssertNoThrow(try NoiseSuppressionOptions().validate())
    }
}
