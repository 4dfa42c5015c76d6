/// A language whose festival voices can say the core words with an accent, given each word spelled
/// as a speaker of that language would write what they hear. Debian's English voices come from five
/// people; its Czech, Italian, Finnish and Catalan voices add nine more (four of them women, one a
/// child), and accented English is what many of the people a model will hear speak.
public enum Accent: String, CaseIterable, Sendable {
    case czech, italian, finnish, catalan

    /// How a speaker of the language would spell each core word, in its own orthography, in ASCII
    /// only (which every voice reads alike, whatever 8-bit encoding it expects for other letters).
    var spellings: [String: String] {
        switch self {
        case .czech:
            // j = [j], ou and aj are diphthongs as in English "go" and "right".
            return Self.table("jes nou ap daun left rajt on of stop gou zirou van tu tri for fajv siks sevn ejt najn")
        case .italian:
            // No k or y in Italian: "sics" for six, "ies" for yes; z is voiced in "ziro".
            return Self.table("ies nou ap daun left rait on of stop gou ziro uan tu tri for faiv sics seven eit nain")
        case .finnish:
            // Doubled letters are long sounds; no z in Finnish, so zero starts with s.
            return Self.table("jes nou ap daun left rait on of stop gou siirou van tuu trii foor faiv siks seven eit nain")
        case .catalan:
            // "nou" is a Catalan word ([nɔw]); j would be [ʒ], so yes is "ies".
            return Self.table("ies nou ap daun left rait on of stop gou ziro uan tu tri for faiv sics seven eit nain")
        }
    }

    /// The transcript respelled word by word; nil if a word has no spelling in this language.
    public func respell(_ transcript: String) -> String? {
        let table = spellings  // built on each access: once per transcript, not once per word
        var words = [String]()
        for word in transcript.split(separator: " ") {
            guard let spelling = table[String(word)] else { return nil }
            words.append(spelling)
        }
        return words.joined(separator: " ")
    }

    /// Whether every accent can say `word`.
    public static func everyAccentSays(_ word: String) -> Bool {
        allCases.allSatisfy { $0.spellings[word] != nil }
    }

    /// espeak-ng's language for the accent: its rules read the respelled words as that language's
    /// speakers would, in any of espeak's timbres (`VoiceCatalogue.espeakAccented`).
    public var espeakLanguage: String {
        switch self {
        case .czech: return "cs"
        case .italian: return "it"
        case .finnish: return "fi"
        case .catalan: return "ca"
        }
    }

    /// The accent of an espeak-ng voice (`language+variant`), if its language is one of the accents'.
    public static func of(espeakVoice voice: String) -> Accent? {
        let language = voice.split(separator: "+").first.map(String.init)
        return allCases.first { $0.espeakLanguage == language }
    }

    /// The accent a plan item's voice speaks with: an accented festival voice's, or an espeak voice's
    /// language's; nil for English.
    public static func of(_ item: PlanItem) -> Accent? {
        switch item.engine {
        case .festival: return of(festivalVoice: item.voice)
        case .espeak: return of(espeakVoice: item.voice)
        case .flite, .piper, nil: return nil
        }
    }

    /// The accent of a festival voice, if it is one of the accented voices.
    public static func of(festivalVoice voice: String) -> Accent? {
        VoiceCatalogue.accentedSpeakers.first { $0.renderers.contains { $0.engine == .festival && $0.voice == voice } }?.accent
    }

    private static func table(_ spellings: String) -> [String: String] {
        let words = spellings.split(separator: " ").map(String.init)
        precondition(words.count == CorpusOptions.coreWords.count, "one spelling per core word")
        return Dictionary(uniqueKeysWithValues: zip(CorpusOptions.coreWords, words))
    }
}
