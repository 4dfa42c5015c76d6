import CochleaCore
import CochleaFeatures
import XCTest

final class FFTConvolverTests: XCTestCase {
    /// Against the definition, y[n] = Σ_k h[k]·x[n−k] summed in Double, for kernels shorter and
    /// longer than the signal, lengths that are and are not powers of two, and a reused convolver.
    func testEqualsDirectConvolutionCutToTheSignalsLength() {
        var random = SeededRandom(seed: 7)
        let convolver = FFTConvolver()
        for (n, k) in [(1, 1), (5, 3), (64, 64), (1000, 17), (300, 2048), (4096, 4097), (1000, 17)] {
            let x = (0..<n).map { _ in Float(random.nextGaussian()) }
            let h = (0..<k).map { _ in Float(random.nextGaussian()) }
            let y = convolver.convolve(x, with: h)
            XCTAssertEqual(y.count, n)
            var worst = 0.0, scale = 0.0
            for i in 0..<n {
                var direct = 0.0
                for j in 0...min(i, k - 1) { direct += Double(h[j]) * Double(x[i - j]) }
                worst = max(worst, abs(direct - Double(y[i])))
                scale = max(scale, abs(direct))
            }
            XCTAssertLessThan(worst, 1e-5 * max(1, scale) * Double(min(n, k)).squareRoot(), "\(n) samples, \(k) taps")
        }
    }

    func testAUnitImpulseGivesTheSignalBackAndADelayShiftsIt() {
        let x: [Float] = [1, -2, 3, 0.5, 7]
        let convolver = FFTConvolver()
        for (a, b) in zip(convolver.convolve(x, with: [1]), x) { XCTAssertEqual(a, b, accuracy: 1e-6) }
        for (a, b) in zip(convolver.convolve(x, with: [0, 0, 2]), [0, 0, 2, -4, 6] as [Float]) { XCTAssertEqual(a, b, accuracy: 1e-5) }
        XCTAssertEqual(convolver.convolve([], with: [1, 2]), [])
    }
}
