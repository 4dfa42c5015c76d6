/// A decoded word with its place in time and how sure the model was of it.
public struct DecodedWord: Codable, Equatable, Sendable {
    public var word: String
    /// Seconds from the start of the audio.
    public var start: Double
    public var end: Double
    /// In (0, 1]: the geometric mean of the posteriors of the word's characters at their frames.
    public var confidence: Double

    public init(word: String, start: Double, end: Double, confidence: Double) {
        self.word = word
        self.start = start
        self.end = end
        self.confidence = confidence
    }
}

/// The result of decoding one utterance.
public struct Transcript: Codable, Equatable, Sendable {
    public var text: String
    public var words: [DecodedWord]
    /// In (0, 1]: the geometric mean over all frames of the chosen path's posterior.
    public var confidence: Double
    /// Log-probability of the decoded labelling's best path (greedy) or of the labelling (beam).
    public var score: Double
    /// The n best texts of a beam search, best first (the first is `text` before any `<unk>`
    /// replacement); empty for greedy decoding or when only one was asked for.
    public var alternatives: [ScoredText]

    public init(text: String, words: [DecodedWord], confidence: Double, score: Double, alternatives: [ScoredText] = []) {
        self.text = text
        self.words = words
        self.confidence = confidence
        self.score = score
        self.alternatives = alternatives
    }
}

/// One entry of an n-best list. Scores are natural logarithms.
public struct ScoredText: Codable, Equatable, Sendable {
    public var text: String
    /// What the search ranks by: `acousticScore` plus language model, word bonus and hotword terms.
    public var score: Double
    /// ln P(labelling | audio) under CTC: the sum over all frame paths that collapse to the labelling
    /// (as far as the beam kept them).
    public var acousticScore: Double

    public init(text: String, score: Double, acousticScore: Double) {
        self.text = text
        self.score = score
        self.acousticScore = acousticScore
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
