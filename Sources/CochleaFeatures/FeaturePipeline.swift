import CochleaAudio

/// How features are normalised per utterance after extraction.
public enum NormalizationMode: String, Codable, CaseIterable, Sendable {
    /// Leave features as computed.
    case none
    /// Subtract the utterance's column means (Kaldi `apply-cmvn --norm-vars=false`).
    case mean
    /// Subtract means and divide by standard deviations (`apply-cmvn --norm-vars=true`).
    case meanVariance = "mean-variance"
    /// Kaldi `apply-cmvn-sliding` with `SlidingCMNOptions`.
    case sliding
}

/// Frame stacking and subsampling: output frame j concatenates input frames j·stride ..< j·stride +
/// count (the last frame repeats past the end), so a model runs at 1/stride of the frame rate and
/// still sees every frame. [T, D] → [ceil(T / stride), D·count].
public struct FrameStacking: Codable, Equatable, Sendable {
    public var count: Int
    public var stride: Int
    public init(count: Int, stride: Int) {
        self.count = count
        self.stride = stride
    }

    public func apply(_ input: FeatureMatrix) -> FeatureMatrix {
        let frames = (input.frames + stride - 1) / stride, dims = input.dims
        var output = FeatureMatrix(frames: frames, dims: dims * count)
        guard input.frames > 0 else { return output }
        input.values.withUnsafeBufferPointer { x in
            output.values.withUnsafeMutableBufferPointer { y in
                for j in 0..<frames {
                    for k in 0..<count {
                        let source = min(j * stride + k, input.frames - 1)
                        (y.baseAddress! + (j * count + k) * dims).update(from: x.baseAddress! + source * dims, count: dims)
                    }
                }
            }
        }
        return output
    }
}

/// Everything that turns audio into a model's input: extraction, normalisation, then deltas. A model's
/// config stores one so that transcription computes exactly what training saw.
public struct FeaturePipeline: Codable, Equatable, Sendable {
    public var options: FeatureOptions
    public var normalization: NormalizationMode
    public var sliding: SlidingCMNOptions
    /// nil: no deltas.
    public var deltas: DeltaOptions?
    /// nil: every frame, unstacked.
    public var stacking: FrameStacking?
    /// nil: off (and absent from configs written before it existed, which then load unchanged).
    public var emptyBands: EmptyBandMasking?
    /// nil: off (and absent from older configs, like `emptyBands`).
    public var dynamicRange: DynamicRangeFloor?
    /// nil: statistics over every frame (and absent from older configs, like `emptyBands`).
    public var speechStatistics: SpeechStatistics?
    /// nil: the logarithm of the filterbank energies (and absent from older configs, like `emptyBands`).
    public var pcen: PCEN?

    public init(options: FeatureOptions = .kaldiMFCC, normalization: NormalizationMode = .none,
                sliding: SlidingCMNOptions = SlidingCMNOptions(), deltas: DeltaOptions? = nil, stacking: FrameStacking? = nil) {
        self.options = options
        self.normalization = normalization
        self.sliding = sliding
        self.deltas = deltas
        self.stacking = stacking
    }

    /// Width of the pipeline's output rows.
    public var dimension: Int { options.dimension * ((deltas?.order ?? 0) + 1) * (stacking?.count ?? 1) }

    /// Blocks of `options.dimension` columns in a row (delta orders × stacked frames), for masks
    /// that cover the same coefficients in each.
    public var blocks: Int { ((deltas?.order ?? 0) + 1) * (stacking?.count ?? 1) }

    /// Seconds between the pipeline's output frames, and the span one of them starts with.
    public var frameShiftSeconds: Double { options.frameShiftMs / 1000 * Double(stacking?.stride ?? 1) }
    public var frameLengthSeconds: Double { (options.frameLengthMs + options.frameShiftMs * Double((stacking?.count ?? 1) - 1)) / 1000 }

    /// Frames; far beyond any utterance (Kaldi's default is 600), and small enough not to overflow.
    public static let maximumSlidingWindow = 1 << 24

