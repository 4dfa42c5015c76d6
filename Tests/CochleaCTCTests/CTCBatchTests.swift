import CochleaCTC
import CochleaTestSupport
import XCTest

/// The tuned batch path against itself (one by one, other thread counts, a reused workspace) and
/// against the plain Double reference.
final class CTCBatchTests: XCTestCase {
    /// Five utterances of mixed lengths, one with an empty target and one infeasible (5 labels in 4 frames).
    let mixed = RandomBatch(
        frames: 30, lengths: [30, 17, 25, 9, 4], targetLengths: [6, 3, 0, 5, 5], classes: 7, sharpness: 2, seed: 11)

    /// Utterance `i` alone: its own frames only, B = 1.
    func single(_ random: RandomBatch, _ i: Int) -> (logProbs: [Float], batch: CTCBatch) {
        let b = random.batch.size, c = random.classes, lp = random.logProbs
        let frames = random.batch.inputLengths[i]
        var rows = [Float]()
        for t in 0..<frames { rows += lp[((t * b + i) * c)..<((t * b + i + 1) * c)] }
        let start = random.batch.targetLengths[..<i].reduce(0, +)
        let target = Array(random.batch.targets[start..<(start + random.batch.targetLengths[i])])
        return (rows, CTCBatch(frames: frames, inputLengths: [frames], targets: target, targetLengths: [target.count]))
    }

    func testBatchedEqualsOneByOneAndPaddingGetsZero() {
        let b = mixed.batch.size, c = mixed.classes
        let batched = CTCLoss(classes: c, threads: 2)(logProbs: mixed.logProbs, batch: mixed.batch)
        XCTAssertEqual(batched.infinite, [false, false, false, false, true])
        XCTAssertEqual(batched.infiniteCount, 1)
        for i in 0..<b {
            let (rows, batch) = single(mixed, i)
            let alone = CTCLoss(classes: c, threads: 1)(logProbs: rows, batch: batch)
            XCTAssertEqual(alone.losses[0], batched.losses[i], accuracy: 1e-9 * batched.losses[i], "utterance \(i) loss")
            XCTAssertEqual(alone.infinite[0], batched.infinite[i])
            for t in 0..<mixed.batch.frames {
                let row = Array(batched.gradient[((t * b + i) * c)..<((t * b + i + 1) * c)])
                if t < batch.frames {
                    assertClose(row, alone.gradient[(t * c)..<((t + 1) * c)].map(Double.init), absolute: 1e-7,
                                relative: 0, "utterance \(i) frame \(t)")
                } else {
                    XCTAssertEqual(row, [Float](repeating: 0, count: c), "utterance \(i) padding frame \(t)")
                }
            }
        }
    }

    func testThreadCountDoesNotChangeResults() {
        let one = CTCLoss(classes: mixed.classes, threads: 1)(logProbs: mixed.logProbs, batch: mixed.batch)
        let two = CTCLoss(classes: mixed.classes, threads: 2)(logProbs: mixed.logProbs, batch: mixed.batch)
        XCTAssertEqual(one.losses, two.losses)
        XCTAssertEqual(one.gradient, two.gradient)
    }

    /// A workspace sized for a small batch grows for a larger one and still serves the small one.
    func testReusedInstanceMatchesFreshOnes() {
        let small = RandomBatch(frames: 8, lengths: [8, 5], targetLengths: [2, 1], classes: 7, seed: 3)
        let ctc = CTCLoss(classes: 7, maxFrames: 8, maxBatch: 2, maxTargetLength: 2, threads: 2)
        for random in [small, mixed, small] {
            let reused = ctc(logProbs: random.logProbs, batch: random.batch)
            let fresh = CTCLoss(classes: 7, threads: 2)(logProbs: random.logProbs, batch: random.batch)
            XCTAssertEqual(reused.losses, fresh.losses)
            XCTAssertEqual(reused.gradient, fresh.gradient)
        }
    }

