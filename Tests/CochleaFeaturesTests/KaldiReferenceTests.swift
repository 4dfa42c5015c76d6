import CochleaAudio
import CochleaFeatures
import CochleaTestSupport
import XCTest

/// Every element of the torchaudio (Kaldi-compatible) references, within 1e-3 absolute or 1e-4 relative.
final class KaldiReferenceTests: XCTestCase {
    static let clips = ["chirp", "speech", "short"]

    func referenceOptions(_ kind: FeatureKind = .mfcc) -> FeatureOptions {
        var options = kind == .mfcc ? FeatureOptions.kaldiMFCC : FeatureOptions.kaldiFbank
        options.dither = 0
        options.useEnergy = false
        return options
    }

    func features(_ clip: String, _ options: FeatureOptions) throws -> FeatureMatrix {
        let audio = try AudioDecoder.decode(path: Fixtures.path("audio/\(clip).wav"))
        return try FeatureExtractor(options: options).compute(audio.samples)
    }

    func check(_ clip: String, _ name: String, _ ours: FeatureMatrix) throws {
        let reference = try Fixtures.npy("features/\(clip).\(name).npy")
        XCTAssertEqual([ours.frames, ours.dims], reference.shape, "\(clip).\(name) shape")
        let difference = assertClose(ours.values, reference.values, absolute: 1e-3, relative: 1e-4, "\(clip).\(name)")
        // The reference README's float32 floor: a right float32 pipeline stays near 3e-3 scaled.
        XCTAssertLessThan(difference.scaled, 3e-3, "\(clip).\(name) scaled difference")
    }

    func testMFCC() throws {
        for clip in Self.clips { try check(clip, "kaldi_mfcc", features(clip, referenceOptions())) }
    }

    func testMFCCWithEnergy() throws {
        var options = referenceOptions()
        options.useEnergy = true
        for clip in Self.clips { try check(clip, "kaldi_mfcc_energy", features(clip, options)) }
    }

    func testFbank40() throws {
        var options = referenceOptions(.fbank)
        options.numMelBins = 40
        for clip in Self.clips { try check(clip, "kaldi_fbank40", features(clip, options)) }
    }

    func testDeltas() throws {
        for clip in ["chirp", "speech"] {
            try check(clip, "kaldi_mfcc_deltas", Deltas.apply(features(clip, referenceOptions())))
        }
    }

    func testUtteranceCMN() throws {
        for clip in ["chirp", "speech"] {
            try check(clip, "kaldi_mfcc_cmn", CMVN.utterance(features(clip, referenceOptions())))
        }
    }

    func testShortClipHasZeroFrames() throws {
        let mfcc = try features("short", referenceOptions())
        XCTAssertEqual(mfcc.frames, 0)
        XCTAssertEqual(mfcc.dims, 13)
    }
}

/// The python_speech_features preset against python_speech_features 0.6 itself.
final class PythonSpeechFeaturesTests: XCTestCase {
    func testPresetMatchesPythonSpeechFeatures() throws {
        let extractor = try FeatureExtractor(options: .pythonSpeechFeatures)
        for (clip, reference) in [("chirp", "features/chirp.psf_mfcc.npy"), ("speech", "features/speech.psf_mfcc.npy"),
                                  ("speech", "features_extra/psf_mfcc.npy")] {
            let audio = try AudioDecoder.decode(path: Fixtures.path("audio/\(clip).wav"))
            let ours = extractor.compute(audio.samples)
            let expected = try Fixtures.npy(reference)
            XCTAssertEqual([ours.frames, ours.dims], expected.shape, clip)
            assertClose(ours.values, expected.values, absolute: 3e-3, relative: 3e-3, "\(clip) psf_mfcc")
        }
    }
}
