/// The synthesisers the corpus uses: three from Debian packages, and Piper from PyPI
/// (`NeuralVoices`), run by a Python interpreter of the user's choice.
public enum Engine: String, CaseIterable, Sendable, Comparable {
    case espeak, flite, festival, piper

    /// The executable that runs it (piper: the default Python; `CorpusGenerator.python` picks another).
    public var executable: String {
        switch self {
        case .espeak: return "espeak-ng"
        case .flite: return "flite"
        case .festival: return "festival"
        case .piper: return "python3"
        }
    }

    /// The Debian package that provides the executable.
    public var package: String { executable }

    public static func < (a: Engine, b: Engine) -> Bool { a.rawValue < b.rawValue }
}

public enum Gender: String, Sendable { case female, male }

/// One way to make a speaker's voice: an engine and that engine's name for the voice.
public struct Renderer: Equatable, Sendable {
    public var engine: Engine
    /// espeak-ng: the variant file name (nil for the accent's own voice); flite: `-voice`; festival:
    /// the `voice_...` function without its prefix.
    public var voice: String?

    public init(_ engine: Engine, _ voice: String?) {
        self.engine = engine
        self.voice = voice
    }

    /// A stable id such as `flite-slt` or `espeak-m3`, recorded in the plan.
    public var id: String { "\(engine.rawValue)-\(voice.map(VoiceCatalogue.slug) ?? "base")" }
}

/// A timbre: the unit that is held out. Every renderer of a speaker comes from the same source (one
/// espeak variant in every accent, or one recorded person whichever engine plays them), so putting a
/// speaker in the test split keeps that voice out of training entirely.
public struct Speaker: Equatable, Sendable {
    /// Stable id used in file names (`<word>/<id>_nohash_<n>.wav`): lowercase, no underscore.
    public var id: String
    public var gender: Gender
    /// True for the voices built from recordings of a real person (kal, ked, rms, slt, awb).
    public var recorded: Bool
    public var renderers: [Renderer]
    /// Speakers of one family (espeak's robosoft…robosoft8, iven…iven4) sound alike, so a split
    /// keeps a family together.
    public var family: String
    /// For a voice of another language that says respelled English words: which language. Such
    /// speakers only ever train (`VoiceCatalogue.accentedSpeakers`).
    public var accent: Accent? = nil
}

/// Every usable timbre of espeak-ng, flite and festival on Debian 12 (measured in
/// `/work/shared/notes/DATA.md` and again when this catalogue was made; see `excludedVariants`).
public enum VoiceCatalogue {
    /// espeak-ng's English accents. Accent is a per-clip choice, not a speaker: the split unit is the
    /// variant's timbre.
    public static let espeakAccents = [
        "en-us", "en-gb", "en-gb-scotland", "en-gb-x-rp", "en-gb-x-gbclan", "en-gb-x-gbcwmd", "en-029", "en-us-nyc",
    ]

