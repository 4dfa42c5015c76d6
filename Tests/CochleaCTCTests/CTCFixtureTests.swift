import CochleaCTC
import CochleaTestSupport
import Foundation
import XCTest

/// Golden values from PyTorch nn.CTCLoss in float64 (Fixtures/ctc, Fixtures/lstm), reached from
/// log-probabilities computed in Float, so tolerances are the float32 floor of Fixtures/REFERENCE.md.
final class CTCFixtureTests: XCTestCase {
    struct Case {
        var index: Int
        var frames: Int
        var classes: Int
        var target: [Int32]
        /// PyTorch's loss with zero_infinity (0 for an infeasible target).
        var loss: Double
        var feasible: Bool
    }

    func cases() throws -> [Case] {
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("ctc/cases.json")))
        let root = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        let entries = try XCTUnwrap(root["cases"] as? [[String: Any]])
        return try entries.map { entry in
            let plain = entry["loss"]
            return Case(
                index: try XCTUnwrap(entry["case"] as? Int), frames: try XCTUnwrap(entry["T"] as? Int),
                classes: try XCTUnwrap(entry["C"] as? Int), target: try XCTUnwrap(entry["target"] as? [Int]).map(Int32.init),
                loss: try XCTUnwrap(entry["loss_zero_infinity"] as? Double),
                feasible: (plain as? Double)?.isFinite ?? false)
        }
    }

    /// One utterance (B = 1) of a fixture case through `CTCLoss` with the given gradient.
    func run(_ c: Case, _ kind: CTCGradient) throws -> (result: CTCResult, logProbs: [Float]) {
        let logits = try Fixtures.npy("ctc/case\(c.index).logits.npy")
        XCTAssertEqual(logits.shape, [c.frames, c.classes])
        let logProbs = logSoftmax(logits.floats, classes: c.classes)
        let batch = CTCBatch(frames: c.frames, inputLengths: [c.frames], targets: c.target, targetLengths: [c.target.count])
        let ctc = CTCLoss(classes: c.classes, threads: 1)
        return (ctc(logProbs: logProbs, batch: batch, gradient: kind), logProbs)
    }

    func testAllFiveCasesArePresent() throws {
        let all = try cases()
        XCTAssertEqual(all.map(\.index), [0, 1, 2, 3, 4])
        XCTAssertEqual(all.filter { !$0.feasible }.map(\.index), [2], "case 2 is the infeasible one")
        XCTAssertEqual(all.filter { $0.target.isEmpty }.map(\.index), [3], "case 3 has the empty target")
    }

    func testLossMatchesPyTorch() throws {
        for c in try cases() {
            let result = try run(c, .logits).result
            assertClose(result.losses, [c.loss], absolute: 1e-9, relative: 1e-4, "case \(c.index) loss")
            XCTAssertEqual(result.infinite, [!c.feasible], "case \(c.index) infinite flag")
            XCTAssertEqual(result.infiniteCount, c.feasible ? 0 : 1, "case \(c.index) infinite count")
        }
    }

    /// PyTorch's gradient w.r.t. logits and the one it reports w.r.t. log-probs are the same values
    /// (exp(lp) − γ): our `.logits` gradient must match both files.
    func testLogitsGradientMatchesBothPyTorchGradients() throws {
        for c in try cases() {
            let ours = try run(c, .logits).result.gradient
            for name in ["grad_logits", "grad_log_probs"] {
                let expected = try Fixtures.npy("ctc/case\(c.index).\(name).npy")
                assertClose(ours, expected.values, absolute: 1e-5, relative: 1e-3, "case \(c.index) \(name)")
            }
            if !c.feasible { XCTAssertTrue(ours.allSatisfy { $0 == 0 }, "infeasible case has zero gradient") }
        }
    }

    /// `.logProbabilities` is −γ, so adding exp(lp) back gives PyTorch's grad_log_probs.
    func testLogProbabilitiesGradientIsMinusOccupancy() throws {
        for c in try cases() where c.feasible {
            let (result, logProbs) = try run(c, .logProbabilities)
            XCTAssertTrue(result.gradient.allSatisfy { $0 <= 0 }, "−γ is never positive")
            let shifted = zip(result.gradient, logProbs).map { Double($0) + exp(Double($1)) }
            let expected = try Fixtures.npy("ctc/case\(c.index).grad_log_probs.npy")
            assertClose(shifted, expected.values, absolute: 1e-5, relative: 1e-3, "case \(c.index) −γ + exp(lp)")
            // γ sums to 1 over classes in every frame: exactly one state is occupied at a time.
            for t in 0..<c.frames {
                let total = result.gradient[(t * c.classes)..<((t + 1) * c.classes)].reduce(0, +)
                XCTAssertEqual(Double(total), -1, accuracy: 1e-4, "case \(c.index) frame \(t) occupancy")
            }
        }
    }

    /// A padded batch of three utterances of lengths 20, 15 and 7 (padding frames hold zeros).
    func testPaddedLSTMBatchSummedLoss() throws {
        let logProbs = try Fixtures.npy("lstm/log_probs.npy")
        XCTAssertEqual(logProbs.shape, [20, 3, 29])
        let batch = CTCBatch(
            frames: 20, inputLengths: try Fixtures.npy("lstm/lengths.npy").values.map { Int($0) },
            targets: try Fixtures.npy("lstm/targets.npy").values.map { Int32($0) },
            targetLengths: try Fixtures.npy("lstm/target_lengths.npy").values.map { Int($0) })
        let expected = try Fixtures.npy("lstm/loss.npy").values
        let result = CTCLoss(classes: 29, threads: 2)(logProbs: logProbs.floats, batch: batch)
        assertClose([result.totalLoss], expected, absolute: 0, relative: 1e-4, "summed LSTM batch loss")
        XCTAssertEqual(result.infiniteCount, 0)
        // The zeros in padding frames would be probability-1 rows if they were read.
        for t in 0..<20 {
            for i in 0..<3 where t >= batch.inputLengths[i] {
                let row = result.gradient[((t * 3 + i) * 29)..<((t * 3 + i + 1) * 29)]
                XCTAssertTrue(row.allSatisfy { $0 == 0 }, "padding frame \(t) of utterance \(i)")
            }
        }
    }
}
