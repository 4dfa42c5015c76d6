import CochleaAudio
import CochleaCore

/// Features of audio that arrives in chunks, equal to the features of the whole signal at once:
/// with snip-edges (Kaldi's default) a frame only needs its own samples, so each frame is computed
/// as soon as its samples have arrived and the samples before the next frame are dropped; the dither
/// stream continues across chunks. Other framings (reflection at the edges, python_speech_features'
/// padding) need the end of the signal and are computed when the stream finishes.
public final class StreamingFeatures {
    private let extractor: FeatureExtractor
    private var random: SeededRandom
    private var pending: [Float] = []
    private var values: [Float] = []
    private var frames = 0
    private var streaming: Bool { extractor.options.snipEdges && extractor.options.kind != .psfMFCC }

    public init(extractor: FeatureExtractor) {
        self.extractor = extractor
        random = SeededRandom(seed: extractor.options.ditherSeed)
    }

    public func append(_ chunk: [Float]) {
        pending += chunk
        guard streaming else { return }
        let options = extractor.options
        let ready = options.frameCount(sampleCount: pending.count)
        guard ready > 0 else { return }
        let dims = options.dimension
        values += [Float](repeating: 0, count: ready * dims)
        let used = (ready - 1) * options.windowShift + options.windowSize
        pending.withUnsafeBufferPointer { samples in
            values.withUnsafeMutableBufferPointer { out in
                extractor.compute(samples: UnsafeBufferPointer(rebasing: samples[0..<used]), into: out.baseAddress! + frames * dims, random: &random)
            }
        }
        frames += ready
        pending.removeFirst(ready * options.windowShift)
    }

    /// All frames; the stream is then spent.
    public func finish() -> FeatureMatrix {
        if !streaming {
            let matrix = extractor.compute(pending)
            pending = []
            return matrix
        }
        defer { values = []; frames = 0 }
        return FeatureMatrix(frames: frames, dims: extractor.options.dimension, values: values)
    }
}