    public func validate() throws {
        try options.validate()
        if let deltas, !(0...8).contains(deltas.order) || !(1...100).contains(deltas.window) {
            throw FeatureOptionsError(message: "delta order must be 0 to 8 and window 1 to 100, got \(deltas.order) and \(deltas.window)")
        }
        if let stacking, !(1...32).contains(stacking.count) || !(1...32).contains(stacking.stride) {
            throw FeatureOptionsError(message: "frame stacking count and stride must be 1 to 32, got \(stacking.count) and \(stacking.stride)")
        }
        if let emptyBands {
            guard options.kind == .fbank, options.useLogFbank, normalization == .mean || normalization == .meanVariance else {
                throw FeatureOptionsError(message: "empty-band masking needs log filterbank features normalised per utterance (mean or mean-variance)")
            }
            guard (0...10).contains(emptyBands.margin) else {
                throw FeatureOptionsError(message: "the empty-band margin must be 0 to 10 (natural log units), got \(emptyBands.margin)")
            }
        }
        if let dynamicRange {
            guard options.kind == .fbank, options.useLogFbank else {
                throw FeatureOptionsError(message: "a dynamic-range floor needs log filterbank features")
            }
            guard (10...200).contains(dynamicRange.decibels) else {
                throw FeatureOptionsError(message: "the dynamic range must be 10 to 200 dB, got \(dynamicRange.decibels)")
            }
        }
        if let speechStatistics {
            guard options.kind == .fbank, options.useLogFbank, normalization == .mean || normalization == .meanVariance else {
                throw FeatureOptionsError(message: "normalisation statistics over speech need log filterbank features normalised per utterance (mean or mean-variance)")
            }
            guard (5...120).contains(speechStatistics.decibels) else {
                throw FeatureOptionsError(message: "the speech range for normalisation statistics must be 5 to 120 dB, got \(speechStatistics.decibels)")
            }
        }
        if let pcen {
            guard options.kind == .fbank, options.useLogFbank, options.usePower, dynamicRange == nil, speechStatistics == nil else {
                throw FeatureOptionsError(message: "PCEN replaces the logarithm of filterbank power energies: it needs log filterbank features of the power spectrum and no dynamic-range floor or speech statistics (they read the values as log energies)")
            }
            try pcen.validate()
        }
        if normalization == .sliding && (!(1...Self.maximumSlidingWindow).contains(sliding.window)
                                          || !(0...Self.maximumSlidingWindow).contains(sliding.minWindow)) {
            throw FeatureOptionsError(message: "sliding CMN window and minimum window must be 1 and 0 to \(Self.maximumSlidingWindow) frames, got \(sliding.window) and \(sliding.minWindow)")
        }
    }
}

/// Runs a `FeaturePipeline`; owns an extractor, so one per thread.
public final class PipelineExtractor {
    public let pipeline: FeaturePipeline
    private let extractor: FeatureExtractor

    public init(_ pipeline: FeaturePipeline) throws {
        try pipeline.validate()
        self.pipeline = pipeline
        extractor = try FeatureExtractor(options: pipeline.options)
    }

    /// Features of samples already at `pipeline.options.sampleRate`.
    public func features(of samples: [Float]) -> FeatureMatrix {
        postprocess(extractor.compute(samples))
    }

    /// Each mel band's mean log energy over a second of silence: what the dither alone puts there.
    private lazy var ditherFloor: [Double] = EmptyBandMasking.columnMeans(extractor.compute([Float](repeating: 0, count: pipeline.options.sampleRate)))

    /// Normalisation, deltas and stacking of extracted features.
    private func postprocess(_ extracted: FeatureMatrix) -> FeatureMatrix {
        var matrix = extracted
        let empty = pipeline.emptyBands.map { $0.emptyColumns(of: extracted, floor: ditherFloor) } ?? []
        pipeline.dynamicRange?.apply(to: &matrix, powerSpectrum: pipeline.options.usePower)
        pipeline.pcen?.apply(to: &matrix, frameShiftSeconds: pipeline.options.frameShiftMs / 1000)
        switch pipeline.normalization {
        case .none: break
        case .mean, .meanVariance:
            let counted = pipeline.speechStatistics?.loudFrames(of: matrix, ignoring: empty, powerSpectrum: pipeline.options.usePower)
            matrix = CMVN.utterance(matrix, normalizeVariance: pipeline.normalization == .meanVariance, counted: counted)
        case .sliding: matrix = CMVN.sliding(matrix, options: pipeline.sliding)
        }
        EmptyBandMasking.clear(empty, in: &matrix)
        if let deltas = pipeline.deltas { matrix = Deltas.apply(matrix, options: deltas) }
        if let stacking = pipeline.stacking { matrix = stacking.apply(matrix) }
        return matrix
    }

    /// Decodes `path` at the pipeline's sample rate and computes its features, reading the audio a
    /// chunk at a time: only the features are ever whole in memory (16 kB a second of audio at 40
    /// dimensions, against 64 kB of samples), so hour-long recordings are fine.
    public func features(path: String) throws -> FeatureMatrix {
        try features(stream: AudioStream(path: path, sampleRate: pipeline.options.sampleRate))
    }

    /// Features of `prefix` (samples already read from `stream`) and everything left in `stream`
    /// (which must be at the pipeline's sample rate), with `padding` samples of digital silence put
    /// before and after them.
    public func features(stream: AudioStream, padding: Int = 0, prefix: [Float] = []) throws -> FeatureMatrix {
        precondition(stream.sampleRate == pipeline.options.sampleRate, "the stream must deliver the pipeline's sample rate")
        precondition(padding >= 0, "padding is a number of samples")
        let features = StreamingFeatures(extractor: extractor)
        let silence = [Float](repeating: 0, count: padding)
        if padding > 0 { features.append(silence) }
        if !prefix.isEmpty { features.append(prefix) }
        while let chunk = try stream.next() { features.append(chunk) }
        if padding > 0 { features.append(silence) }
        return postprocess(features.finish())
    }
}
