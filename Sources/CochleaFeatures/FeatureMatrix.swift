/// Features of one utterance: row-major [frames, dims] Float.
public struct FeatureMatrix: Equatable, Sendable {
    public var frames: Int
    public var dims: Int
    public var values: [Float]

    public init(frames: Int, dims: Int, values: [Float]) {
        precondition(values.count == frames * dims, "\(values.count) values do not fill \(frames) × \(dims)")
        self.frames = frames
        self.dims = dims
        self.values = values
    }

    public init(frames: Int, dims: Int) {
        self.init(frames: frames, dims: dims, values: [Float](repeating: 0, count: frames * dims))
    }

    public subscript(frame: Int, dim: Int) -> Float {
        get { values[frame * dims + dim] }
        set { values[frame * dims + dim] = newValue }
    }

    /// The first `count` frames.
    public func prefix(frames count: Int) -> FeatureMatrix {
        FeatureMatrix(frames: count, dims: dims, values: Array(values[0..<count * dims]))
    }
}
