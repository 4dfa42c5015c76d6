/// Cepstral mean (and variance) normalisation, as Kaldi's `apply-cmvn` (utterance level) and
/// `apply-cmvn-sliding` do it. Statistics are accumulated in Double, as in Kaldi.
public enum CMVN {
    /// Subtracts each column's mean over the utterance; with `normalizeVariance`, also divides by its
    /// standard deviation (floored at 1e-10 variance, as Kaldi does). With `counted`, the statistics
    /// come from the frames it marks (all of them when it marks none) and apply to every frame.
    public static func utterance(_ input: FeatureMatrix, normalizeVariance: Bool = false, counted: [Bool]? = nil) -> FeatureMatrix {
        var output = input
        let frames = input.frames, dims = input.dims
        guard frames > 0 else { return output }
        precondition(counted == nil || counted!.count == frames, "one mark per frame")
        let marked = counted.map { marks in (0..<frames).filter { marks[$0] } } ?? []
        let rows = marked.isEmpty ? Array(0..<frames) : marked
        let count = Double(rows.count)
        for d in 0..<dims {
            var sum = 0.0, sumSquares = 0.0
            for t in rows {
                let v = Double(input.values[t * dims + d])
                sum += v
                sumSquares += v * v
            }
            let mean = sum / count
            var scale = 1.0
            if normalizeVariance {
                let variance = max(sumSquares / count - mean * mean, 1e-10)
                scale = 1 / variance.squareRoot()
            }
            for t in 0..<frames {
                output.values[t * dims + d] = Float((Double(input.values[t * dims + d]) - mean) * scale)
            }
        }
        return output
    }
}

/// Options of Kaldi's `apply-cmvn-sliding`, with its defaults.
public struct SlidingCMNOptions: Codable, Equatable, Sendable {
    /// Frames in the window.
    public var window = 600
    /// Frames at least in the window at the start (used only when not centred).
    public var minWindow = 100
    /// Centre the window on the current frame instead of ending it there.
    public var center = false
    public var normalizeVariance = false
    public init() {}
}

extension CMVN {
    /// Kaldi's `SlidingWindowCmn`: normalises each frame by statistics of the window around it.
    public static func sliding(_ input: FeatureMatrix, options: SlidingCMNOptions = SlidingCMNOptions()) -> FeatureMatrix {
        precondition(options.window > 0)
        var output = input
        let frames = input.frames, dims = input.dims
        guard frames > 0 else { return output }
        var sum = [Double](repeating: 0, count: dims), sumSquares = sum
        var lastStart = -1, lastEnd = -1
        func accumulate(_ t: Int, _ sign: Double) {
            for d in 0..<dims {
                let v = Double(input.values[t * dims + d])
                sum[d] += sign * v
                sumSquares[d] += sign * v * v
            }
        }
        for t in 0..<frames {
            var start: Int, end: Int
            if options.center {
                start = t - options.window / 2
                end = start + options.window
            } else {
                start = t - options.window
                end = t + 1
            }
            if start < 0 {
                end -= start
                start = 0
            }
            if !options.center && end > t { end = max(t + 1, options.minWindow) }
            if end > frames {
                start = max(start - (end - frames), 0)
                end = frames
            }
            if lastStart == -1 {
                for u in start..<end { accumulate(u, 1) }
            } else {
                if start > lastStart { accumulate(lastStart, -1) }
                if end > lastEnd { accumulate(lastEnd, 1) }
            }
            lastStart = start
            lastEnd = end
            let count = Double(end - start)
            for d in 0..<dims {
                var value = Double(input.values[t * dims + d]) - sum[d] / count
                if options.normalizeVariance {
                    if count == 1 {
                        value = 0
                    } else {
                        let variance = max(sumSquares[d] / count - (sum[d] / count) * (sum[d] / count), 1e-10)
                        value /= variance.squareRoot()
                    }
                }
                output.values[t * dims + d] = Float(value)
            }
        }
        return output
    }
}
