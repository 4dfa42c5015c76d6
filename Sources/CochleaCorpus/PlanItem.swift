/// What a plan line makes.
public enum PlanPart: String, Sendable, CaseIterable {
    /// A single word, padded to exactly 1 s, in `words/<word>/`.
    case word
    /// A multi-word utterance at natural length, in `sentences/<split>/`.
    case sentence
    /// A `_background_noise_` recording of generated white, pink or brown noise.
    case noise
    /// One utterance of filler words mixed, with many others, into `_background_noise_/babble.wav`.
    case babble
}

/// Noise added to a clip (or the colour of a noise recording).
public enum NoiseKind: String, Sendable, CaseIterable {
    /// Faint white noise far below the speech, so that no clip is digital silence.
    case floor
    case white, pink, brown
    /// Not for clips: the overlay of babble utterances.
    case babble
}

/// One line of `plan.tsv`: every parameter of one clip, so that the corpus can be inspected and
/// made again exactly.
public struct PlanItem: Equatable, Sendable {
    public var part: PlanPart
    public var split: Split
    /// Relative to the corpus root, e.g. `words/yes/espeak-m3_nohash_0.wav`.
    public var path: String
    /// Words separated by single spaces (empty for noise).
    public var transcript: String
    /// Speaker id (empty for noise).
    public var speaker: String
    /// Engine and its voice name (espeak: `accent+variant`), empty for noise.
    public var engine: Engine?
    public var voice: String
    /// espeak-ng `-s` words per minute (0 for other engines).
    public var rate: Int
    /// espeak-ng `-p` 0–99 (0 for other engines).
    public var pitch: Int
    /// flite `duration_stretch`, festival `Duration_Stretch` (HTS: `-r` its inverse); 1 for espeak.
    public var stretch: Double
    /// sox `speed` factor.
    public var speed: Double
    /// sox `tempo -s` factor.
    public var tempo: Double
    /// sox `pitch` shift in cents.
    public var cents: Int
    /// Peak level of the written file in dBFS.
    public var level: Double
    public var noise: NoiseKind
    /// Speech RMS over noise RMS in dB (unused for noise recordings).
    public var snr: Double
    /// Silence before and after the speech in seconds (single words: the lead is a wish, trimmed
    /// if the word would not fit in 1 s; the rest of the second follows the word).
    public var lead: Double
    public var trail: Double
    /// Seed of the clip's noise.
    public var seed: UInt64
    /// Babble: where the utterance starts in the babble recording, in seconds; noise: its length.
    public var offset: Double

    public init(part: PlanPart, split: Split, path: String, transcript: String = "", speaker: String = "",
                engine: Engine? = nil, voice: String = "", rate: Int = 0, pitch: Int = 0, stretch: Double = 1,
                speed: Double = 1, tempo: Double = 1, cents: Int = 0, level: Double = -3, noise: NoiseKind = .floor,
                snr: Double = 0, lead: Double = 0, trail: Double = 0, seed: UInt64 = 0, offset: Double = 0) {
        self.part = part; self.split = split; self.path = path; self.transcript = transcript
        self.speaker = speaker; self.engine = engine; self.voice = voice; self.rate = rate; self.pitch = pitch
        self.stretch = stretch; self.speed = speed; self.tempo = tempo; self.cents = cents; self.level = level
        self.noise = noise; self.snr = snr; self.lead = lead; self.trail = trail; self.seed = seed; self.offset = offset
    }

    /// Words are trimmed or padded to this many samples at 16 kHz, as Speech Commands clips are.
    public static let wordSamples = 16_000
    public static let sampleRate = 16_000
}