    /// espeak-ng 1.51's variants (`espeak-ng --voices=variant`) with the gender it lists.
    static let espeakVariants: [(String, Gender)] = [
        ("adam", .male), ("Alex", .male), ("Alicia", .female), ("Andrea", .female), ("Andy", .male),
        ("anika", .female), ("anikaRobot", .female), ("Annie", .female), ("announcer", .male),
        ("antonio", .male), ("AnxiousAndy", .male), ("aunty", .female), ("belinda", .female),
        ("benjamin", .male), ("boris", .male), ("caleb", .male), ("croak", .male), ("david", .male),
        ("Demonic", .male), ("Denis", .male), ("Diogo", .male), ("ed", .male), ("edward", .male),
        ("edward2", .male), ("f1", .female), ("f2", .female), ("f3", .female), ("f4", .female),
        ("f5", .female), ("fast", .male), ("Gene", .male), ("Gene2", .male), ("grandma", .female),
        ("grandpa", .male), ("gustave", .male), ("Henrique", .male), ("Hugo", .male), ("iven", .male),
        ("iven2", .male), ("iven3", .male), ("iven4", .male), ("Jacky", .male), ("john", .male),
        ("kaukovalta", .male), ("klatt", .male), ("klatt2", .male), ("klatt3", .male), ("klatt4", .male),
        ("klatt5", .male), ("klatt6", .male), ("Lee", .male), ("linda", .female), ("m1", .male),
        ("m2", .male), ("m3", .male), ("m4", .male), ("m5", .male), ("m6", .male), ("m7", .male),
        ("m8", .male), ("marcelo", .male), ("Marco", .male), ("Mario", .male), ("max", .male),
        ("Michael", .male), ("michel", .male), ("miguel", .male), ("Mike", .male), ("Mr serious", .male),
        ("Nguyen", .male), ("norbert", .male), ("pablo", .male), ("paul", .male), ("pedro", .male),
        ("quincy", .male), ("RicishayMax", .male), ("RicishayMax2", .male), ("RicishayMax3", .male),
        ("rob", .male), ("robert", .male), ("robosoft", .male), ("robosoft2", .male), ("robosoft3", .male),
        ("robosoft4", .male), ("robosoft5", .male), ("robosoft6", .male), ("robosoft7", .male),
        ("robosoft8", .male), ("sandro", .male), ("shelby", .male), ("steph", .female), ("steph2", .female),
        ("steph3", .female), ("Storm", .male), ("travis", .male), ("Tweaky", .male), ("UniRobot", .male),
        ("victor", .male), ("whisper", .male), ("whisperf", .female), ("zac", .male),
    ]

    /// Variants left out, and why. The first ten are named hard to understand in DATA.md; Marco and
    /// david scored lowest (0–2 of 20 words) in two runs of pocketsphinx over all variants; the last
    /// three give byte-identical audio to another voice.
    public static let excludedVariants: [String: String] = [
        "Alicia": "hard to understand (DATA.md)", "Andrea": "hard to understand (DATA.md)",
        "Lee": "hard to understand (DATA.md)", "kaukovalta": "hard to understand (DATA.md)",
        "marcelo": "hard to understand (DATA.md)", "gustave": "hard to understand (DATA.md)",
        "norbert": "hard to understand (DATA.md)", "zac": "hard to understand (DATA.md)",
        "Tweaky": "hard to understand (DATA.md)", "Demonic": "hard to understand (DATA.md)",
        "Marco": "least intelligible to pocketsphinx, and slow", "david": "least intelligible to pocketsphinx",
        "fast": "identical to the accent's own voice", "klatt6": "identical to klatt", "caleb": "identical to klatt",
    ]

    /// The five voices recorded from real people. kal and slt are available from two engines each;
    /// flite's `kal` (8 kHz) is left out in favour of `kal16`.
    static let recordedSpeakers: [Speaker] = [
        Speaker(id: "kal", gender: .male, recorded: true,
                renderers: [Renderer(.flite, "kal16"), Renderer(.festival, "kal_diphone")], family: "kal"),
        Speaker(id: "ked", gender: .male, recorded: true, renderers: [Renderer(.festival, "ked_diphone")], family: "ked"),
        Speaker(id: "rms", gender: .male, recorded: true, renderers: [Renderer(.flite, "rms")], family: "rms"),
        Speaker(id: "awb", gender: .male, recorded: true, renderers: [Renderer(.flite, "awb")], family: "awb"),
        Speaker(id: "slt", gender: .female, recorded: true,
                renderers: [Renderer(.flite, "slt"), Renderer(.festival, "cmu_us_slt_arctic_hts")], family: "slt"),
    ]

    /// Festival's voices of other languages, each recorded from one person, saying the core words
    /// respelled in their language (`Accent`). They train only: a test on them would measure the
    /// respelling. Left out: the Hindi, Marathi and Telugu voices (they fail to load on Debian 12:
    /// their phone set files are missing) and the Russian one (Cyrillic respellings in UTF-8 came out
    /// as 20 wrong words of 20 to the default model; in KOI8-R, as no audio).
    public static let accentedSpeakers: [Speaker] = [
        accented("cs-dita", .female, "czech_dita", .czech), accented("cs-krb", .male, "czech_krb", .czech),
        accented("cs-machac", .male, "czech_machac", .czech), accented("cs-ph", .male, "czech_ph", .czech),
        accented("it-pc", .male, "pc_diphone", .italian), accented("it-lp", .female, "lp_diphone", .italian),
        accented("fi-mv", .male, "hy_fi_mv_diphone", .finnish), accented("fi-lj", .female, "suo_fi_lj_diphone", .finnish),
        accented("ca-ona", .female, "upc_ca_ona_hts", .catalan),
    ]

