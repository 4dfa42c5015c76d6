/// Characters ↔ class indices. Index 0 is the CTC blank; then space, apostrophe and the letters
/// found in the training transcripts, sorted.
public struct Tokenizer: Equatable, Sendable {
    public let tokens: [String]
    private let index: [Character: Int32]

    public init(tokens: [String]) {
        self.tokens = tokens
        var index = [Character: Int32]()
        for (i, token) in tokens.enumerated().dropFirst() where token.count == 1 { index[token.first!] = Int32(i) }
        self.index = index
    }

    /// The token set of `transcripts`: blank, space, apostrophe, and every letter they use.
    public static func build(from transcripts: [String]) -> Tokenizer {
        var letters = Set<Character>()
        for text in transcripts { for c in text where c.isLetter { letters.insert(c) } }
        return Tokenizer(tokens: ["<blank>", " ", "'"] + letters.sorted().map { String($0) })
    }

    /// Characters a transcript may hold at all: letters, space and apostrophe.
    public static func isTokenCharacter(_ c: Character) -> Bool { c.isLetter || c == " " || c == "'" }

    /// Class indices of `text`, or nil if it holds a character outside the token set.
    public func encode(_ text: String) -> [Int32]? {
        var ids = [Int32]()
        ids.reserveCapacity(text.count)
        for c in text {
            guard let id = index[c] else { return nil }
            ids.append(id)
        }
        return ids
    }

    /// The characters of `text` outside the token set, in order of first appearance.
    public func unknownCharacters(in text: String) -> [Character] {
        var seen = [Character]()
        for c in text where index[c] == nil && !seen.contains(c) { seen.append(c) }
        return seen
    }

    public func decode(_ ids: [Int]) -> String { ids.map { tokens[$0] }.joined() }
}

/// What to do with characters outside the token set (digits, punctuation, symbols).
public enum UnknownCharacterPolicy: String, Codable, CaseIterable, Sendable {
    /// Skip the utterance and list it (the default: nothing is silently changed).
    case skip
    /// Remove the characters and keep the utterance.
    case drop
}
