import CochleaFeatures
import CochleaNN

/// How the learning rate changes over training.
public enum LearningRateSchedule: String, Codable, CaseIterable, Sendable {
    /// Halve the rate when validation loss has not improved for `plateauPatience` epochs.
    case plateau
    /// Cosine decay from the initial rate to 1% of it over all epochs, after a linear warm-up.
    case cosine
    /// Keep the initial rate.
    case constant
}

/// Everything that decides a training run; stored in checkpoints so `--resume` continues the same run.
public struct TrainingOptions: Codable, Equatable, Sendable {
    public var features = FeaturePipeline.defaultForTraining
    public var layers = 2
    public var hiddenSize = 160
    public var epochs = 30
    public var batchSize = 32
    public var learningRate = 2e-3
    public var schedule = LearningRateSchedule.cosine
    /// Warm-up steps of the cosine schedule.
    public var warmupSteps = 300
    public var plateauPatience = 2
    public var weightDecay = 1e-5
    /// Clip the global gradient norm to this (0: no clipping).
    public var clipNorm = 5.0
    public var dropout = 0.15
    public var specAugment = SpecAugmentOptions()
    /// Share of training utterances mixed with background noise each epoch (needs noise files).
    public var noiseProbability = 0.5
    /// Share of training utterances resampled each epoch by a random factor in `speedRange`, in
    /// steps of 0.01, which changes tempo, pitch and formants together (Kaldi's speed perturbation,
    /// drawn anew every epoch): 1.18 is 18% faster and higher, which brings the men's voices the corpus
    /// has closer to women's and children's vocal tracts, which it lacks. Drawn so that the clip's
    /// new duration (1 / factor of the old) is uniform. (Until 2026-11-27 a factor f did what 1 / f
    /// does now, and the default was 0.85...1.25, uniform: the same draws.)
    public var speedProbability = 0.6
    public var speedRange: ClosedRange<Double> = 0.8...1.18
    /// "kaldi" in options made since 2026-11-27; nil in a checkpoint saved before, whose
    /// `speedRange` still means the inverse factors, drawn uniformly, and is resumed that way.
    public var speedConvention: String? = "kaldi"
    /// Share of training utterances whose mel filterbank is warped each epoch (VTLP: Jaitly and
    /// Hinton 2013), by a factor in `warpRange` in steps of 0.025: formants move, pitch and tempo stay.
    public var warpProbability = 0.5
    public var warpRange: ClosedRange<Double> = 0.85...1.15
    public var noiseSNR: ClosedRange<Double> = 5...30
    /// Simulated room reverberation, off when nil (optional, so that checkpoints written before it
    /// existed still load).
    public var reverberation: ReverberationOptions?
    /// A band-limited channel (telephone, 8 kHz recording, cheap microphone), off when nil
    /// (optional for the same reason).
    public var bandLimit: BandLimitOptions?
    /// A recording clipped at full scale, off when nil (optional for the same reason).
    public var clipping: ClippingOptions?
    /// Clips cut close around the speech and padded with zeros, off when nil (optional for the
    /// same reason).
    public var trimming: TrimmingOptions?
    /// Noise that follows the speech's own loudness, off when nil (optional for the same reason).
    public var modulatedNoise: ModulatedNoiseOptions?
    /// Clicks and taps in the pauses, off when nil (optional for the same reason).
    public var clicks: ClickOptions?
    /// Single words cut inside their speech at one end, off when nil (optional for the same reason).
    public var truncation: TruncationOptions?
    /// A dynamic range compressor on the recording, off when nil (optional for the same reason).
    public var compression: CompressionOptions?
    /// A noise suppressor on the recording, off when nil (optional for the same reason).
    public var noiseSuppression: NoiseSuppressionOptions?
    /// A voice's spectral tilt changed before noise is mixed, off when nil (optional for the same reason).
    public var tilt: TiltOptions?
    /// Single words of a speaker joined into word sequences, off when nil (optional for the same reason).
    public var splicing: SplicingOptions?
    public var seed: UInt64 = 1
    /// Threads for features, the LSTM directions and CTC.
    public var threads = 2
    /// Stop when validation WER has not improved for this many epochs (0: never).
    public var earlyStoppingPatience = 6
    /// Seconds the run may take from its start (features included; a resumed run counts from its
    /// own start), nil: no limit. After each epoch the epochs still planned are cut to those that
    /// fit at the mean epoch time so far, and the learning-rate schedule ends with the last of them.
    public var timeLimit: Double?
    /// Share of training utterances held out for validation when the data has no validation split.
    public var validationFraction = 0.1
    public var unknownCharacters = UnknownCharacterPolicy.skip
    /// A trained model's folder whose weights the run starts from (fine-tuning) instead of random
    /// ones; its features, network shape and tokens then replace these options'. Nil: from scratch.
    public var initialModel: String?

