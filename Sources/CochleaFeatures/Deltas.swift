/// Kaldi's `add-deltas`: appends `order` time derivatives, each the previous order's regression over
/// ±`window` frames, with frame indices clamped at the utterance edges. [T, D] → [T, D·(order+1)].
public struct DeltaOptions: Codable, Equatable, Sendable {
    public var order = 2
    public var window = 2
    public init(order: Int = 2, window: Int = 2) {
        self.order = order
        self.window = window
    }
}

public enum Deltas {
    /// The filter of each order (order 0 is [1]), centred, as Kaldi's `DeltaFeatures` builds them.
    static func scales(_ options: DeltaOptions) -> [[Float]] {
        var scales: [[Double]] = [[1]]
        let window = options.window
        let normalizer = Double((-window...window).reduce(0) { $0 + $1 * $1 })
        for _ in 0..<options.order {
            let previous = scales.last!
            let previousOffset = (previous.count - 1) / 2
            let currentOffset = previousOffset + window
            var current = [Double](repeating: 0, count: previous.count + 2 * window)
            for j in -window...window {
                for k in -previousOffset...previousOffset {
                    current[j + k + currentOffset] += Double(j) * previous[k + previousOffset]
                }
            }
            scales.append(current.map { $0 / normalizer })
        }
        return scales.map { $0.map(Float.init) }
    }

    public static func apply(_ input: FeatureMatrix, options: DeltaOptions = DeltaOptions()) -> FeatureMatrix {
        precondition(options.order >= 0 && options.window > 0)
        let frames = input.frames, dims = input.dims
        let outDims = dims * (options.order + 1)
        var output = FeatureMatrix(frames: frames, dims: outDims)
        guard frames > 0 else { return output }
        let filters = scales(options)
        input.values.withUnsafeBufferPointer { x in
            output.values.withUnsafeMutableBufferPointer { y in
                for t in 0..<frames {
                    for (order, filter) in filters.enumerated() {
                        let half = (filter.count - 1) / 2
                        let out = y.baseAddress! + t * outDims + order * dims
                        for (j, weight) in filter.enumerated() where weight != 0 {
                            let source = x.baseAddress! + min(max(t + j - half, 0), frames - 1) * dims
                            for d in 0..<dims { out[d] += weight * source[d] }
                        }
                    }
                }
            }
        }
        return output
    }
}