    /// The allocation-free entry point writes the same values as the convenience one.
    func testComputeIntoCallerBuffers() {
        let ctc = CTCLoss(classes: mixed.classes, threads: 2)
        let expected = ctc(logProbs: mixed.logProbs, batch: mixed.batch, gradient: .logProbabilities)
        var losses = [Double](repeating: -1, count: 5), infinite = [Bool](repeating: false, count: 5)
        var gradient = [Float](repeating: .nan, count: mixed.logProbs.count)
        let count = mixed.logProbs.withUnsafeBufferPointer { input in
            gradient.withUnsafeMutableBufferPointer { output in
                ctc.compute(logProbs: input, batch: mixed.batch, losses: &losses, infinite: &infinite,
                            gradient: (output, .logProbabilities))
            }
        }
        XCTAssertEqual(count, 1)
        XCTAssertEqual(losses, expected.losses)
        XCTAssertEqual(infinite, expected.infinite)
        XCTAssertEqual(gradient, expected.gradient, "every element written, padding included")
    }

    func checkAgainstReference(_ random: RandomBatch, _ kind: CTCGradient, _ label: String) {
        let lp = random.logProbs
        let ours = CTCLoss(classes: random.classes, threads: 2)(logProbs: lp, batch: random.batch, gradient: kind)
        let reference = CTCReference.compute(
            logProbs: lp.map(Double.init), classes: random.classes, batch: random.batch, gradient: kind)
        XCTAssertEqual(ours.infinite, reference.infinite, label)
        assertClose(ours.losses, reference.losses, absolute: 1e-9, relative: 1e-5, "\(label) losses")
        assertClose(ours.gradient, reference.gradient, absolute: 1e-5, relative: 1e-4, "\(label) gradient")
    }

    func testTunedEqualsReferenceOnRandomBatches() {
        for seed in 0..<4 {
            let sharpness = [1.0, 3, 8, 0.1][seed]
            let random = RandomBatch(
                frames: 40, lengths: [40, 33, 12, 40, 1, 26], targetLengths: [9, 16, 4, 0, 1, 12], classes: 29,
                sharpness: sharpness, seed: UInt64(100 + seed))
            checkAgainstReference(random, .logits, "seed \(seed) logits")
            checkAgainstReference(random, .logProbabilities, "seed \(seed) log-probs")
        }
    }

    /// T = 1000 with logits scaled by 30: log-probabilities down to about −250, losses of 30000 to
    /// 40000 nats, and within-frame ratios far outside Float's exponent range.
    func testLongSharplyPeakedInputIsStable() {
        let random = RandomBatch(
            frames: 1000, lengths: [1000, 700], targetLengths: [100, 60], classes: 29, sharpness: 30, seed: 5)
        let ours = CTCLoss(classes: 29, threads: 2)(logProbs: random.logProbs, batch: random.batch)
        XCTAssertEqual(ours.infinite, [false, false])
        XCTAssertTrue(ours.losses.allSatisfy { $0.isFinite && $0 > 1000 }, "losses \(ours.losses)")
        XCTAssertTrue(ours.gradient.allSatisfy(\.isFinite))
        let reference = CTCReference.compute(
            logProbs: random.logProbs.map(Double.init), classes: 29, batch: random.batch)
        assertClose(ours.losses, reference.losses, absolute: 0, relative: 1e-7, "losses")
        // Here the aligned states' log α sit ~1000 nats below each frame's leading state, where a
        // Float's spacing is 1e-4 (PyTorch's float32 kernel, without per-frame offsets, works at
        // −40000 where it is 4e-3): gradients agree to ~1e-4 absolute, not to the 1e-5 of tamer inputs.
        let difference = assertClose(ours.gradient, reference.gradient, absolute: 5e-4, relative: 1e-3, "gradient")
        XCTAssertLessThan(difference.absolute, 5e-4)
        let close = zip(ours.gradient, reference.gradient).filter { abs(Double($0) - $1) < 1e-5 }.count
        XCTAssertGreaterThan(Double(close) / Double(ours.gradient.count), 0.99, "nearly all within 1e-5")
    }
}
