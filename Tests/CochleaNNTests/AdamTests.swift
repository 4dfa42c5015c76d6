import CochleaCore
import CochleaNN
import CochleaTestSupport
import Foundation
import XCTest

/// Adam, AdamW and gradient-norm clipping against torch.optim (Fixtures/optim/adam.json).
final class AdamTests: XCTestCase {
    struct Reference: Decodable {
        struct Case: Decodable {
            let trajectory: [[Double]]
            let norms: [Double]
        }
        let start: [Double]
        let grads: [[Double]]
        let cases: [String: Case]
    }

    func testTrajectoriesMatchPyTorch() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("optim/adam.json")))
        let reference = try JSONDecoder().decode(Reference.self, from: data)
        let settings: [(String, AdamOptions, Double)] = [
            ("adam", AdamOptions(learningRate: 0.01), 0),
            ("adamw", AdamOptions(learningRate: 0.01, weightDecay: 0.1), 0),
            ("adam_clipped", AdamOptions(learningRate: 0.003), 2),
        ]
        for (name, options, maxNorm) in settings {
            let expected = try XCTUnwrap(reference.cases[name])
            var parameters = reference.start
            let adam = Adam<Double>(count: parameters.count, options: options)
            for (step, gradient) in reference.grads.enumerated() {
                var g = gradient
                if maxNorm > 0 {
                    let norm = g.withUnsafeMutableBufferPointer { GradientClipping.clip($0, maxNorm: maxNorm) }
                    XCTAssertEqual(norm, expected.norms[step], accuracy: 1e-12, "\(name) norm at step \(step)")
                }
                parameters.withUnsafeMutableBufferPointer { p in
                    g.withUnsafeBufferPointer { adam.update(parameters: p, gradients: $0) }
                }
                assertClose(parameters, expected.trajectory[step], absolute: 1e-12, relative: 1e-10, "\(name) step \(step)")
            }
        }
    }

    func testNonFiniteGradientsAreReportedNotScaled() {
        var g: [Float] = [1, .nan, 2]
        let norm = g.withUnsafeMutableBufferPointer { GradientClipping.clip($0, maxNorm: 1) }
        XCTAssertFalse(norm.isFinite)
        XCTAssertEqual(g[0], 1)
    }

    func testTwoThreadsGiveTheSameStepsAsOne() {
        let count = 100_003
        var random = SeededRandom(seed: 5)
        let start = (0..<count).map { _ in Float(random.nextGaussian()) }
        var results = [[Float]]()
        for threads in [1, 2] {
            let adam = Adam<Float>(count: count, options: AdamOptions(learningRate: 1e-2, weightDecay: 1e-3))
            var parameters = start
            var stream = SeededRandom(seed: 9)
            for _ in 0..<3 {
                let gradients = (0..<count).map { _ in Float(stream.nextGaussian()) }
                parameters.withUnsafeMutableBufferPointer { p in
                    gradients.withUnsafeBufferPointer { adam.update(parameters: p, gradients: $0, threads: threads) }
                }
            }
            results.append(parameters)
        }
        XCTAssertNotEqual(results[0], start)
        XCTAssertEqual(results[0], results[1])
    }
}
