import CochleaCTC
import CochleaTestSupport
import XCTest

/// Central finite differences of the Double reference against its analytic gradients, on a tiny
/// mixed-length batch (T = 6, B = 2, C = 4) whose first target repeats a label.
final class CTCGradientCheckTests: XCTestCase {
    let classes = 4
    let batch = CTCBatch(frames: 6, inputLengths: [6, 4], targets: [1, 2, 2, 3], targetLengths: [3, 1])

    func logits() -> [Double] {
        RandomBatch(frames: 6, lengths: [6, 4], targetLengths: [3, 1], classes: classes, seed: 7).logits
    }

    /// Σ losses as a function of the logits, through a Double log_softmax.
    func totalLoss(logits: [Double]) -> Double {
        CTCReference.compute(logProbs: logSoftmax(logits, classes: classes), classes: classes, batch: batch).losses
            .reduce(0, +)
    }

    func testLogitsGradientMatchesFiniteDifferences() {
        let x = logits()
        let analytic = CTCReference.compute(
            logProbs: logSoftmax(x, classes: classes), classes: classes, batch: batch, gradient: .logits)
        XCTAssertEqual(analytic.infinite, [false, false])
        let h = 1e-5
        var numeric = [Double](repeating: 0, count: x.count)
        for i in 0..<x.count {
            var plus = x, minus = x
            plus[i] += h
            minus[i] -= h
            numeric[i] = (totalLoss(logits: plus) - totalLoss(logits: minus)) / (2 * h)
        }
        assertClose(analytic.gradient, numeric, absolute: 1e-9, relative: 1e-6, "d loss / d logits")
        // Utterance 1 ends after 4 frames: its last two frames must not move the loss.
        for t in 4..<6 {
            for k in 0..<classes { XCTAssertEqual(numeric[(t * 2 + 1) * classes + k], 0, accuracy: 1e-12) }
        }
    }

    /// With log-probabilities as free inputs (no log_softmax), the derivative is −γ.
    func testLogProbabilitiesGradientMatchesFiniteDifferences() {
        let lp = logSoftmax(logits(), classes: classes)
        let analytic = CTCReference.compute(logProbs: lp, classes: classes, batch: batch, gradient: .logProbabilities)
        func total(_ values: [Double]) -> Double {
            CTCReference.compute(logProbs: values, classes: classes, batch: batch).losses.reduce(0, +)
        }
        let h = 1e-5
        var numeric = [Double](repeating: 0, count: lp.count)
        for i in 0..<lp.count {
            var plus = lp, minus = lp
            plus[i] += h
            minus[i] -= h
            numeric[i] = (total(plus) - total(minus)) / (2 * h)
        }
        assertClose(analytic.gradient, numeric, absolute: 1e-9, relative: 1e-6, "d loss / d log-probs")
    }

    /// The tuned Float kernel on the same tiny batch agrees with the checked reference to float precision.
    func testTunedKernelAgreesOnTheCheckedBatch() {
        let lp = logSoftmax(logits().map(Float.init), classes: classes)
        let reference = CTCReference.compute(logProbs: lp.map(Double.init), classes: classes, batch: batch)
        let ours = CTCLoss(classes: classes, threads: 2)(logProbs: lp, batch: batch)
        assertClose(ours.losses, reference.losses, absolute: 0, relative: 1e-6, "losses")
        assertClose(ours.gradient, reference.gradient, absolute: 1e-6, relative: 1e-5, "logits gradient")
    }
}