    private static func accented(_ id: String, _ gender: Gender, _ voice: String, _ accent: Accent) -> Speaker {
        Speaker(id: id, gender: gender, recorded: true, renderers: [Renderer(.festival, voice)], family: id, accent: accent)
    }

    /// The festival voices and the Debian package of each.
    public static let festivalPackages: [String: String] = [
        "kal_diphone": "festvox-kallpc16k", "ked_diphone": "festvox-kdlpc16k", "cmu_us_slt_arctic_hts": "festvox-us-slt-hts",
        "czech_dita": "festvox-czech-dita", "czech_krb": "festvox-czech-krb", "czech_machac": "festvox-czech-machac",
        "czech_ph": "festvox-czech-ph", "pc_diphone": "festvox-itapc16k", "lp_diphone": "festvox-italp16k",
        "hy_fi_mv_diphone": "festvox-suopuhe-mv", "suo_fi_lj_diphone": "festvox-suopuhe-lj", "upc_ca_ona_hts": "festvox-ca-ona-hts",
    ]

    /// Every package the full catalogue needs, for error messages and scripts.
    public static let installCommand = "apt-get install espeak-ng flite festival sox "
        + Set(festivalPackages.values).sorted().joined(separator: " ")

    /// espeak's timbres among `speakers` (the training ones, when planning) as speakers of the accents'
    /// languages (`Accent.espeakLanguage`) saying respelled English: the same timbres with other
    /// vowels, consonants and rhythm, as people with those first languages speak English. Their own
    /// ids (`<id>-accented`), so that file names stay apart from the English clips'.
    public static func espeakAccented(_ speakers: [Speaker]) -> [Speaker] {
        speakers.filter { $0.renderers.allSatisfy { $0.engine == .espeak } }.map { speaker in
            var accented = speaker
            accented.id = speaker.id + "-accented"
            accented.family = speaker.family + "-accented"
            return accented
        }
    }

    /// The accented speakers, if festival is among `engines`.
    public static func accentedSpeakers(engines: Set<Engine>) -> [Speaker] {
        engines.contains(.festival) ? accentedSpeakers : []
    }

    /// The speakers whose engines are all in `engines` (renderers of other engines are dropped; a
    /// speaker left with none is dropped), sorted by id.
    public static func speakers(engines: Set<Engine> = Set(Engine.allCases)) -> [Speaker] {
        var result = [Speaker]()
        if engines.contains(.espeak) {
            result.append(Speaker(id: "espeak-base", gender: .male, recorded: false,
                                  renderers: [Renderer(.espeak, nil)], family: "espeak-base"))
            for (variant, gender) in espeakVariants where excludedVariants[variant] == nil {
                let renderer = Renderer(.espeak, variant)
                result.append(Speaker(id: renderer.id, gender: gender, recorded: false, renderers: [renderer],
                                      family: family(of: renderer.id)))
            }
        }
        for var speaker in recordedSpeakers {
            speaker.renderers = speaker.renderers.filter { engines.contains($0.engine) }
            if !speaker.renderers.isEmpty { result.append(speaker) }
        }
        return result.sorted { $0.id < $1.id }
    }

    /// Lowercase, with anything but letters and digits turned into `-` (so ids never hold `_`,
    /// which Speech Commands file names use as a separator).
    public static func slug(_ name: String) -> String {
        String(name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" })
    }

    /// `espeak-robosoft3` → `espeak-robosoft`; espeak's numbered male and female voices (m1…m8, f1…f5)
    /// are distinct settings, each its own family.
    static func family(of id: String) -> String {
        let name = id.dropFirst("espeak-".count)
        if name.count == 2, let first = name.first, first == "m" || first == "f", name.last!.isNumber { return id }
        return String(id.reversed().drop(while: \.isNumber).reversed())
    }
}
