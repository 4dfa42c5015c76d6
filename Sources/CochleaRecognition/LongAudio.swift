import CochleaAudio
import CochleaDecoding
import CochleaFeatures
import Foundation

extension Recognizer {
    /// Log-probabilities of one long file, window by window, for consumers that stream (keyword
    /// spotting). The audio and its features are held whole (4 bytes per sample, D floats per
    /// frame: about 290 MB for an hour at 16 kHz); the network, whose activations would need far
    /// more, runs on windows of `windowFrames` frames with `contextFrames` more on each side (the
    /// LSTM runs both ways, so frames near a cut need context; only the window's own frames are
    /// kept). `body` gets each window's [frames, C] rows in order; the views are valid only during
    /// the call. Returns the audio's duration in seconds and its frame count.
    public func streamLogProbabilities(path: String, windowFrames: Int = 3000, contextFrames: Int = 200,
                                       body: (LogProbabilities) throws -> Void) throws -> (duration: Double, frames: Int) {
        precondition(windowFrames > 0 && contextFrames >= 0, "window must be positive, context non-negative")
        let clip = try AudioDecoder.decode(path: path, sampleRate: model.config.features.options.sampleRate)
        let features = extractors[0].features(of: clip.samples)
        let frames = features.frames, dims = features.dims, classes = model.config.network.classes
        try features.values.withUnsafeBufferPointer { x in
            var start = 0
            while start < frames {
                let end = min(frames, start + windowFrames)
                let from = max(0, start - contextFrames), to = min(frames, end + contextFrames)
                // [T, B = 1, D] is the features' own row-major layout.
                let lp = network.forward(input: x.baseAddress! + from * dims, steps: to - from, batch: 1, lengths: [to - from])
                let own = UnsafeBufferPointer(start: lp + (start - from) * classes, count: (end - start) * classes)
                try body(LogProbabilities(values: own, frames: end - start, classes: classes))
                start = end
            }
        }
        return (clip.duration, frames)
    }
}
