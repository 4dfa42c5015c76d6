/// Mono audio as Float samples, nominally in [-1, 1] (float files may exceed full scale).
public struct AudioClip: Sendable {
    public var samples: [Float]
    /// Samples per second.
    public var sampleRate: Int
    /// Channels in the source file before the mix-down.
    public var sourceChannels: Int
    /// Sample rate of the source file before any resampling.
    public var sourceSampleRate: Int

    public init(samples: [Float], sampleRate: Int, sourceChannels: Int = 1, sourceSampleRate: Int? = nil) {
        self.samples = samples
        self.sampleRate = sampleRate
        self.sourceChannels = sourceChannels
        self.sourceSampleRate = sourceSampleRate ?? sampleRate
    }

    /// Length in seconds.
    public var duration: Double { Double(samples.count) / Double(sampleRate) }
}
