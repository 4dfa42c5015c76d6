@testable import CochleaTraining
import XCTest

final class EpochBudgetTests: XCTestCase {
    /// The recipe on a slow machine: features took a minute, the first epoch 52 s, 21 minutes in all.
    func testTheEpochsThatFitAreKept() {
        // (1,260 − 112) / 52 = 22.08 more epochs: 23 in all.
        XCTAssertEqual(EpochBudget.epochs(planned: 37, done: 1, spent: 112, secondsPerEpoch: 52, limit: 1260), 23)
        // Exactly two more fit.
        XCTAssertEqual(EpochBudget.epochs(planned: 37, done: 5, spent: 100, secondsPerEpoch: 50, limit: 200), 7)
        // More fit than were asked for: the plan stands.
        XCTAssertEqual(EpochBudget.epochs(planned: 37, done: 1, spent: 30, secondsPerEpoch: 18, limit: 1800), 37)
        XCTAssertEqual(EpochBudget.epochs(planned: 37, done: 1, spent: 30, secondsPerEpoch: 18, limit: .infinity), 37)
        // The wall clock set back during an epoch: no cut on that evidence.
        XCTAssertEqual(EpochBudget.epochs(planned: 37, done: 1, spent: -5, secondsPerEpoch: -5, limit: 60), 37)
        XCTAssertEqual(EpochBudget.epochs(planned: 37, done: 1, spent: 0, secondsPerEpoch: 0, limit: 60), 37)
    }

    /// Not even one more epoch fits, or the limit has passed: stop where the run is.
    func testNoRoomMeansStopNow() {
        XCTAssertEqual(EpochBudget.epochs(planned: 37, done: 3, spent: 100, secondsPerEpoch: 52, limit: 151), 3)
        XCTAssertEqual(EpochBudget.epochs(planned: 37, done: 3, spent: 400, secondsPerEpoch: 52, limit: 300), 3)
        XCTAssertEqual(EpochBudget.epochs(planned: 3, done: 3, spent: 1, secondsPerEpoch: 1, limit: 1000), 3)
    }
}
