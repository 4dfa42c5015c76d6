/// The analysis window applied to each frame (Kaldi's `--window-type`).
public enum WindowType: String, Codable, CaseIterable, Sendable {
    case povey, hamming, hanning, rectangular, blackman
}

/// Which features to compute: cepstra (`compute-mfcc-feats`), log mel energies (`compute-fbank-feats`),
/// or python_speech_features' `mfcc` (whole-signal pre-emphasis, zero-padded last frame, HTK mel
/// scale on integer FFT bins, C0 = log frame energy).
public enum FeatureKind: String, Codable, CaseIterable, Sendable {
    case mfcc, fbank
    case psfMFCC = "psf-mfcc"
}

/// Every option of Kaldi's compute-mfcc-feats and compute-fbank-feats that Cochlea supports, with
/// Kaldi's defaults (`feature-window.h`, `feature-mfcc.h`, `feature-fbank.h`, `mel-computations.h`).
/// Only `kind` selects between the MFCC and filterbank meanings of the shared fields.
public struct FeatureOptions: Codable, Equatable, Sendable {
    public var kind: FeatureKind = .mfcc

    // Framing (FrameExtractionOptions)
    /// Hz. Audio is resampled to this rate before framing.
    public var sampleRate: Int = 16_000
    /// Milliseconds.
    public var frameLengthMs: Double = 25
    /// Milliseconds.
    public var frameShiftMs: Double = 10
    /// Pad each frame with zeros to the next power of two before the FFT (400 → 512 samples).
    public var roundToPowerOfTwo = true
    public var windowType: WindowType = .povey
    public var blackmanCoeff: Double = 0.42
    /// Per-frame pre-emphasis: x[i] -= coeff · x[i-1], and x[0] -= coeff · x[0].
    public var preemphasisCoefficient: Double = 0.97
    /// Subtract each frame's mean before anything else (after dither).
    public var removeDCOffset = true
    /// Standard deviation of Gaussian noise added to every sample (in `sampleScale` units); 0 turns it off.
    public var dither: Double = 1.0
    /// Seed of the dither noise, restarted for every utterance so features are reproducible.
    public var ditherSeed: UInt64 = 0
    /// true: only frames that fit entirely in the signal, the first starting at sample 0.
    /// false: frames centred every shift, the signal reflected at its edges (round(N / shift) frames).
    public var snipEdges = true
    /// Kaldi reads 16-bit samples as integers; decoded audio is in [-1, 1], so scale it up to match.
    public var sampleScale: Double = 32_768

    // Mel filterbank (MelBanksOptions)
    /// Number of triangular mel bins.
    public var numMelBins = 23
    /// Hz.
    public var lowFrequency: Double = 20
    /// Hz; zero or negative means an offset below the Nyquist frequency.
    public var highFrequency: Double = 0

    /// Vocal tract length normalisation: the factor by which frequencies are warped before the mel
    /// filterbank (Kaldi's --vtln-warp; 1 is none), piecewise linearly between `vtlnLow` and
    /// `vtlnHigh` Hz (zero or negative: an offset below Nyquist).
    public var vtlnWarp: Double = 1
    public var vtlnLow: Double = 100
    public var vtlnHigh: Double = -500

    // MFCC
    /// Number of cepstra kept, including C0.
    public var numCeps = 13
    /// Sinusoidal liftering coefficient Q (0 turns it off).
    public var cepstralLifter: Double = 22

    // Energy
    /// MFCC: replace C0 by the log energy. Fbank: prepend the log energy as column 0.
    public var useEnergy = true
    /// Floor on the energy (absolute, not log); 0 means none.
    public var energyFloor: Double = 0
    /// Measure energy before pre-emphasis and windowing.
    public var rawEnergy = true

    // Filterbank only
    /// Use |X|² rather than |X| for the filterbank.
    public var usePower = true
    /// Take the log of the mel energies.
    public var useLogFbank = true

    public init() {}

    /// Kaldi compute-mfcc-feats defaults.
    public static var kaldiMFCC: FeatureOptions { FeatureOptions() }

    /// Kaldi compute-fbank-feats defaults (23 bins, no energy); set `numMelBins` for 40 or 80.
    public static var kaldiFbank: FeatureOptions {
        var options = FeatureOptions()
        options.kind = .fbank
        options.useEnergy = false
        return options
    }

    /// python_speech_features.mfcc defaults: 26 filters from 0 Hz to Nyquist, no window, samples in [-1, 1].
    public static var pythonSpeechFeatures: FeatureOptions {
        var options = FeatureOptions()
        options.kind = .psfMFCC
        options.numMelBins = 26
        options.lowFrequency = 0
        options.windowType = .rectangular
        options.dither = 0
        options.removeDCOffset = false
        options.sampleScale = 1
        return options
    }

