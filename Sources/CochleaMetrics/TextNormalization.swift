/// What is done to transcript words before scoring. The default is nothing: words are compared
/// exactly as written, case-sensitively, as Kaldi's compute-wer does (sclite needs `-s` to agree).
public enum TextNormalization: String, Sendable, CaseIterable {
    /// Words as written.
    case none
    /// Lowercase every word (Unicode full case mapping) and delete every Unicode punctuation
    /// character (general category P: apostrophes, hyphens, periods, brackets, quotes, ...), the
    /// way jiwer's `ToLowerCase` and `RemovePunctuation` do: "Don't" becomes "dont" and
    /// "well-known" becomes "wellknown". A word left empty (a lone "—") is dropped.
    /// Symbols (category S: "$", "+", "€") are kept.
    case lowercaseWithoutPunctuation

    /// `words` normalised; may be shorter than `words` when a word is all punctuation.
    public func apply(toWords words: [String]) -> [String] {
        switch self {
        case .none: return words
        case .lowercaseWithoutPunctuation: return words.compactMap(Self.lowercasedWithoutPunctuation)
        }
    }

    /// `text` split at ASCII whitespace, normalised, and joined with single spaces.
    public func apply(to text: String) -> String {
        let words = text.split(whereSeparator: { $0.isASCII && $0.isWhitespace }).map(String.init)
        return apply(toWords: words).joined(separator: " ")
    }

    private static func lowercasedWithoutPunctuation(_ word: String) -> String? {
        var scalars = String.UnicodeScalarView()
        for scalar in word.lowercased().unicodeScalars where !isPunctuation(scalar) { scalars.append(scalar) }
        return scalars.isEmpty ? nil : String(scalars)
    }

    private static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }
}
