import CochleaAudio
import CochleaDecoding
import CochleaFeatures
import Foundation

extension Recognizer {
    /// Log-probabilities of one long file, window by window, for consumers that stream (keyword
    /// spotting). The audio is read a chunk at a time and only its features are held whole (16 kB a
    /// second at 40 dimensions); the network, whose activations would need far more, runs on
    /// windows of `windowFrames` frames with `contextFrames` more on each side (the LSTM runs both
    /// ways, so frames near a cut need context; only the window's own frames are kept). `body` gets
    /// each window's [frames, C] rows in order; the views are valid only during the call. Returns
    /// the audio's duration in seconds and its frame count.
    public func streamLogProbabilities(path: String, windowFrames: Int = 3000, contextFrames: Int = 200,
                                       body: (LogProbabilities) throws -> Void) throws -> (duration: Double, frames: Int) {
        precondition(windowFrames > 0 && contextFrames >= 0, "window must be positive, context non-negative")
        let stream = try AudioStream(path: path, sampleRate: model.config.features.options.sampleRate)
        let features = try extractors[0].features(stream: stream)
        try forEachWindow(of: features, frames: windowFrames, context: contextFrames, body)
        return (Double(stream.samplesDelivered) / Double(stream.sampleRate), features.frames)
    }

    /// Runs the network over `features` in windows of `frames` with `context` frames on either
    /// side, whose outputs are dropped, and hands each window's own [frames, C] rows to `body`.
    func forEachWindow(of features: FeatureMatrix, frames window: Int, context: Int,
                       _ body: (LogProbabilities) throws -> Void) throws {
        let classes = model.config.network.classes, dims = features.dims, frames = features.frames
        // One long input at a time: its two directions are what can run side by side.
        network.threads = min(2, threads)
        defer { network.threads = 1 }
        try features.values.withUnsafeBufferPointer { x in
            var start = 0
            while start < frames {
                let end = min(frames, start + window)
                let from = max(0, start - context), to = min(frames, end + context)
                // [T, B = 1, D] is the features' own row-major layout.
                let lp = network.forward(input: x.baseAddress! + from * dims, steps: to - from, batch: 1, lengths: [to - from])
                try body(LogProbabilities(values: UnsafeBufferPointer(start: lp + (start - from) * classes, count: (end - start) * classes),
                                          frames: end - start, classes: classes))
                start = end
            }
        }
    }

    /// [T, C] log-probabilities of one long input, computed window by window.
    func windowedLogProbabilities(_ features: FeatureMatrix) -> [Float] {
        var output = [Float]()
        output.reserveCapacity(features.frames * model.config.network.classes)
        try? forEachWindow(of: features, frames: longFrames, context: windowContext) { output += $0.values }
        return output
    }
}
