import CochleaAudio
import CochleaCore
import CochleaDecoding
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
        XCTAssertEqual(windowed.count, plain.count)
        for (a, b) in zip(windowed, plain) { assertSameLogProbs(a.logProbs, b.logProbs, "windowed") }
        XCTAssertEqual(try windowed.map { try $0.result.get().text }, try plain.map { try $0.result.get().text })
    }

    /// Edge padding is digital silence around the recording, the same whether the audio comes from
    /// a file or from memory, and leaves the recording's duration and clock as they were.
    func testEdgePaddingIsSilenceAroundTheRecording() throws {
        let recognizer = try Recognizer(model: model(), threads: 1)
        recognizer.keepLogProbs = true
        let path = Fixtures.path("audio/speech.wav")
        func recognize(_ paths: [String]) -> [Recognition] {
            var out = [Recognition]()
            recognizer.recognize(paths: paths) { out.append($0) }
            return out
        }
        let plain = recognize([path])[0]
        let samples = try AudioDecoder.decode(path: path, sampleRate: 16_000).samples
        let silence = [Float](repeating: 0, count: 1_600)
        let folder = TemporaryDirectory()
        let paddedFile = folder.file("padded.wav")
        try AudioWriter.write(silence + samples + silence, sampleRate: 16_000, encoding: .wavFloat, to: paddedFile)
        let byFile = recognize([paddedFile])[0]

        recognizer.edgePadding = 0.1
        let padded = recognize([path])[0]
        XCTAssertEqual(padded.frames, plain.frames + 20, "0.1 s at each end is 20 frames of 10 ms")
        XCTAssertEqual(padded.duration, plain.duration, "the duration is the recording's")
        XCTAssertEqual(padded.logProbs, byFile.logProbs, "the padding is digital silence")
        XCTAssertEqual(recognizer.recognize(samples: samples).logProbs, byFile.logProbs, "audio in memory is padded as a file is")
    }

    /// Word times come back on the recording's clock, inside the recording.
    func testPaddedWordTimesAreTheRecordings() throws {
        let recognizer = try Recognizer(model: model(), threads: 1)
        let transcript = Transcript(text: "a b c", words: [DecodedWord(word: "a", start: 0.2, end: 0.6, confidence: 1),
                                                        DecodedWord(word: "b", start: 0.7, end: 1.1, confidence: 1),
                                                        DecodedWord(word: "c", start: 1.2, end: 1.45, confidence: 1)], confidence: 1, score: 0)
        let moved = recognizer.unpadded(transcript, duration: 0.8, shift: 0.5)
        for (word, (start, end)) in zip(moved.words, [(0.0, 0.1), (0.2, 0.6), (0.7, 0.8)]) {
            XCTAssertEqual(word.start, start, accuracy: 1e-12, word.word)
            XCTAssertEqual(word.end, end, accuracy: 1e-12, word.word)
        }
        XCTAssertEqual(moved.text, "a b c")
    }
}