    /// Samples per frame.
    public var windowSize: Int { Int(Double(sampleRate) * 0.001 * frameLengthMs) }
    /// Samples between frame starts.
    public var windowShift: Int { Int(Double(sampleRate) * 0.001 * frameShiftMs) }
    /// FFT length.
    public var paddedWindowSize: Int {
        roundToPowerOfTwo ? FeatureOptions.nextPowerOfTwo(windowSize) : windowSize
    }

    /// Width of one output row.
    public var dimension: Int {
        switch kind {
        case .mfcc, .psfMFCC: return numCeps
        case .fbank: return numMelBins + (useEnergy ? 1 : 0)
        }
    }

    /// Number of frames Kaldi produces for `sampleCount` samples.
    public func frameCount(sampleCount: Int) -> Int {
        let shift = windowShift
        if kind == .psfMFCC {
            // python_speech_features pads the signal so that the last frame covers its end.
            if sampleCount == 0 { return 0 }
            if sampleCount <= windowSize { return 1 }
            return 1 + (sampleCount - windowSize + shift - 1) / shift
        }
        if snipEdges {
            return sampleCount < windowSize ? 0 : 1 + (sampleCount - windowSize) / shift
        }
        return (sampleCount + shift / 2) / shift
    }

    /// The longest frame, and the longest shift between frames, in samples.
    static let maximumFrameSamples = Double(1 << 16)

    static func nextPowerOfTwo(_ n: Int) -> Int {
        var p = 1
        while p < n { p <<= 1 }
        return p
    }

    /// Throws if the options cannot describe a feature computation.
    public func validate() throws {
        func fail(_ message: String) -> FeatureOptionsError { FeatureOptionsError(message: message) }
        guard (1_000...768_000).contains(sampleRate) else { throw fail("sample rate \(sampleRate) Hz is outside 1,000 to 768,000") }
        // In samples, checked as Doubles: `windowSize` and `windowShift` convert to Int, which traps
        // on a value out of its range.
        let samplesPerMs = Double(sampleRate) * 0.001
        guard frameShiftMs > 0, samplesPerMs * frameShiftMs <= Self.maximumFrameSamples, windowShift >= 1 else {
            throw fail("frame shift \(frameShiftMs) ms is under one sample or over 65,536")
        }
        guard frameLengthMs > 0, samplesPerMs * frameLengthMs <= Self.maximumFrameSamples, windowSize >= 2 else {
            throw fail("frame length \(frameLengthMs) ms is under two samples or over 65,536")
        }
        guard (0...1).contains(preemphasisCoefficient) else { throw fail("pre-emphasis must be in [0, 1], got \(preemphasisCoefficient)") }
        guard dither >= 0, dither.isFinite else { throw fail("dither must be 0 or positive, got \(dither)") }
        guard sampleScale > 0, sampleScale.isFinite else { throw fail("sample scale must be positive, got \(sampleScale)") }
        guard (1...1024).contains(numMelBins) else { throw fail("number of mel bins must be 1 to 1024, got \(numMelBins)") }
        let nyquist = Double(sampleRate) / 2
        let high = highFrequency > 0 ? highFrequency : nyquist + highFrequency
        guard lowFrequency >= 0, lowFrequency < nyquist, high > lowFrequency, high <= nyquist else {
            throw fail("need 0 ≤ low frequency (\(lowFrequency)) < high frequency (\(high)) ≤ Nyquist (\(nyquist)) Hz")
        }
        // Every mel bin must cover at least one FFT bin, or Kaldi's MelBanks refuses too.
        let binWidth = Double(sampleRate) / Double(paddedWindowSize)
        let melWidth = (MelScale.mel(high) - MelScale.mel(lowFrequency)) / Double(numMelBins + 1)
        guard MelScale.hertz(MelScale.mel(lowFrequency) + 2 * melWidth) - lowFrequency > binWidth else {
            throw fail("\(numMelBins) mel bins between \(lowFrequency) and \(high) Hz are narrower than one FFT bin (\(binWidth) Hz); use fewer bins")
        }
        if kind != .fbank {
            guard (1...numMelBins).contains(numCeps) else { throw fail("number of cepstra must be 1 to the number of mel bins (\(numMelBins)), got \(numCeps)") }
        }
        guard (0.5...2).contains(vtlnWarp) else { throw fail("VTLN warp factor must be in 0.5...2, got \(vtlnWarp)") }
        guard cepstralLifter >= 0 else { throw fail("cepstral lifter must be 0 or positive, got \(cepstralLifter)") }
        guard energyFloor >= 0 else { throw fail("energy floor must be 0 or positive, got \(energyFloor)") }
    }
}

public struct FeatureOptionsError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public var description: String { "invalid feature options: \(message)" }
}
