import CochleaAudio
import CochleaCore
import CochleaDecoding
import CochleaFeatures
import CochleaModel
import CochleaNN
@testable import CochleaRecognition
import CochleaTestSupport
import XCTest

final class CloseCutTests: XCTestCase {
    /// The fixture's speech: its first 10 ms are digital silence and the next 80 ms a weak onset
    /// about 30 dB under its loudest; from its 10th window on it is in the word.
    func speech() throws -> [Float] { try AudioDecoder.decode(path: Fixtures.path("audio/speech.wav")).samples }

    func testOnlyARecordingThatStartsInItsSpeechCounts() throws {
        let whole = try speech()
        let cut = Array(whole[1_440...])
        XCTAssertFalse(CloseCut.startsInSpeech(whole, sampleRate: 16_000), "starts 30 dB under its loudest")
        XCTAssertTrue(CloseCut.startsInSpeech(cut, sampleRate: 16_000), "starts in the word")

        var random = SeededRandom(seed: 4)
        let peak = cut.map(abs).max()!
        func noise(_ count: Int, level: Float) -> [Float] { (0..<count).map { _ in Float(random.nextGaussian()) * level } }
        let floorBefore = noise(4_800, level: peak * 0.0003) + cut
        XCTAssertFalse(CloseCut.startsInSpeech(floorBefore, sampleRate: 16_000), "a faint noise floor before the word")
        // Loud noise throughout (about 10 dB under the speech's peak level): the pause before the
        // word is as loud as the quietest part of the clip.
        let loud = noise(4_800 + cut.count, level: peak * 0.05)
        let noisy = zip([Float](repeating: 0, count: 4_800) + cut, loud).map { $0 + $1 }
        XCTAssertFalse(CloseCut.startsInSpeech(noisy, sampleRate: 16_000), "a noisy pause before the word")
        XCTAssertFalse(CloseCut.startsInSpeech([Float](repeating: 0, count: 16_000), sampleRate: 16_000), "digital silence")
        XCTAssertFalse(CloseCut.startsInSpeech(Array(cut[..<400]), sampleRate: 16_000), "shorter than 30 ms")
    }

    func model() -> AcousticModel {
        var pipeline = FeaturePipeline(options: .kaldiFbank, normalization: .meanVariance)
        pipeline.options.dither = 0
        let shape = NetworkShape(inputSize: 23, hiddenSize: 8, layers: 2, classes: 5)
        return AcousticModel(config: ModelConfig(features: pipeline, network: shape, tokens: ["<blank>", " ", "a", "b", "c"]),
                             parameters: AcousticNetwork<Float>(shape: shape, seed: 3).parameterValues)
    }

    /// With `padOnlyCloseCut` the recognizer pads the clip cut into its word and leaves the one with
    /// a pause before it alone, from files and from memory alike; word times are the recording's.
    func testTheRecognizerPadsOnlyClipsCutClose() throws {
        let cut = Array(try speech()[1_440...])
        let paused = [Float](repeating: 0, count: 4_800) + cut
        let folder = TemporaryDirectory()
        let cutFile = folder.file("cut.wav"), pausedFile = folder.file("paused.wav"), longFile = folder.file("long.wav")
        try AudioWriter.write(cut, sampleRate: 16_000, encoding: .wavFloat, to: cutFile)
        try AudioWriter.write(paused, sampleRate: 16_000, encoding: .wavFloat, to: pausedFile)
        // Longer than one chunk of `AudioStream` (65,536 samples): read in two.
        try AudioWriter.write(cut + cut + cut, sampleRate: 16_000, encoding: .wavFloat, to: longFile)
        let recognizer = try Recognizer(model: model(), threads: 1)
        recognizer.keepLogProbs = true
        func fromFiles() -> [Recognition] {
            var out = [Recognition]()
            recognizer.recognize(paths: [cutFile, pausedFile, longFile]) { out.append($0) }
            return out
        }
        let plain = fromFiles()
        recognizer.edgePadding = 0.2
        recognizer.padOnlyCloseCut = true
        let auto = fromFiles()
        XCTAssertEqual(auto.map(\.frames), [plain[0].frames + 40, plain[1].frames, plain[2].frames + 40],
                       "0.2 s at each end of the clips cut close only")
        XCTAssertEqual(auto.map(\.duration), plain.map(\.duration))
        assertSameLogProbs(auto[1].logProbs, plain[1].logProbs, "the clip with a pause")
        XCTAssertNotEqual(auto[0].logProbs, plain[0].logProbs)
        assertSameLogProbs(recognizer.recognize(samples: cut).logProbs, auto[0].logProbs, "memory is padded as a file is")
        assertSameLogProbs(recognizer.recognize(samples: paused).logProbs, auto[1].logProbs, "paused, from memory")
        for word in try auto[0].result.get().words {
            XCTAssertTrue(word.start >= 0 && word.end <= auto[0].duration, "\(word)")
        }

        // Past the limit nothing is padded, and the part read to decide is featurised with the rest
        // of the stream as a stream is.
        recognizer.closeCutLimit = 0.5
        let long = fromFiles()
        XCTAssertEqual(long.map(\.frames), plain.map(\.frames))
        for (a, b) in zip(long, plain) { assertSameLogProbs(a.logProbs, b.logProbs, "past the limit") }
        assertSameLogProbs(recognizer.recognize(samples: cut).logProbs, plain[0].logProbs, "past the limit, from memory")
    }
}
