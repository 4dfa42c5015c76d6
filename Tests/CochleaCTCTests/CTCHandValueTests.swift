import CochleaCTC
import CochleaTestSupport
import Foundation
import XCTest

/// Values derived by hand or by enumerating every path, for tiny inputs.
final class CTCHandValueTests: XCTestCase {
    /// Loss of a single utterance covering all `frames` rows of `lp` [T, C].
    func loss(_ lp: [Float], classes: Int, target: [Int32], gradient: CTCGradient? = .logits) -> CTCResult {
        let frames = lp.count / classes
        let batch = CTCBatch(frames: frames, inputLengths: [frames], targets: target, targetLengths: [target.count])
        return CTCLoss(classes: classes, threads: 1)(logProbs: lp, batch: batch, gradient: gradient)
    }

    func uniform(frames: Int, classes: Int) -> [Float] {
        [Float](repeating: -log(Float(classes)), count: frames * classes)
    }

    func testOneFrameOneLabelIsMinusLogItsProbability() {
        let p: [Float] = [0.3, 0.7]
        let result = loss(p.map { log($0) }, classes: 2, target: [1])
        XCTAssertEqual(result.losses[0], -log(0.7), accuracy: 1e-6)
        // All the occupancy sits on label 1: gradient = softmax − onehot(1).
        assertClose(result.gradient, [0.3, -0.3], absolute: 1e-6, relative: 0, "gradient")
    }

    func testRepeatNeedsABlankBetween() {
        let result = loss(uniform(frames: 2, classes: 2), classes: 2, target: [1, 1])
        XCTAssertEqual(result.infinite, [true])
        XCTAssertEqual(result.infiniteCount, 1)
        XCTAssertEqual(result.losses, [0])
        XCTAssertTrue(result.gradient.allSatisfy { $0 == 0 })
        // Three frames allow exactly one path, "1 _ 1": 3 log 2 under the uniform distribution.
        let three = loss(uniform(frames: 3, classes: 2), classes: 2, target: [1, 1])
        XCTAssertEqual(three.losses[0], 3 * log(2), accuracy: 1e-5)
    }

    /// "a" in three frames over {_, a, b}: aaa, aa_, a__, _aa, _a_, __a are the 6 of 27 paths.
    func testUniformPathCount() {
        let result = loss(uniform(frames: 3, classes: 3), classes: 3, target: [1])
        XCTAssertEqual(result.losses[0], -log(6.0 / 27.0), accuracy: 1e-5)
        // Each path is equally likely, so γ_t(c) is the share of paths emitting c at frame t:
        // frame 0 emits a in 3 of 6 paths, blank in 3; frame 1 emits a in 4 of 6 (aaa, aa_, _aa, _a_).
        let g = result.gradient
        XCTAssertEqual(Double(g[0]), 1.0 / 3 - 3.0 / 6, accuracy: 1e-5)
        XCTAssertEqual(Double(g[1]), 1.0 / 3 - 3.0 / 6, accuracy: 1e-5)
        XCTAssertEqual(Double(g[2]), 1.0 / 3, accuracy: 1e-5)
        XCTAssertEqual(Double(g[4]), 1.0 / 3 - 4.0 / 6, accuracy: 1e-5)
    }

    func testEmptyTargetIsMinusSumOfLogBlank() {
        let lp = logSoftmax((0..<(5 * 3)).map { Float(sin(Double($0))) }, classes: 3)
        let expected = -(0..<5).reduce(0.0) { $0 + Double(lp[$1 * 3]) }
        let result = loss(lp, classes: 3, target: [])
        XCTAssertEqual(result.losses[0], expected, accuracy: 1e-5)
        XCTAssertEqual(result.infinite, [false])
    }

    /// A feasible target whose label has probability 0 in every frame is infinite too.
    func testZeroProbabilityLabelIsInfinite() {
        var lp = uniform(frames: 4, classes: 3)
        for t in 0..<4 { lp[t * 3 + 2] = -.infinity }
        let result = loss(lp, classes: 3, target: [1, 2])
        XCTAssertEqual(result.infinite, [true])
        XCTAssertTrue(result.gradient.allSatisfy { $0 == 0 })
        XCTAssertEqual(loss(lp, classes: 3, target: [1]).infinite, [false], "label 1 is still reachable")
    }

    func testZeroFrameUtterances() {
        let batch = CTCBatch(frames: 2, inputLengths: [0, 0, 2], targets: [1, 1], targetLengths: [0, 1, 1])
        let result = CTCLoss(classes: 2, threads: 2)(logProbs: uniform(frames: 2 * 3, classes: 2), batch: batch)
        XCTAssertEqual(result.infinite, [false, true, false])
        XCTAssertEqual(result.losses[0], 0, "nothing to emit in no frames has probability 1")
    }

    /// Every one of the C^T frame-label sequences, collapsed (merge repeats, drop blanks), summed.
    func bruteForceLoss(_ lp: [Double], classes: Int, target: [Int]) -> Double {
        let frames = lp.count / classes
        var total = 0.0
        for code in 0..<Int(pow(Double(classes), Double(frames))) {
            var rest = code, logP = 0.0, collapsed = [Int](), previous = -1
            for t in 0..<frames {
                let k = rest % classes
                rest /= classes
                logP += lp[t * classes + k]
                if k != 0 && k != previous { collapsed.append(k) }
                previous = k
            }
            if collapsed == target { total += exp(logP) }
        }
        return -log(total)
    }

    func testEnumerationOfAllPaths() {
        let targets: [[Int]] = [[1], [1, 2], [2, 2], [1, 2, 1], []]
        for (n, target) in targets.enumerated() {
            let random = RandomBatch(frames: 6, lengths: [6], targetLengths: [0], classes: 3, sharpness: 2, seed: UInt64(n))
            let lp = random.logProbs
            let expected = bruteForceLoss(lp.map(Double.init), classes: 3, target: target)
            let ours = loss(lp, classes: 3, target: target.map(Int32.init), gradient: nil)
            XCTAssertEqual(ours.losses[0], expected, accuracy: 1e-5 * expected, "target \(target)")
            XCTAssertTrue(ours.gradient.isEmpty, "no gradient was asked for")
        }
    }
}
