import Foundation

/// Settings of `BeamSearchDecoder`. Defaults mirror torchaudio's flashlight `ctc_decoder` where it
/// has the same knob (beam threshold 50, every token considered at every frame).
public struct BeamSearchOptions: Codable, Equatable, Sendable {
    /// Hypotheses kept after every frame. A hypothesis is a prefix together with whether its last
    /// frame was blank; the two hypotheses of one prefix compete for places separately (as in
    /// flashlight and pyctcdecode), which makes width 1 exactly greedy decoding.
    public var beamWidth = 16
    /// Per frame, only the k most probable non-blank tokens may extend a prefix (nil: all).
    public var tokensPerFrame: Int?
    /// Per frame, tokens with a natural-log probability below this may not extend a prefix (the
    /// frame's most probable non-blank token always may). nil: no floor. pyctcdecode's
    /// `token_min_logp` is −5.
    public var tokenThreshold: Float?
    /// Hypotheses whose score is more than this (nats) below the frame's best are dropped.
    public var beamThreshold: Float = 50
    /// Texts returned by `nbestTexts` and in `Transcript.alternatives` (1: no alternatives).
    public var nbest = 1
    /// α: the language model's weight; each word adds α · ln P(word | history).
    public var languageModelWeight: Float = 0.5
    /// β: added per word (with or without a language model); positive values favour more words.
    public var wordBonus: Float = 0
    /// Words whose confidence (the geometric mean of their characters' posteriors, as in
    /// `DecodedWord.confidence`) is below this come out as `<unk>`, keeping their times. nil: never.
    public var unknownThreshold: Double?

    public init(beamWidth: Int = 16, tokensPerFrame: Int? = nil, tokenThreshold: Float? = nil, beamThreshold: Float = 50,
                nbest: Int = 1, languageModelWeight: Float = 0.5, wordBonus: Float = 0, unknownThreshold: Double? = nil) {
        self.beamWidth = beamWidth
        self.tokensPerFrame = tokensPerFrame
        self.tokenThreshold = tokenThreshold
        self.beamThreshold = beamThreshold
        self.nbest = nbest
        self.languageModelWeight = languageModelWeight
        self.wordBonus = wordBonus
        self.unknownThreshold = unknownThreshold
    }

    /// Widest beam accepted: its buffers grow with the width times the classes, and a width of a
    /// billion exhausted memory before this check; a keyword search needs 16.
    public static let maximumBeamWidth = 100_000

    /// Throws for settings that cannot work, naming the setting.
    public func validate() throws {
        func fail(_ message: String) -> BeamSearchOptionsError { BeamSearchOptionsError(message: message) }
        guard beamWidth >= 1 else { throw fail("beam width must be at least 1, got \(beamWidth)") }
        guard beamWidth <= Self.maximumBeamWidth else { throw fail("beam width must be at most \(Self.maximumBeamWidth), got \(beamWidth)") }
        if let k = tokensPerFrame, k < 1 { throw fail("tokens per frame (top-k) must be at least 1, got \(k)") }
        if let floor = tokenThreshold, floor.isNaN || floor > 0 {
            throw fail("token threshold is a natural-log probability, 0 or below, got \(floor)")
        }
        guard beamThreshold > 0, !beamThreshold.isNaN else { throw fail("beam threshold must be above 0, got \(beamThreshold)") }
        guard nbest >= 1 else { throw fail("n-best must be at least 1, got \(nbest)") }
        guard nbest <= beamWidth else { throw fail("n-best (\(nbest)) cannot exceed the beam width (\(beamWidth))") }
        guard languageModelWeight.isFinite else { throw fail("language model weight must be a finite number") }
        guard wordBonus.isFinite else { throw fail("word bonus must be a finite number") }
        if let u = unknownThreshold, !(0...1).contains(u) { throw fail("unknown threshold must be in 0…1, got \(u)") }
    }
}

public struct BeamSearchOptionsError: Error, CustomStringConvertible, Equatable {
    public var message: String
    public var description: String { message }
}

/// One finished hypothesis of a beam search. Scores are natural logarithms.
public struct BeamHypothesis: Equatable, Sendable {
    /// Token ids of the labelling (no blanks, repeats as separate tokens).
    public var tokens: [Int]
    /// What the search ranks by: acoustic + α·ln P_LM + β per word + hotword weights.
    public var score: Double
    /// ln P(labelling | audio) summed over the frame paths the beam kept.
    public var acousticScore: Double
    /// Per token: the first and last frame at which the winning path emitted it.
    public var frames: [(first: Int, last: Int)]

    public static func == (a: BeamHypothesis, b: BeamHypothesis) -> Bool {
        a.tokens == b.tokens && a.score == b.score && a.acousticScore == b.acousticScore
            && a.frames.map(\.first) == b.frames.map(\.first) && a.frames.map(\.last) == b.frames.map(\.last)
    }
}
