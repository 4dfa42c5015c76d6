@testable import CochleaNN
import XCTest

final class LSTMBatchTests: XCTestCase {
    /// Sorted longest first, the rows still running at frame t are a prefix, counted by `liveRows`;
    /// in any other order every row is worked on (padding included), as before.
    func testLiveRowsArePrefixOfALongestFirstBatch() {
        let sorted = [9, 7, 7, 4, 1]
        sorted.withUnsafeBufferPointer { lengths in
            let batch = LSTMBatch(steps: 9, batch: 5, hidden: 2, lengths: lengths.baseAddress!, direction: 1)
            XCTAssertTrue(batch.longestFirst)
            XCTAssertEqual((0..<9).map(batch.liveRows), [5, 4, 4, 4, 3, 3, 3, 1, 1])
        }
        let shuffled = [7, 9, 7, 4, 1]
        shuffled.withUnsafeBufferPointer { lengths in
            let batch = LSTMBatch(steps: 9, batch: 5, hidden: 2, lengths: lengths.baseAddress!, direction: 0)
            XCTAssertFalse(batch.longestFirst)
            XCTAssertEqual((0..<9).map(batch.liveRows), [Int](repeating: 5, count: 9))
        }
        [3].withUnsafeBufferPointer { lengths in
            XCTAssertTrue(LSTMBatch(steps: 3, batch: 1, hidden: 2, lengths: lengths.baseAddress!, direction: 0).longestFirst)
        }
    }
}
