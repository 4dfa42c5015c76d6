import CochleaAudio
import CochleaCore
import CochleaFeatures
import CochleaTestSupport
import XCTest

final class FeaturePropertyTests: XCTestCase {
    lazy var speech: [Float] = try! AudioDecoder.decode(path: Fixtures.path("audio/speech.wav")).samples

    func testFeaturesOfAPrefixArePrefixOfFeatures() throws {
        for kind in [FeatureKind.mfcc, .fbank] {
            var options = kind == .mfcc ? FeatureOptions.kaldiMFCC : .kaldiFbank
            options.dither = 1   // the dither stream is consumed frame by frame, so prefixes agree too
            let extractor = try FeatureExtractor(options: options)
            let whole = extractor.compute(speech)
            let part = extractor.compute(Array(speech[0..<(400 + 160 * 57)]))
            XCTAssertEqual(part.frames, 58)
            XCTAssertEqual(part, whole.prefix(frames: 58), "\(kind)")
        }
    }

    func testDitherIsSeededAndChangesOnlyWithTheSeed() throws {
        var options = FeatureOptions.kaldiMFCC
        options.dither = 1
        let first = try FeatureExtractor(options: options).compute(speech)
        XCTAssertEqual(first, try FeatureExtractor(options: options).compute(speech))
        options.ditherSeed = 7
        let other = try FeatureExtractor(options: options).compute(speech)
        XCTAssertNotEqual(first, other)
        options.dither = 0
        let chirp = try AudioDecoder.decode(path: Fixtures.path("audio/chirp.wav")).samples
        let clean = try FeatureExtractor(options: options).compute(chirp)
        options.dither = 1
        let dithered = try FeatureExtractor(options: options).compute(chirp)
        // Dither of one 16-bit step barely moves the features of a clip that is never silent (speech.wav
        // has digital silence, where dither is the whole signal).
        let largest = zip(dithered.values, clean.values).map { abs($0 - $1) }.max()!
        XCTAssertGreaterThan(largest, 0)
        XCTAssertLessThan(largest, 1)
    }

    func testDigitalSilenceIsFiniteWithAndWithoutDither() throws {
        for dither in [0.0, 1.0] {
            var options = FeatureOptions.kaldiMFCC
            options.dither = dither
            let features = try FeatureExtractor(options: options).compute([Float](repeating: 0, count: 16_000))
            XCTAssertEqual(features.frames, 98)
            XCTAssertTrue(features.values.allSatisfy(\.isFinite), "dither \(dither)")
        }
    }

    func testFrameCounts() {
        var options = FeatureOptions.kaldiMFCC
        XCTAssertEqual(options.frameCount(sampleCount: 399), 0)
        XCTAssertEqual(options.frameCount(sampleCount: 400), 1)
        XCTAssertEqual(options.frameCount(sampleCount: 16_000), 98)
        options.snipEdges = false
        XCTAssertEqual(options.frameCount(sampleCount: 399), 2)
        XCTAssertEqual(options.frameCount(sampleCount: 16_000), 100)
        XCTAssertEqual(options.frameCount(sampleCount: 79), 0)
        XCTAssertEqual(options.frameCount(sampleCount: 80), 1)
    }

    func testDeltasOfALinearRampAreItsSlope() {
        // Away from the clamped edges, the first delta of t·s is s and the second is 0.
        let ramp = FeatureMatrix(frames: 20, dims: 2, values: (0..<20).flatMap { [Float($0) * 0.5, Float($0) * -2] })
        let d = Deltas.apply(ramp)
        XCTAssertEqual(d.dims, 6)
        for t in 4..<16 {
            XCTAssertEqual(d[t, 2], 0.5, accuracy: 1e-5)
            XCTAssertEqual(d[t, 3], -2, accuracy: 1e-5)
            XCTAssertEqual(d[t, 4], 0, accuracy: 1e-5)
            XCTAssertEqual(d[t, 5], 0, accuracy: 1e-5)
        }
        // At frame 0 the clamped window sees (0, 0, 0, 1, 2)·s: (1·1 + 2·2) / 10 = 0.5 s.
        XCTAssertEqual(d[0, 2], 0.25, accuracy: 1e-6)
    }

    func testUtteranceCMVNGivesZeroMeanUnitVariance() {
        var random = SeededRandom(seed: 3)
        let values = (0..<300).map { _ in Float(random.nextGaussian() * 4 + 9) }
        let normalized = CMVN.utterance(FeatureMatrix(frames: 100, dims: 3, values: values), normalizeVariance: true)
        for d in 0..<3 {
            let column = (0..<100).map { Double(normalized[$0, d]) }
            let mean = column.reduce(0, +) / 100
            let variance = column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 100
            XCTAssertEqual(mean, 0, accuracy: 1e-5)
            XCTAssertEqual(variance, 1, accuracy: 1e-4)
        }
    }

