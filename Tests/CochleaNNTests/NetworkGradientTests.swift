import CochleaCore
import CochleaLinalg
import CochleaNN
import CochleaTestSupport
import XCTest

/// Finite differences in Double on tiny shapes: every parameter and every input element.
final class NetworkGradientTests: XCTestCase {
    func check(layers: Int, lengths: [Int], dropout: Double, threads: Int, file: StaticString = #filePath, line: UInt = #line) {
        let shape = NetworkShape(inputSize: 3, hiddenSize: 4, layers: layers, classes: 5)
        let network = AcousticNetwork<Double>(shape: shape, seed: 11)
        network.dropout = dropout
        network.threads = threads
        let steps = lengths.max()!, batch = lengths.count
        var random = SeededRandom(seed: 5)
        var input = (0..<(steps * batch * 3)).map { _ in random.nextGaussian() }
        for t in 0..<steps { for b in 0..<batch where t >= lengths[b] { for d in 0..<3 { input[(t * batch + b) * 3 + d] = 0 } } }
        let lossWeights = (0..<(steps * batch * 5)).map { _ in random.nextGaussian() }

        func loss() -> Double {
            input.withUnsafeBufferPointer { x in
                let lp = network.forward(input: x.baseAddress!, steps: steps, batch: batch, lengths: lengths, training: true, dropoutSeed: 3)
                return weightedLoss(lp, lossWeights, steps: steps, batch: batch, classes: 5, lengths: lengths)
            }
        }
        // Analytic gradients.
        network.zeroGradients()
        var inputGradient = [Double](repeating: 0, count: input.count)
        input.withUnsafeBufferPointer { x in
            let lp = network.forward(input: x.baseAddress!, steps: steps, batch: batch, lengths: lengths, training: true, dropoutSeed: 3)
            let dLogits = weightedLossLogitGradient(lp, lossWeights, steps: steps, batch: batch, classes: 5, lengths: lengths)
            inputGradient.withUnsafeMutableBufferPointer { network.backward(logitGradient: dLogits, inputGradient: $0.baseAddress!) }
        }
        let analytic = network.gradientValues
        let epsilon = 1e-6
        var worst = 0.0
        for i in 0..<network.layout.count {
            let saved = network.parameters[i]
            network.parameters[i] = saved + epsilon
            let plus = loss()
            network.parameters[i] = saved - epsilon
            let minus = loss()
            network.parameters[i] = saved
            let numeric = (plus - minus) / (2 * epsilon)
            worst = max(worst, abs(numeric - analytic[i]) / max(1e-3, abs(numeric)))
        }
        XCTAssertLessThan(worst, 1e-5, "parameters: largest relative difference", file: file, line: line)
        worst = 0
        for i in 0..<input.count {
            let saved = input[i]
            input[i] = saved + epsilon
            let plus = loss()
            input[i] = saved - epsilon
            let minus = loss()
            input[i] = saved
            let numeric = (plus - minus) / (2 * epsilon)
            worst = max(worst, abs(numeric - inputGradient[i]) / max(1e-3, abs(numeric)))
        }
        XCTAssertLessThan(worst, 1e-5, "input: largest relative difference", file: file, line: line)
    }

    func testOneLayerFullLengths() { check(layers: 1, lengths: [4, 4], dropout: 0, threads: 1) }
    func testTwoLayersMixedLengths() { check(layers: 2, lengths: [5, 3, 1], dropout: 0, threads: 1) }
    func testTwoLayersMixedLengthsOnTwoThreads() { check(layers: 2, lengths: [2, 5, 4], dropout: 0, threads: 2) }
    func testThreeLayersWithDropout() { check(layers: 3, lengths: [4, 2], dropout: 0.3, threads: 2) }
    func testOneUtterance() { check(layers: 2, lengths: [5], dropout: 0, threads: 2) }
}
