import CochleaCore
import CochleaFeatures
import CochleaModel
import CochleaNN
@testable import CochleaRecognition
import CochleaTestSupport
import XCTest

final class RecognizerTests: XCTestCase {
    func model() -> AcousticModel {
        var pipeline = FeaturePipeline.init(options: .kaldiFbank, normalization: .meanVariance)
        pipeline.options.dither = 0
        let shape = NetworkShape(inputSize: 23, hiddenSize: 8, layers: 2, classes: 5)
        return AcousticModel(config: ModelConfig(features: pipeline, network: shape, tokens: ["<blank>", " ", "a", "b", "c"]),
                             parameters: AcousticNetwork<Float>(shape: shape, seed: 3).parameterValues)
    }

    /// Windows whose context covers the whole input see exactly what one pass sees: the stitching
    /// keeps every window's own frames in order.
    func testWindowsStitchBackTogether() throws {
        let recognizer = try Recognizer(model: model(), threads: 1)
        let features = try PipelineExtractor(recognizer.model.config.features).features(path: Fixtures.path("audio/speech.wav"))
        recognizer.longFrames = 7
        recognizer.windowContext = 10_000
        let windowed = recognizer.windowedLogProbabilities(features)
        let whole = features.values.withUnsafeBufferPointer { x in
            Array(UnsafeBufferPointer(start: recognizer.network.forward(input: x.baseAddress!, steps: features.frames, batch: 1, lengths: [features.frames]),
                                      count: features.frames * 5))
        }
        XCTAssertEqual(windowed, whole)
    }

    /// A long recording goes through the windowed path and still gives one transcript, with batches
    /// of short files beside it unaffected.
    func testLongAndShortFilesInOneChunk() throws {
        let recognizer = try Recognizer(model: model(), threads: 2)
        recognizer.keepLogProbs = true
        var plain = [Recognition]()
        recognizer.recognize(paths: [Fixtures.path("audio/chirp.wav"), Fixtures.path("audio/speech.wav")]) { plain.append($0) }
        recognizer.longFrames = 150
        recognizer.windowContext = 150
        var windowed = [Recognition]()
        recognizer.recognize(paths: [Fixtures.path("audio/chirp.wav"), Fixtures.path("audio/speech.wav")]) { windowed.append($0) }
        XCTAssertEqual(windowed.map(\.frames), [198, 200])
        // Both are over 150 frames; with 150 frames of context the windows see everything.
        XCTAssertEqual(windowed.map { $0.logProbs! }, plain.map { $0.logProbs! })
        XCTAssertEqual(try windowed.map { try $0.result.get().text }, try plain.map { try $0.result.get().text })
    }
}
