import CochleaCore
import CochleaFeatures
import Foundation
import XCTest

final class SpectralGateTests: XCTestCase {
    func noise(_ count: Int, _ amplitude: Double, seed: UInt64) -> [Float] {
        var random = SeededRandom(seed: seed)
        return (0..<count).map { _ in Float(amplitude * random.nextGaussian()) }
    }

    func rms(_ x: ArraySlice<Float>) -> Double { (x.reduce(0.0) { $0 + Double($1 * $1) } / Double(x.count)).squareRoot() }

    func testWithoutSubtractionTheSignalComesBack() {
        let gate = SpectralGate()
        for count in [37, 256, 1000, 16000] {
            let x = noise(count, 0.3, seed: UInt64(count))
            let y = gate.suppress(x, overSubtraction: 0, floor: 0.1, quietShare: 0.2)
            XCTAssertEqual(y.count, count)
            XCTAssertLessThan(zip(x, y).map { abs($0 - $1) }.max()!, 1e-5, "\(count) samples")
        }
        XCTAssertEqual(gate.suppress([Float](repeating: 0, count: 500), overSubtraction: 3, floor: 0.1, quietShare: 0.2),
                       [Float](repeating: 0, count: 500))
    }

    /// 0.5 s of noise, then 0.5 s of the same noise with a loud tone: the pause loses most of its
    /// noise, the tone keeps its level.
    func testNoiseGoesAndAToneStays() {
        let background = noise(16000, 0.01, seed: 3)
        let tone = (0..<16000).map { i in i < 8000 ? Float(0) : Float(0.3 * sin(2 * Double.pi * 1000 * Double(i) / 16000)) }
        let x = zip(background, tone).map { $0 + $1 }
        let y = SpectralGate().suppress(x, overSubtraction: 2, floor: 0.05, quietShare: 0.3)
        XCTAssertLessThan(rms(y[1000..<7000]), rms(x[1000..<7000]) * 0.5, "at least 6 dB less noise in the pause (the musical residue stays)")
        let kept = rms(y[9000..<15000]) / rms(x[9000..<15000])
        XCTAssertEqual(kept, 1, accuracy: 0.05, "the tone within 0.5 dB")
    }
}