    func testImpossibleOptionsAreRejectedWithTheReason() {
        func reason(_ change: (inout FeatureOptions) -> Void) -> String {
            var options = FeatureOptions.kaldiMFCC
            change(&options)
            do { try options.validate(); return "" } catch { return "\(error)" }
        }
        XCTAssertEqual(reason { _ in }, "")
        XCTAssertTrue(reason { $0.numCeps = 30 }.contains("number of cepstra"))
        XCTAssertTrue(reason { $0.frameShiftMs = 0 }.contains("frame shift"))
        XCTAssertTrue(reason { $0.highFrequency = 9_000 }.contains("Nyquist"))
        XCTAssertTrue(reason { $0.numMelBins = 200 }.contains("narrower than one FFT bin"))
        XCTAssertTrue(reason { $0.dither = -1 }.contains("dither"))
        XCTAssertThrowsError(try FeatureExtractor(options: { var o = FeatureOptions(); o.sampleRate = 0; return o }()))
    }
}

final class FrameStackingTests: XCTestCase {
    func testStacksConsecutiveFramesAndRepeatsTheLast() {
        let input = FeatureMatrix(frames: 5, dims: 2, values: [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5])
        let stacked = FrameStacking(count: 3, stride: 2).apply(input)
        XCTAssertEqual(stacked.frames, 3)
        XCTAssertEqual(stacked.dims, 6)
        XCTAssertEqual(stacked.values, [0, 0.5, 1, 1.5, 2, 2.5, 2, 2.5, 3, 3.5, 4, 4.5, 4, 4.5, 4, 4.5, 4, 4.5])
        XCTAssertEqual(FrameStacking(count: 1, stride: 1).apply(input), input)
        XCTAssertEqual(FrameStacking(count: 3, stride: 3).apply(FeatureMatrix(frames: 0, dims: 2)).frames, 0)
    }

    func testPipelineDimensionAndTiming() throws {
        var pipeline = FeaturePipeline(options: .kaldiFbank, normalization: .meanVariance, deltas: DeltaOptions(), stacking: FrameStacking(count: 3, stride: 3))
        XCTAssertEqual(pipeline.dimension, 23 * 3 * 3)
        XCTAssertEqual(pipeline.frameShiftSeconds, 0.03, accuracy: 1e-12)
        let features = try PipelineExtractor(pipeline).features(of: [Float](repeating: 0.01, count: 16_000))
        XCTAssertEqual(features.frames, 33)
        XCTAssertEqual(features.dims, 207)
        pipeline.stacking = FrameStacking(count: 0, stride: 3)
        XCTAssertThrowsError(try pipeline.validate())
    }
}

final class StreamingFeaturesTests: XCTestCase {
    /// Chunks of any size give exactly the features of the whole signal, dither included.
    func testChunksEqualTheWholeSignal() throws {
        let speech = try AudioDecoder.decode(path: Fixtures.path("audio/speech.wav")).samples
        for kind in [FeatureKind.mfcc, .fbank] {
            var options = kind == .mfcc ? FeatureOptions.kaldiMFCC : .kaldiFbank
            options.dither = 1
            let whole = try FeatureExtractor(options: options).compute(speech)
            for chunk in [1, 399, 400, 1_000, 65_536] {
                let stream = StreamingFeatures(extractor: try FeatureExtractor(options: options))
                for start in stride(from: 0, to: speech.count, by: chunk) {
                    stream.append(Array(speech[start..<min(start + chunk, speech.count)]))
                }
                XCTAssertEqual(stream.finish(), whole, "\(kind), chunks of \(chunk)")
            }
        }
    }

    func testFileFeaturesStreamTheAudio() throws {
        var pipeline = FeaturePipeline.init(options: .kaldiFbank, normalization: .meanVariance, deltas: DeltaOptions())
        pipeline.options.numMelBins = 40
        let extractor = try PipelineExtractor(pipeline)
        // A 16 kHz file needs no resampling: streamed and whole agree exactly.
        let path = Fixtures.path("audio/speech.wav")
        XCTAssertEqual(try extractor.features(path: path), extractor.features(of: try AudioDecoder.decode(path: path).samples))
        // 44.1 kHz: the streaming resampler agrees with the one-shot one to within its own accuracy.
        let stereo = Fixtures.path("audio/stereo44k_float.wav")
        let streamed = try extractor.features(path: stereo), whole = extractor.features(of: try AudioDecoder.decode(path: stereo).samples)
        XCTAssertEqual(streamed.frames, whole.frames)
        let largest = zip(streamed.values, whole.values).map { abs($0 - $1) }.max() ?? 0
        XCTAssertLessThan(largest, 0.05, "normalised features of resampled audio")
    }
}
