@testable import CochleaNN
import XCTest

final class PackedBatchTests: XCTestCase {
    /// Members longest first (ties in batch order); frame t holds the utterances still running.
    func testFramesHoldTheRunningUtterancesLongestFirst() {
        let packing = PackedBatch(steps: 9, lengths: [7, 9, 7, 4, 1])
        XCTAssertEqual(packing.members, [1, 0, 2, 3, 4])
        XCTAssertEqual(packing.offsets, [0, 5, 9, 13, 17, 20, 23, 26, 27, 28])
        XCTAssertEqual(packing.rows, 28)
        XCTAssertEqual(PackedBatch(steps: 4, lengths: [0, 2]).offsets, [0, 1, 2, 2, 2])
    }

    /// Unpacking what was packed gives the padded array back with its padding rows zeroed.
    func testPackThenUnpackKeepsTheRealFramesAndZeroesPadding() {
        let lengths = [2, 3, 1], steps = 3, width = 2
        let padded = (0..<(steps * 3 * width)).map { Float($0 + 1) }
        var packed = [Float](repeating: -1, count: 6 * width), back = [Float](repeating: -1, count: padded.count)
        let packing = PackedBatch(steps: steps, lengths: lengths)
        packing.pack(padded, width: width, into: &packed)
        // Frame 0: members 1, 0, 2; frame 1: members 1, 0; frame 2: member 1.
        XCTAssertEqual(packed, [3, 4, 1, 2, 5, 6, 9, 10, 7, 8, 15, 16])
        packing.unpack(packed, width: width, into: &back)
        for t in 0..<steps {
            for b in 0..<3 {
                let row = (t * 3 + b) * width
                let expected = t < lengths[b] ? Array(padded[row..<(row + width)]) : [0, 0]
                XCTAssertEqual(Array(back[row..<(row + width)]), expected, "frame \(t) member \(b)")
            }
        }
    }

    /// Forward in time every running row carries a state from the frame before; in reverse only
    /// those already running at t + 1, the others start at t.
    func testCarriedRowsInBothDirections() {
        let packing = PackedBatch(steps: 9, lengths: [7, 9, 7, 4, 1])
        packing.offsets.withUnsafeBufferPointer { offsets in
            let forward = LSTMBatch(steps: 9, hidden: 2, offsets: offsets.baseAddress!, direction: 0)
            let reverse = LSTMBatch(steps: 9, hidden: 2, offsets: offsets.baseAddress!, direction: 1)
            XCTAssertEqual((0..<9).map(forward.liveRows), [5, 4, 4, 4, 3, 3, 3, 1, 1])
            XCTAssertEqual((0..<9).map(forward.carriedRows), [0, 4, 4, 4, 3, 3, 3, 1, 1])
            XCTAssertEqual((0..<9).map(reverse.carriedRows), [4, 4, 4, 3, 3, 3, 1, 1, 0])
        }
    }
}
