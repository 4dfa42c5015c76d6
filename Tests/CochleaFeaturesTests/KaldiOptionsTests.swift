import CochleaAudio
import CochleaFeatures
import CochleaTestSupport
import XCTest

/// One option group at a time against torchaudio's Kaldi-compatible functions
/// (`Fixtures/features_extra`, made by scripts/reference/make_extra_features.py). The defaults are held
/// to 1e-3 / 1e-4 in KaldiReferenceTests; these float64 references are compared at the float32 floor
/// the reference README measured for torchaudio's own float32 path (|ours − ref| / max(1, |ref|) ≤ 3e-3).
final class KaldiOptionsTests: XCTestCase {
    lazy var speech: [Float] = try! AudioDecoder.decode(path: Fixtures.path("audio/speech.wav")).samples

    func options(_ kind: FeatureKind, _ change: (inout FeatureOptions) -> Void) -> FeatureOptions {
        var o = kind == .mfcc ? FeatureOptions.kaldiMFCC : FeatureOptions.kaldiFbank
        o.dither = 0
        o.useEnergy = false
        change(&o)
        return o
    }

    func check(_ name: String, _ options: FeatureOptions, file: StaticString = #filePath, line: UInt = #line) throws {
        let ours = try FeatureExtractor(options: options).compute(speech)
        try compare(name, ours, tolerance: 3e-3, file: file, line: line)
    }

    func compare(_ name: String, _ ours: FeatureMatrix, tolerance: Double, file: StaticString = #filePath, line: UInt = #line) throws {
        let reference = try Fixtures.npy("features_extra/\(name).npy")
        XCTAssertEqual([ours.frames, ours.dims], reference.shape, "\(name) shape", file: file, line: line)
        assertClose(ours.values, reference.values, absolute: tolerance, relative: tolerance, name, file: file, line: line)
    }

    func testHammingWithoutSnipEdges() throws {
        try check("mfcc_hamming_nosnip", options(.mfcc) { $0.windowType = .hamming; $0.snipEdges = false })
    }

    func testHanning() throws {
        try check("mfcc_hanning", options(.mfcc) { $0.windowType = .hanning })
    }

    func testRectangularWithoutPreemphasisOrDCRemoval() throws {
        try check("mfcc_rectangular_nopreemph_nodc", options(.mfcc) {
            $0.windowType = .rectangular; $0.preemphasisCoefficient = 0; $0.removeDCOffset = false
        })
    }

    func testBlackmanTwentyCepstraNoLifter() throws {
        try check("mfcc_blackman_20ceps_nolifter", options(.mfcc) {
            $0.windowType = .blackman; $0.numCeps = 20; $0.numMelBins = 30; $0.cepstralLifter = 0
        })
    }

    func testWindowedEnergyWithFloor() throws {
        try check("mfcc_energy_notraw_floor", options(.mfcc) { $0.useEnergy = true; $0.rawEnergy = false; $0.energyFloor = 1e6 })
    }

    func testBandLimitsAndFrameTiming() throws {
        try check("mfcc_band_300_3400_shift", options(.mfcc) {
            $0.lowFrequency = 300; $0.highFrequency = 3400; $0.frameLengthMs = 20; $0.frameShiftMs = 5
        })
    }

    func testNegativeHighFrequencyIsAnOffsetFromNyquist() throws {
        try check("mfcc_highfreq_negative", options(.mfcc) { $0.highFrequency = -400 })
    }

    func testFbank80WithEnergyWithoutSnipEdges() throws {
        try check("fbank80_energy_nosnip", options(.fbank) { $0.numMelBins = 80; $0.useEnergy = true; $0.snipEdges = false })
    }

    func testMagnitudeFbank() throws {
        try check("fbank23_magnitude", options(.fbank) { $0.usePower = false })
    }

    func testLinearFbank() throws {
        // Linear energies are large numbers; the relative tolerance is what applies.
        try check("fbank40_linear", options(.fbank) { $0.numMelBins = 40; $0.useLogFbank = false })
    }

    func testFFTWithoutPowerOfTwoPadding() throws {
        try check("fbank40_no_pow2", options(.fbank) { $0.numMelBins = 40; $0.roundToPowerOfTwo = false })
    }

    func testVTLNWarp() throws {
        try check("fbank40_vtln88", options(.fbank) { $0.numMelBins = 40; $0.vtlnWarp = 0.88 })
        try check("fbank40_vtln112", options(.fbank) { $0.numMelBins = 40; $0.vtlnWarp = 1.12 })
    }

    func testSlidingCMN() throws {
        let mfcc = try FeatureExtractor(options: options(.mfcc) { _ in }).compute(speech)
        var o = SlidingCMNOptions()
        try compare("sliding_cmn_default", CMVN.sliding(mfcc, options: o), tolerance: 1e-3)
        o.window = 50; o.minWindow = 20
        try compare("sliding_cmn_w50_min20", CMVN.sliding(mfcc, options: o), tolerance: 1e-3)
        o = SlidingCMNOptions(); o.window = 40; o.center = true
        try compare("sliding_cmn_w40_center", CMVN.sliding(mfcc, options: o), tolerance: 1e-3)
        o.window = 60; o.normalizeVariance = true
        try compare("sliding_cmvn_w60_center", CMVN.sliding(mfcc, options: o), tolerance: 1e-3)
    }
}
