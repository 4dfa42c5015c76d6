import CochleaTestSupport
import XCTest

final class BenchCommandTests: XCTestCase {
    /// `bench model` on a tiny network: the full-length step, then a batch of spread lengths, with
    /// its share of padding, its rate of real frames and that rate against the full-length one.
    func testModelBenchTimesASpreadBatch() throws {
        let result = try CLI.run(["bench", "model", "--hidden", "8", "--frames", "12", "--batch", "4", "--steps", "1",
                                  "--inferences", "1", "--no-peers"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n")
        let full = try XCTUnwrap(lines.first { $0.contains("training step:") }, result.stdout)
        let fullRate = try XCTUnwrap(full.split(whereSeparator: { !"0123456789.".contains($0) }).compactMap { Double($0) }.dropFirst(2).first)
        let line = try XCTUnwrap(lines.first { $0.contains("lengths 70–100% of 12 frames") }, result.stdout)
        let numbers = line.split(whereSeparator: { !"0123456789.".contains($0) }).compactMap { Double($0) }
        // H, 70, 100, 12, padding %, real frames/s, ratio.
        XCTAssertEqual(numbers.count, 7, String(line))
        XCTAssertTrue((0..<30).contains(numbers[4]), String(line))
        XCTAssertGreaterThan(numbers[5], 0)
        XCTAssertEqual(numbers[6], numbers[5] / fullRate, accuracy: 0.02 + 0.01 * numbers[6], String(line) + " / " + String(full))
    }
}
