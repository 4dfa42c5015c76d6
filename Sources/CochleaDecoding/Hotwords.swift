/// Words to favour in a beam search, each with a weight in nats (natural-log units) added to the
/// score of every hypothesis that contains the whole word.
///
/// Cost: the words form one character trie. A hypothesis keeps its place in that trie for the word
/// it is spelling; each extension moves one edge (a short scan of one node's children) and adds
/// the difference of two precomputed bonuses, so the cost per extension does not grow with the
/// number of hotwords.
///
/// Provisional bonus: a hypothesis that has spelt the first d characters of a hotword w of length
/// L already carries weight(w)·d/L (the largest over the hotwords through that trie node), so that
/// a boosted word can survive the beam before it is finished. When the word ends (a word separator
/// or the end of the utterance) the provisional bonus is replaced by the weight of the hotword
/// spelt exactly, or 0; a character that leaves the trie removes it at once. A finished hypothesis
/// therefore carries exactly the weights of the hotwords among its words.
public struct Hotwords: Sendable {
    public struct Entry: Equatable, Sendable {
        public var word: String
        public var weight: Double
        public init(word: String, weight: Double) {
            self.word = word
            self.weight = weight
        }
    }

    /// The default weight: e³ ≈ 20 times more likely.
    public static let defaultWeight = 3.0

    public let entries: [Entry]
    public let trie: WordTrie
    /// Per trie node: the provisional bonus while spelling.
    public let provisional: [Float]
    /// Per trie node: the bonus if the word ends here (the hotword's weight, or 0).
    public let final: [Float]

    public init(_ entries: [Entry], spelling: TokenSpelling) throws {
        self.entries = entries
        let spellings = try entries.map { try spelling.spell($0.word) }
        trie = WordTrie(words: entries.map(\.word), spellings: spellings)
        var provisional = [Float](repeating: 0, count: trie.nodeCount)
        var final = [Float](repeating: 0, count: trie.nodeCount)
        for (entry, letters) in zip(entries, spellings) {
            var node: Int32 = 0
            for (d, token) in letters.enumerated() {
                node = trie.child(node, Int32(token))
                provisional[Int(node)] = max(provisional[Int(node)], Float(entry.weight * Double(d + 1) / Double(letters.count)))
            }
            // A repeated word keeps its largest weight.
            final[Int(node)] = max(final[Int(node)], Float(entry.weight))
        }
        self.provisional = provisional
        self.final = final
    }

    /// "word" or "word:weight", as the CLI takes them; throws for a weight that is not a finite number.
    public static func parseEntry(_ text: String) throws -> Entry {
        guard let colon = text.lastIndex(of: ":") else { return Entry(word: text, weight: defaultWeight) }
        let word = String(text[..<colon]), weightText = String(text[text.index(after: colon)...])
        guard let weight = Double(weightText), weight.isFinite else {
            throw VocabularyError.unreadable(path: "hotword \"\(text)\"", reason: "the weight after ':' must be a number, found \"\(weightText)\"")
        }
        return Entry(word: word, weight: weight)
    }
}
