import CochleaCore
import CochleaFeatures
@testable import CochleaTraining
import XCTest

final class SpecAugmentTests: XCTestCase {
    /// Runs of masked frames (every value 0) in a matrix of ones.
    private func maskedRuns(_ matrix: FeatureMatrix) -> [Int] {
        var runs = [Int](), run = 0
        for t in 0..<matrix.frames {
            let row = matrix.values[(t * matrix.dims)..<((t + 1) * matrix.dims)]
            if row.allSatisfy({ $0 == 0 }) { run += 1 } else if run > 0 { runs.append(run); run = 0 }
        }
        if run > 0 { runs.append(run) }
        return runs
    }

    func testTimeMasksKeepToTheirWidthAndShare() {
        var options = SpecAugmentOptions.off
        options.timeMasks = 1
        var widest = 0
        for (width, frames) in [(4, 200), (10, 30)] {
            options.timeWidth = width
            widest = 0
            for seed in 0..<300 {
                var random = SeededRandom(seed: UInt64(seed))
                var matrix = FeatureMatrix(frames: frames, dims: 12, values: [Float](repeating: 1, count: frames * 12))
                options.apply(to: &matrix, blocks: 1, random: &random)
                let runs = maskedRuns(matrix)
                XCTAssertLessThanOrEqual(runs.count, 1)
                widest = max(widest, runs.first ?? 0)
                // Frames are masked whole or not at all.
                XCTAssertEqual(matrix.values.filter { $0 == 0 }.count, (runs.first ?? 0) * 12)
            }
            // 30 frames: a fifth of the utterance (6) caps the width of 10.
            XCTAssertEqual(widest, min(width, frames / 5), "width \(width), \(frames) frames")
        }
    }

    func testFrequencyMasksCoverTheSameBandsInEveryBlock() {
        var options = SpecAugmentOptions.off
        options.frequencyMasks = 1
        options.frequencyWidth = 3
        var widest = 0
        for seed in 0..<200 {
            var random = SeededRandom(seed: UInt64(seed))
            var matrix = FeatureMatrix(frames: 5, dims: 3 * 10, values: [Float](repeating: 1, count: 5 * 30))
            options.apply(to: &matrix, blocks: 3, random: &random)
            let firstRow = Array(matrix.values[0..<30])
            let masked = (0..<10).filter { firstRow[$0] == 0 }
            for block in 1..<3 { XCTAssertEqual((0..<10).filter { firstRow[block * 10 + $0] == 0 }, masked) }
            for t in 1..<5 { XCTAssertEqual(Array(matrix.values[(t * 30)..<((t + 1) * 30)]), firstRow) }
            if let first = masked.first { XCTAssertEqual(masked, Array(first..<(first + masked.count))) }
            widest = max(widest, masked.count)
        }
        XCTAssertEqual(widest, 3)
    }

    func testNegativeCountsAndWidthsAreRefused() {
        var options = SpecAugmentOptions()
        XCTAssertNoThrow(try options.validate())
        options.timeWidth = -1
        XCTAssertThrowsError(try options.validate()) { XCTAssertTrue("\($0)".contains("time mask width must be 0 or positive, got -1")) }
        options = SpecAugmentOptions()
        options.frequencyMasks = -2
        var training = TrainingOptions()
        training.specAugment = options
        XCTAssertThrowsError(try training.validate()) { XCTAssertTrue("\($0)".contains("frequency masks must be 0 or positive")) }
    }
}
