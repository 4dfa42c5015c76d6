import CochleaAudio
@testable import CochleaFeatures
import CochleaTestSupport
import Foundation
import XCTest

final class EmptyBandMaskingTests: XCTestCase {
    let folder = TemporaryDirectory()

    func pipeline(masking: Bool) -> FeaturePipeline {
        var pipeline = FeaturePipeline.defaultForTests
        pipeline.emptyBands = masking ? EmptyBandMasking() : nil
        return pipeline
    }

    func speech() throws -> [Float] { try AudioDecoder.decode(path: Fixtures.path("audio/speech.wav")).samples }

    /// Lower and upper edge (Hz) of each of the pipeline's mel bands (Kaldi's layout: bins + 2 edges
    /// evenly spaced in mel from the low to the high frequency).
    func bandEdges(_ options: FeatureOptions) -> [(Double, Double)] {
        let mel = { (f: Double) in 1127 * log(1 + f / 700) }, hz = { (m: Double) in 700 * (exp(m / 1127) - 1) }
        let low = mel(options.lowFrequency), high = mel(Double(options.sampleRate) / 2)
        let step = (high - low) / Double(options.numMelBins + 1)
        return (0..<options.numMelBins).map { (hz(low + Double($0) * step), hz(low + Double($0 + 2) * step)) }
    }

    func emptyColumns(_ features: FeatureMatrix) -> [Int] {
        (0..<features.dims).filter { d in (0..<features.frames).allSatisfy { features.values[$0 * features.dims + d] == 0 } }
    }

    /// Full-band speech keeps every band: the features are exactly those of the pipeline without
    /// masking. 45 dB quieter, its weakest bands sink under the dither and are cleared, the others not.
    func testFullBandSpeechIsUnchanged() throws {
        let masked = try PipelineExtractor(pipeline(masking: true)), plain = try PipelineExtractor(pipeline(masking: false))
        let loud = try speech()
        XCTAssertEqual(masked.features(of: loud), plain.features(of: loud))
        let peak = loud.map(abs).max()!
        let quiet = masked.features(of: loud.map { $0 / peak * Float(pow(10, -45.0 / 20)) })
        let cleared = emptyColumns(quiet)
        XCTAssertTrue(cleared.count < 10 && cleared.allSatisfy { $0 >= 30 }, "\(cleared)")
    }

    /// The same speech stored at 8 kHz (and resampled to 16 kHz on reading) has nothing above 4 kHz:
    /// exactly the bands above that are cleared, the others stay normalised.
    func testSpeechStoredAt8kHzLosesTheBandsAbove4kHz() throws {
        let narrow = try Resampler.resample(try speech(), from: 16000, to: 8000)
        let path = folder.file("speech8k.wav")
        try AudioWriter.write(narrow, sampleRate: 8000, encoding: .wavPCM16, to: path)
        let extractor = try PipelineExtractor(pipeline(masking: true))
        let features = try extractor.features(path: path)
        let edges = bandEdges(extractor.pipeline.options)
        let cleared = emptyColumns(features)
        for (band, (low, high)) in edges.enumerated() {
            if low >= 4000 { XCTAssertTrue(cleared.contains(band), "band \(band) (\(Int(low))–\(Int(high)) Hz) holds only dither") }
            if high <= 3700 { XCTAssertFalse(cleared.contains(band), "band \(band) (\(Int(low))–\(Int(high)) Hz) holds speech") }
        }
        XCTAssertGreaterThan(cleared.count, 5)
        // The bands left are normalised as before: unit variance.
        for d in Set(0..<features.dims).subtracting(cleared) {
            let column = (0..<features.frames).map { Double(features.values[$0 * features.dims + d]) }
            let variance = column.map { $0 * $0 }.reduce(0, +) / Double(column.count)
            XCTAssertEqual(variance, 1, accuracy: 1e-3, "band \(d)")
        }
        // Streamed from the file or computed whole, the same bands.
        let whole = extractor.features(of: try AudioDecoder.decode(path: path).samples)
        XCTAssertEqual(emptyColumns(whole), cleared)
    }

    func testSilenceClearsEveryBandAndNoFramesClearNone() throws {
        let extractor = try PipelineExtractor(pipeline(masking: true))
        let silence = extractor.features(of: [Float](repeating: 0, count: 8000))
        XCTAssertTrue(silence.values.allSatisfy { $0 == 0 })
        XCTAssertEqual(extractor.features(of: []).frames, 0)
        XCTAssertEqual(EmptyBandMasking().emptyColumns(of: FeatureMatrix(frames: 0, dims: 3), floor: [0, 0, 0]), [])
    }

    /// Configs written before the option existed decode with it off; it needs log filterbank
    /// features normalised per utterance.
    func testCodingAndValidation() throws {
        try FeaturePipeline.checkOptionalStage("emptyBands", on: { $0.emptyBands = EmptyBandMasking(margin: 0.3) },
                                               refused: [{ $0.options = .kaldiMFCC }, { $0.normalization = .sliding }, { $0.emptyBands?.margin = 11 }])
    }
}

extension FeaturePipeline {
    /// The training default's features: 40 log-mel bands, mean and variance normalised.
    static var defaultForTests: FeaturePipeline {
        var options = FeatureOptions.kaldiFbank
        options.numMelBins = 40
        return FeaturePipeline(options: options, normalization: .meanVariance)
    }

    /// An optional stage of `defaultForTests`: absent from the JSON while off (so configs written
    /// before it existed load unchanged), kept through coding once `on` sets it, valid then, and
    /// refused after each change in `refused`.
    static func checkOptionalStage(_ key: String, on: (inout FeaturePipeline) -> Void, refused: [(inout FeaturePipeline) -> Void],
                                   file: StaticString = #filePath, line: UInt = #line) throws {
        var pipeline = defaultForTests
        let plain = try JSONEncoder().encode(pipeline)
        XCTAssertFalse(String(decoding: plain, as: UTF8.self).contains(key), file: file, line: line)
        XCTAssertEqual(try JSONDecoder().decode(FeaturePipeline.self, from: plain), pipeline, file: file, line: line)
        on(&pipeline)
        XCTAssertEqual(try JSONDecoder().decode(FeaturePipeline.self, from: try JSONEncoder().encode(pipeline)), pipeline, file: file, line: line)
        XCTAssertNoThrow(try pipeline.validate(), file: file, line: line)
        for (i, change) in refused.enumerated() {
            var bad = pipeline
            change(&bad)
            XCTAssertThrowsError(try bad.validate(), "change \(i)", file: file, line: line)
        }
    }
}
