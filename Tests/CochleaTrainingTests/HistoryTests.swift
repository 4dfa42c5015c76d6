@testable import CochleaTraining
import Foundation
import XCTest

final class HistoryTests: XCTestCase {
    /// Epochs recorded before batch preparation was timed (in older checkpoints) still decode, and
    /// `history.tsv` leaves their preparation column empty rather than claiming a zero.
    func testRecordsWithoutPreparationTimeDecodeAndLeaveTheColumnEmpty() throws {
        let record = EpochRecord(epoch: 1, steps: 10, learningRate: 1e-3, trainLoss: 2, validationLoss: 1.5, validationWER: 0.5,
                                 validationCER: 0.25, seconds: 12, preparationSeconds: 3.5, framesPerSecond: 900,
                                 skippedBatches: 0, infeasible: 0)
        var json = try XCTUnwrap(JSONSerialization.jsonObject(with: JSONEncoder().encode(record)) as? [String: Any])
        XCTAssertEqual(json["preparationSeconds"] as? Double, 3.5)
        json["preparationSeconds"] = nil
        let old = try JSONDecoder().decode(EpochRecord.self, from: JSONSerialization.data(withJSONObject: json))
        XCTAssertNil(old.preparationSeconds)
        XCTAssertEqual(try JSONDecoder().decode(EpochTotals.self, from: Data(#"{"loss":1,"utterances":2,"frames":3,"seconds":4,"skippedBatches":0,"infeasible":0}"#.utf8)).preparationSeconds, nil)
        let rows = HistoryFiles.tsv([record, old]).split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(rows[1].split(separator: "\t", omittingEmptySubsequences: false).last, "3.5")
        XCTAssertEqual(rows[2].split(separator: "\t", omittingEmptySubsequences: false).last, "")
        XCTAssertEqual(rows[0].split(separator: "\t").count, rows[2].split(separator: "\t", omittingEmptySubsequences: false).count)
    }
}
