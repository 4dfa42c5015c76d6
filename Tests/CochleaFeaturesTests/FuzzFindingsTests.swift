import CochleaFeatures
import XCTest

/// Feature settings that crashed the model fuzz target (scripts/fuzz.sh model) through a model's
/// config.json (an input made by hand after a first fuzzing run missed it), or that reading the code
/// beside it showed to crash the same way. Each must now be
/// refused by `validate()` with a typed error, or work.
final class FeaturesFuzzFindingsTests: XCTestCase {
    /// model: a frame length or shift of 1e300 ms converted to Int samples, which traps.
    func testFrameLengthsAndShiftsBeyondAnIntAreRejected() {
        for (length, shift) in [(1e300, 10.0), (25, 1e300), (4096.1, 10), (25, 4096.1), (-1e300, 10)] {
            var options = FeatureOptions.kaldiMFCC
            options.frameLengthMs = length
            options.frameShiftMs = shift
            XCTAssertThrowsError(try options.validate(), "\(length) ms every \(shift) ms") { error in
                XCTAssertTrue(error is FeatureOptionsError, "\(error)")
            }
        }
        var longest = FeatureOptions.kaldiFbank
        longest.frameLengthMs = 4096  // 65,536 samples at 16 kHz
        longest.frameShiftMs = 4096
        XCTAssertNoThrow(try longest.validate())
    }

    /// Read beside it: a sliding-CMN window of Int.max overflowed `end - start` for the first frame.
    func testASlidingWindowThatWouldOverflowIsRejected() {
        var pipeline = FeaturePipeline(options: .kaldiFbank, normalization: .sliding)
        pipeline.sliding.window = .max
        XCTAssertThrowsError(try pipeline.validate())
        pipeline.sliding.window = 600
        pipeline.sliding.minWindow = .max
        XCTAssertThrowsError(try pipeline.validate())
        pipeline.sliding.window = FeaturePipeline.maximumSlidingWindow
        pipeline.sliding.minWindow = FeaturePipeline.maximumSlidingWindow
        XCTAssertNoThrow(try pipeline.validate())
        let input = FeatureMatrix(frames: 3, dims: 1, values: [1, 2, 6])
        XCTAssertEqual(CMVN.sliding(input, options: pipeline.sliding).values, [-2, -1, 3])
    }

    /// Read beside it: a filterbank's unused `numCeps` still sized the DCT matrix, so a huge value
    /// allocated gigabytes and a negative one trapped.
    func testAFilterbankIgnoresNumCeps() throws {
        for ceps in [-1, 1 << 40] {
            var options = FeatureOptions.kaldiFbank
            options.numCeps = ceps
            let features = try FeatureExtractor(options: options).compute([Float](repeating: 0.1, count: 800))
            XCTAssertEqual(features.dims, 23)
            XCTAssertEqual(features.frames, 3)
        }
    }
}
