import CochleaTestSupport
import XCTest

final class BenchCommandTests: XCTestCase {
    /// `bench model` on a tiny network: the full-length step, then the spread-length batch timed
    /// longest first and in drawn order, each with a positive rate, and their ratio.
    func testModelBenchTimesSpreadBatchesBothWays() throws {
        let result = try CLI.run(["bench", "model", "--hidden", "8", "--frames", "12", "--batch", "4", "--steps", "1",
                                  "--inferences", "1", "--no-peers"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let line = try XCTUnwrap(result.stdout.split(separator: "\n").first { $0.contains("lengths 70–100% of 12 frames") },
                                 result.stdout)
        let numbers = line.split(whereSeparator: { !"0123456789.".contains($0) }).compactMap { Double($0) }
        // H, 70, 100, 12, longest first, drawn order, ratio.
        XCTAssertEqual(numbers.count, 7, String(line))
        XCTAssertGreaterThan(numbers[4], 0)
        XCTAssertGreaterThan(numbers[5], 0)
        XCTAssertEqual(numbers[6], numbers[4] / numbers[5], accuracy: 0.02 + 0.01 * numbers[6], String(line))
    }
}
