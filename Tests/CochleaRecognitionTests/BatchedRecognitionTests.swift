import CochleaAudio
import CochleaFeatures
import CochleaModel
import CochleaNN
import CochleaRecognition
import CochleaTestSupport
import Foundation
import XCTest

/// Batched, multi-threaded recognition (features on two threads, the two LSTM directions on two
/// threads, batches of similar lengths) gives what one file at a time on one thread gives. Also the
/// test that puts the Recognizer's parallel paths under `swift test --sanitize=thread` and `=address`.
final class BatchedRecognitionTests: XCTestCase {
    let folder = TemporaryDirectory()

    func model() -> AcousticModel {
        var pipeline = FeaturePipeline(options: .kaldiMFCC, normalization: .meanVariance, deltas: DeltaOptions())
        pipeline.options.dither = 0
        let shape = NetworkShape(inputSize: pipeline.dimension, hiddenSize: 8, layers: 2, classes: ModelConfig.englishCharacters.count)
        let config = ModelConfig(features: pipeline, network: shape, tokens: ModelConfig.englishCharacters)
        return AcousticModel(config: config, parameters: AcousticNetwork<Float>(shape: shape, seed: 3).parameterValues)
    }

    /// Clips of different lengths (so batches are padded), one too short for a frame, one missing.
    func inputs() throws -> [String] {
        var paths = ["audio/chirp.wav", "audio/speech.wav", "audio/short.wav", "audio/stereo44k_float.wav"].map(Fixtures.path)
        for (i, seconds) in [0.3, 1.1, 0.7, 0.45, 2.0].enumerated() {
            let path = folder.file("tone\(i).wav")
            try AudioWriter.write(TinyCorpus.tone(200 + 90 * Double(i), seconds: seconds, seed: UInt64(i)), sampleRate: 16_000,
                                  encoding: .wavPCM16, to: path)
            paths.append(path)
        }
        paths.insert(folder.file("missing.wav"), at: 3)
        return paths
    }

    func recognize(_ paths: [String], threads: Int, chunkSize: Int, batchSize: Int) throws -> [Recognition] {
        let recognizer = try Recognizer(model: model(), threads: threads)
        recognizer.chunkSize = chunkSize
        recognizer.batchSize = batchSize
        recognizer.keepLogProbs = true
        var results = [Recognition]()
        recognizer.recognize(paths: paths) { results.append($0) }
        return results
    }

    func testBatchedOnTwoThreadsEqualsOneByOne() throws {
        let paths = try inputs()
        let batched = try recognize(paths, threads: 2, chunkSize: 4, batchSize: 3)
        let alone = try recognize(paths, threads: 1, chunkSize: 1, batchSize: 1)
        XCTAssertEqual(batched.map(\.path), paths, "results come in input order")
        XCTAssertEqual(alone.map(\.path), paths)
        for (b, a) in zip(batched, alone) {
            XCTAssertEqual(b.frames, a.frames, b.path)
            XCTAssertEqual(b.duration, a.duration, b.path)
            switch (b.result, a.result) {
            case (.success(let x), .success(let y)):
                XCTAssertEqual(x.text, y.text, b.path)
                let (lb, la) = (b.logProbs ?? [], a.logProbs ?? [])
                XCTAssertEqual(lb.count, la.count, b.path)
                let worst = zip(lb, la).map { abs($0 - $1) }.max() ?? 0
                XCTAssertLessThanOrEqual(worst, 1e-4, "\(b.path): largest log-probability difference")
            case (.failure(let x), .failure(let y)):
                XCTAssertEqual("\(x)", "\(y)", b.path)
            default:
                XCTFail("\(b.path): \(b.result) batched but \(a.result) alone")
            }
        }
        XCTAssertEqual(batched.filter { if case .failure = $0.result { return true } else { return false } }.count, 1, "only the missing file fails")
        XCTAssertEqual(batched.first { $0.path.hasSuffix("short.wav") }?.frames, 0, "shorter than one frame")
    }
}
