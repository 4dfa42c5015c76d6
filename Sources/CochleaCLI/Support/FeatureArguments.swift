import ArgumentParser
import CochleaFeatures

extension FeatureKind: ExpressibleByArgument {}
extension WindowType: ExpressibleByArgument {}
extension NormalizationMode: ExpressibleByArgument {}

/// Kaldi's compute-mfcc-feats / compute-fbank-feats options, under Kaldi's names. Unset options keep
/// Kaldi's defaults for the chosen `--kind`. Booleans take a value, as in Kaldi: `--snip-edges=false`.
struct FeatureArguments: ParsableArguments {
    @Option(help: "mfcc (compute-mfcc-feats) or fbank (compute-fbank-feats).")
    var kind: FeatureKind = .mfcc

    @Option(name: .customLong("sample-frequency"), help: "Hz; audio is resampled to it. (default: 16000)")
    var sampleFrequency: Int?
    @Option(help: "Frame length in milliseconds. (default: 25)")
    var frameLength: Double?
    @Option(help: "Frame shift in milliseconds. (default: 10)")
    var frameShift: Double?
    @Option(help: "povey, hamming, hanning, rectangular or blackman. (default: povey)")
    var windowType: WindowType?
    @Option(help: "Pre-emphasis coefficient, 0 for none. (default: 0.97)")
    var preemphasisCoefficient: Double?
    @Option(help: "Subtract each frame's mean. (default: true)")
    var removeDcOffset: Bool?
    @Option(help: "Gaussian dither in 16-bit sample units, 0 for none. (default: 1.0, as Kaldi)")
    var dither: Double?
    @Option(help: "Seed of the dither noise; features are reproducible for a given seed. (default: 0)")
    var ditherSeed: UInt64?
    @Option(help: "Only frames that fit entirely in the signal. (default: true)")
    var snipEdges: Bool?
    @Option(help: "Pad frames to a power of two before the FFT. (default: true)")
    var roundToPowerOfTwo: Bool?
    @Option(help: "Number of triangular mel bins. (default: 23)")
    var numMelBins: Int?
    @Option(help: "Low cut-off of the mel bins in Hz. (default: 20)")
    var lowFreq: Double?
    @Option(help: "High cut-off in Hz; 0 or negative is an offset from Nyquist. (default: 0)")
    var highFreq: Double?
    @Option(help: "MFCC: number of cepstra. (default: 13)")
    var numCeps: Int?
    @Option(help: "MFCC: cepstral lifter Q, 0 for none. (default: 22)")
    var cepstralLifter: Double?
    @Option(help: "MFCC: C0 becomes the log energy; fbank: prepend it. (default: true for mfcc, false for fbank)")
    var useEnergy: Bool?
    @Option(help: "Floor on the energy, 0 for none. (default: 0)")
    var energyFloor: Double?
    @Option(help: "Energy before pre-emphasis and windowing. (default: true)")
    var rawEnergy: Bool?

    @Option(help: "Per-utterance normalisation: none, mean, mean-variance or sliding.")
    var cmvn: NormalizationMode = .none
    @Flag(help: ArgumentHelp(FeatureArguments.maskEmptyBandsHelp))
    var maskEmptyBands = false
    /// Shared with `train`, which has its own feature presets.
    static let maskEmptyBandsHelp = "Set the filterbank bands a recording does not have (nothing but dither in them, as above a telephone's or an 8 kHz file's band) to 0 after normalisation instead of to normalised dither. Log filterbank features normalised per utterance (mean or mean-variance) only."
    @Option(help: ArgumentHelp(FeatureArguments.dynamicRangeHelp))
    var dynamicRange: Double?
    static let dynamicRangeHelp = "Raise each log filterbank band to at least its loudest frame's value minus this many dB before normalisation, so that pauses of digital silence (zero-padded or tightly trimmed clips, noise suppression) look like a recording's noise floor. Log filterbank features only."
    @Option(help: ArgumentHelp(FeatureArguments.speechStatisticsHelp))
    var speechStatistics: Double?
    static let speechStatisticsHelp = "Take per-utterance normalisation statistics from the frames whose mean log energy lies within this many dB of the loudest frame's (e.g. 30), so that a clip cut close around its words and the same clip with pauses around it are normalised alike. Log filterbank features with mean or mean-variance normalisation only."
    @Flag(help: ArgumentHelp(FeatureArguments.pcenHelp))
    var pcen = false
    static let pcenHelp = "Per-channel energy normalisation (PCEN, as in keyword spotters since Wang et al. 2017) instead of the logarithm of filterbank energies: each band divided by a 0.4 s running average of itself (gain 0.98), then compressed by a square root, so that steady noise and a channel's tilt cancel and onsets stand out. Log filterbank features of the power spectrum only, without --dynamic-range or --speech-statistics."
    @Option(help: "Sliding CMN window in frames (Kaldi --cmn-window).")
    var cmnWindow: Int = 600
    @Option(help: "Append deltas of this order (Kaldi add-deltas; 2 gives 39 columns from 13). 0: none.")
    var deltaOrder: Int = 0
    @Option(help: "Delta regression window (Kaldi --delta-window).")
    var deltaWindow: Int = 2

    var pipeline: FeaturePipeline {
        var o = kind == .mfcc ? FeatureOptions.kaldiMFCC : FeatureOptions.kaldiFbank
        if let v = sampleFrequency { o.sampleRate = v }
        if let v = frameLength { o.frameLengthMs = v }
        if let v = frameShift { o.frameShiftMs = v }
        if let v = windowType { o.windowType = v }
        if let v = preemphasisCoefficient { o.preemphasisCoefficient = v }
        if let v = removeDcOffset { o.removeDCOffset = v }
        if let v = dither { o.dither = v }
        if let v = ditherSeed { o.ditherSeed = v }
        if let v = snipEdges { o.snipEdges = v }
        if let v = roundToPowerOfTwo { o.roundToPowerOfTwo = v }
        if let v = numMelBins { o.numMelBins = v }
        if let v = lowFreq { o.lowFrequency = v }
        if let v = highFreq { o.highFrequency = v }
        if let v = numCeps { o.numCeps = v }
        if let v = cepstralLifter { o.cepstralLifter = v }
        if let v = useEnergy { o.useEnergy = v }
        if let v = energyFloor { o.energyFloor = v }
        if let v = rawEnergy { o.rawEnergy = v }
        var sliding = SlidingCMNOptions()
        sliding.window = cmnWindow
        var pipeline = FeaturePipeline(
            options: o, normalization: cmvn, sliding: sliding,
            deltas: deltaOrder > 0 ? DeltaOptions(order: deltaOrder, window: deltaWindow) : nil)
        if maskEmptyBands { pipeline.emptyBands = EmptyBandMasking() }
        pipeline.dynamicRange = dynamicRange.map(DynamicRangeFloor.init(decibels:))
        pipeline.speechStatistics = speechStatistics.map(SpeechStatistics.init(decibels:))
        if pcen { pipeline.pcen = PCEN() }
        return pipeline
    }

    func validate() throws {
        guard deltaOrder >= 0 else { throw ValidationError("--delta-order must be 0 or positive, got \(deltaOrder)") }
        do {
            try pipeline.validate()
        } catch let error as FeatureOptionsError {
            throw ValidationError(error.message)
        }
    }
}
