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

/// Everything that turns audio into a model's input: extraction, normalisation, then deltas. A model's
/// config stores one so that transcription computes exactly what training saw.
public struct FeaturePipeline: Codable, Equatable, Sendable {
    public var options: FeatureOptions
    public var normalization: NormalizationMode
    public var sliding: SlidingCMNOptions
    /// nil: no deltas.
    public var deltas: DeltaOptions?

    public init(options: FeatureOptions = .kaldiMFCC, normalization: NormalizationMode = .none,
                sliding: SlidingCMNOptions = SlidingCMNOptions(), deltas: DeltaOptions? = nil) {
        self.options = options
        self.normalization = normalization
        self.sliding = sliding
        self.deltas = deltas
    }

    /// Width of the pipeline's output rows.
    public var dimension: Int { options.dimension * ((deltas?.order ?? 0) + 1) }

    public func validate() throws {
        try options.validate()
        if let deltas, !(0...8).contains(deltas.order) || !(1...100).contains(deltas.window) {
            throw FeatureOptionsError(message: "delta order must be 0 to 8 and window 1 to 100, got \(deltas.order) and \(deltas.window)")
        }
        if normalization == .sliding && (sliding.window < 1 || sliding.minWindow < 0) {
            throw FeatureOptionsError(message: "sliding CMN window must be positive, got \(sliding.window)")
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
        var matrix = extractor.compute(samples)
        switch pipeline.normalization {
        case .none: break
        case .mean: matrix = CMVN.utterance(matrix)
        case .meanVariance: matrix = CMVN.utterance(matrix, normalizeVariance: true)
        case .sliding: matrix = CMVN.sliding(matrix, options: pipeline.sliding)
        }
        if let deltas = pipeline.deltas { matrix = Deltas.apply(matrix, options: deltas) }
        return matrix
    }

    /// Decodes `path` at the pipeline's sample rate and computes its features.
    public func features(path: String) throws -> FeatureMatrix {
        features(of: try AudioDecoder.decode(path: path, sampleRate: pipeline.options.sampleRate).samples)
    }
}