    public init() {}

    /// Most threads a training run takes.
    public static let maximumThreads = 64
    /// Longest time limit, in seconds: a year.
    public static let maximumTimeLimit = 365.0 * 24 * 3600

    public func validate() throws {
        func fail(_ message: String) -> TrainingOptionsError { TrainingOptionsError(message: message) }
        guard epochs >= 1 else { throw fail("epochs must be at least 1, got \(epochs)") }
        guard (1...4096).contains(batchSize) else { throw fail("batch size must be 1 to 4,096, got \(batchSize)") }
        guard learningRate > 0, learningRate.isFinite else { throw fail("learning rate must be positive, got \(learningRate)") }
        guard (0..<1).contains(dropout) else { throw fail("dropout must be in [0, 1), got \(dropout)") }
        guard clipNorm >= 0 else { throw fail("clip norm must be 0 or positive, got \(clipNorm)") }
        guard (0...1).contains(noiseProbability) else { throw fail("noise probability must be in [0, 1], got \(noiseProbability)") }
        guard (0...1).contains(speedProbability) else { throw fail("speed perturbation probability must be in [0, 1], got \(speedProbability)") }
        guard (0...1).contains(warpProbability) else { throw fail("warp probability must be in [0, 1], got \(warpProbability)") }
        guard warpRange.lowerBound >= 0.7, warpRange.upperBound <= 1.3 else { throw fail("warp factors must lie in 0.7...1.3, got \(warpRange)") }
        guard speedRange.lowerBound >= 0.5, speedRange.upperBound <= 2 else {
            throw fail("speed perturbation factors must lie in 0.5...2, got \(speedRange)")
        }
        try specAugment.validate()
        try reverberation?.validate()
        try bandLimit?.validate(sampleRate: features.options.sampleRate)
        try clipping?.validate()
        try trimming?.validate()
        try modulatedNoise?.validate()
        try clicks?.validate()
        try truncation?.validate()
        try compression?.validate()
        try noiseSuppression?.validate()
        try tilt?.validate(sampleRate: features.options.sampleRate)
        try splicing?.validate()
        guard (0..<1).contains(validationFraction) else { throw fail("validation fraction must be in [0, 1), got \(validationFraction)") }
        guard (1...Self.maximumThreads).contains(threads) else { throw fail("threads must be 1 to \(Self.maximumThreads), got \(threads)") }
        if let timeLimit {
            guard timeLimit > 0, timeLimit <= Self.maximumTimeLimit else {
                throw fail("time limit must be more than 0 and at most \(Int(Self.maximumTimeLimit / 60)) minutes, got \(timeLimit / 60) minutes")
            }
        }
        guard weightDecay >= 0 else { throw fail("weight decay must be 0 or positive, got \(weightDecay)") }
        try NetworkShape(inputSize: features.dimension, hiddenSize: hiddenSize, layers: layers, classes: 2).validate()
        do { try features.validate() } catch { throw fail("\(error)") }
    }

    /// The learning rate at `step` of `totalSteps` (cosine) or the plateau-adjusted rate.
    func rate(step: Int, totalSteps: Int, plateauRate: Double) -> Double {
        switch schedule {
        case .constant: return learningRate
        case .plateau: return plateauRate
        case .cosine:
            if step < warmupSteps { return learningRate * Double(step + 1) / Double(warmupSteps) }
            let progress = min(1, Double(step - warmupSteps) / Double(max(1, totalSteps - warmupSteps)))
            let floor = learningRate * 0.01
            return floor + 0.5 * (learningRate - floor) * (1 + cos(Double.pi * progress))
        }
    }
}

public struct TrainingOptionsError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public var description: String { "invalid training options: \(message)" }
}

extension FeaturePipeline {
    /// What Cochlea trains on by default: 40 log-mel filterbank energies (Kaldi compute-fbank-feats,
    /// dither 1) with per-utterance mean and variance normalisation, so that level and channel
    /// differences between recordings matter less.
    public static var defaultForTraining: FeaturePipeline {
        var options = FeatureOptions.kaldiFbank
        options.numMelBins = 40
        return FeaturePipeline(options: options, normalization: .meanVariance)
    }
}

#if canImport(Glibc)
import Glibc
#endif
