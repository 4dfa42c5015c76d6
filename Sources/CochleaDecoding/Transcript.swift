/// A decoded word with its place in time and how sure the model was of it.
public struct DecodedWord: Codable, Equatable, Sendable {
    public var word: String
    /// Seconds from the start of the audio.
    public var start: Double
    public var end: Double
    /// In (0, 1]: the geometric mean of the posteriors of the word's characters at their frames.
    public var confidence: Double
}

/// The result of decoding one utterance.
public struct Transcript: Codable, Equatable, Sendable {
    public var text: String
    public var words: [DecodedWord]
    /// In (0, 1]: the geometric mean over all frames of the chosen path's posterior.
    public var confidence: Double
    /// Log-probability of the decoded labelling's best path (greedy) or of the labelling (beam).
    public var score: Double

    public init(text: String, words: [DecodedWord], confidence: Double, score: Double) {
        self.text = text
        self.words = words
        self.confidence = confidence
        self.score = score
    }
}

/// Log-probabilities of one utterance: [T, C] row-major, frames `frameShift` seconds apart.
public struct LogProbabilities {
    public var values: UnsafeBufferPointer<Float>
    public var frames: Int
    public var classes: Int
    /// Stride between consecutive frames' rows (C for a single utterance, B·C inside a [T, B, C] batch).
    public var rowStride: Int

    public init(values: UnsafeBufferPointer<Float>, frames: Int, classes: Int, rowStride: Int? = nil) {
        self.values = values
        self.frames = frames
        self.classes = classes
        self.rowStride = rowStride ?? classes
    }

    @inline(__always)
    public func row(_ t: Int) -> UnsafePointer<Float> { values.baseAddress! + t * rowStride }
}

/// How frame indices map to seconds: frame t covers [t·shift, t·shift + length).
public struct FrameTiming: Codable, Equatable, Sendable {
    public var shift: Double
    public var length: Double
    public init(shift: Double = 0.01, length: Double = 0.025) {
        self.shift = shift
        self.length = length
    }
}
