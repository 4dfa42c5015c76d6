import CochleaAudio
import CochleaCore
@testable import CochleaFeatures
import CochleaTestSupport
import Foundation
import XCTest

final class PCENTests: XCTestCase {
    func matrix(_ array: NpyArray) -> FeatureMatrix {
        var matrix = FeatureMatrix(frames: array.shape[0], dims: array.shape[1])
        matrix.values = array.values.map(Float.init)
        return matrix
    }

    /// librosa's `pcen` (Fixtures/features_pcen/README.json) on the energies of torchaudio's Kaldi
    /// fbank of two clips: a chirp and speech, both with silence and onsets.
    func testMatchesLibrosaOnTheKaldiFbankFixtures() throws {
        for clip in ["speech", "chirp"] {
            var ours = matrix(try Fixtures.npy("features/\(clip).kaldi_fbank40.npy"))
            PCEN().apply(to: &ours, frameShiftSeconds: 0.01)
            let reference = try Fixtures.npy("features_pcen/\(clip).kaldi_fbank40_pcen.npy")
            XCTAssertEqual([ours.frames, ours.dims], reference.shape)
            _ = assertClose(ours.values, reference.values, absolute: 1e-5, relative: 1e-4, "\(clip) PCEN")
        }
    }

    /// End to end: our Kaldi fbank of the speech clip through the pipeline's PCEN, against librosa
    /// on torchaudio's fbank. The two fbanks agree to about 1e-4 in log energy, which PCEN carries
    /// through nearly unchanged (its output moves by at most its own size times the log difference).
    func testThePipelineComputesPCENOfItsFilterbank() throws {
        var options = FeatureOptions.kaldiFbank
        options.dither = 0
        options.useEnergy = false
        options.numMelBins = 40
        var pipeline = FeaturePipeline(options: options)
        pipeline.pcen = PCEN()
        let audio = try AudioDecoder.decode(path: Fixtures.path("audio/speech.wav"))
        let ours = try PipelineExtractor(pipeline).features(of: audio.samples)
        let reference = try Fixtures.npy("features_pcen/speech.kaldi_fbank40_pcen.npy")
        XCTAssertEqual([ours.frames, ours.dims], reference.shape)
        _ = assertClose(ours.values, reference.values, absolute: 1e-3, relative: 2e-3, "speech PCEN through the pipeline")
    }

    /// A steady band settles at (E·(ε + E)^−α + δ)^r − δ^r from its first frame, and a step in level
    /// comes out as an onset that decays back to nearly the old value: the gain control cancels
    /// a steady level up to its 1 − α = 2% power.
    func testSteadyLevelsCancelAndStepsStandOut() {
        let quiet = 1e4, loud = 1e8, frames = 400
        var matrix = FeatureMatrix(frames: frames, dims: 1)
        matrix.values = (0..<frames).map { Float(log($0 < 100 ? quiet : loud)) }
        PCEN().apply(to: &matrix, frameShiftSeconds: 0.01)
        let p = PCEN()
        func settled(_ energy: Double) -> Double {
            pow(energy * pow(p.epsilon + energy, -p.gain) + p.bias, p.power) - pow(p.bias, p.power)
        }
        XCTAssertEqual(Double(matrix.values[0]), settled(quiet), accuracy: 1e-5)
        XCTAssertEqual(Double(matrix.values[99]), settled(quiet), accuracy: 1e-5)
        XCTAssertGreaterThan(Double(matrix.values[100]), 10 * settled(loud), "the step is an onset")
        XCTAssertEqual(Double(matrix.values[frames - 1]), settled(loud), accuracy: 0.01 * settled(loud),
                       "3 s later (7.5 time constants) the band has settled again")
        XCTAssertLessThan(settled(loud) / settled(quiet), 1.2, "a 40 dB step in steady level changes the output by under 20%")
        XCTAssertEqual(p.smoothing(frameShiftSeconds: 0.01), 0.02469, accuracy: 1e-5, "librosa's b for 0.4 s at 10 ms")
    }

    func testPCENIsStoredAndImpossibleCombinationsAreRefused() throws {
        var pipeline = FeaturePipeline(options: .kaldiFbank, normalization: .meanVariance)
        let plain = try JSONEncoder().encode(pipeline)
        XCTAssertFalse(String(decoding: plain, as: UTF8.self).contains("pcen"), "older configs stay as they were")
        pipeline.pcen = PCEN()
        try pipeline.validate()
        XCTAssertEqual(try JSONDecoder().decode(FeaturePipeline.self, from: try JSONEncoder().encode(pipeline)), pipeline)
        var floored = pipeline
        floored.dynamicRange = DynamicRangeFloor(decibels: 50)
        XCTAssertThrowsError(try floored.validate())
        var mfcc = pipeline
        mfcc.options = .kaldiMFCC
        XCTAssertThrowsError(try mfcc.validate())
        var slow = pipeline
        slow.pcen?.timeConstant = 100
        XCTAssertThrowsError(try slow.validate())
    }
}
