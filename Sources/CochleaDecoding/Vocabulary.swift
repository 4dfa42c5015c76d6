import Foundation

/// What can go wrong when words given by a user (keywords, a lexicon, hotwords) meet the model's tokens.
public enum VocabularyError: Error, CustomStringConvertible, Equatable {
    /// The word uses characters that no token of the model spells.
    case unspellable(word: String, characters: [Character])
    case emptyWord(context: String)
    /// The model has no " " token, so it cannot separate words.
    case noWordSeparator
    case unreadable(path: String, reason: String)
    case emptyVocabulary(context: String)

    public var description: String {
        switch self {
        case let .unspellable(word, characters):
            let list = characters.map { "'\($0)'" }.joined(separator: ", ")
            return "\"\(word)\" has characters that the model's tokens cannot spell: \(list)"
        case .emptyWord(let context): return "\(context): empty word"
        case .noWordSeparator: return "the model has no \" \" token to separate words"
        case let .unreadable(path, reason): return "\(path): \(reason)"
        case .emptyVocabulary(let context): return "\(context): no words"
        }
    }
}

/// The model's tokens as a spelling alphabet: index 0 is the CTC blank, " " separates words, every
/// other token is one character.
public struct TokenSpelling: Sendable {
    public let tokens: [String]
    public let separator: Int?
    private let ids: [Character: Int]

    public init(tokens: [String]) {
        self.tokens = tokens
        separator = tokens.firstIndex(of: " ")
        var ids = [Character: Int]()
        for (i, token) in tokens.enumerated() where i > 0 && token.count == 1 && token != " " {
            ids[token.first!] = ids[token.first!] ?? i
        }
        self.ids = ids
    }

    /// Token ids of `word`; the word as written, else in lower case (ARPA files from LibriSpeech are
    /// upper case). Throws naming the characters that neither spelling has.
    public func spell(_ word: String) throws -> [Int] {
        guard !word.isEmpty else { throw VocabularyError.emptyWord(context: "a word") }
        if let exact = try? spellExactly(word) { return exact }
        return try spellExactly(word.lowercased())
    }

    private func spellExactly(_ word: String) throws -> [Int] {
        var missing = [Character]()
        var result = [Int]()
        for character in word {
            if let id = ids[character] { result.append(id) } else if !missing.contains(character) { missing.append(character) }
        }
        guard missing.isEmpty else { throw VocabularyError.unspellable(word: word, characters: missing) }
        return result
    }

    public func text(_ ids: [Int]) -> String { ids.map { tokens[$0] }.joined() }
}

/// A character trie of words over token ids. Node 0 is the root (no characters); each node knows
/// the word that ends there, if any. Children are stored contiguously per node (compressed rows),
/// so that a node's few children are a short scan and all of a node's extensions can be listed.
public struct WordTrie: Sendable {
    /// The words as given, indexed by word id.
    public let words: [String]
    /// children of node n: edges firstEdge[n] ..< firstEdge[n + 1].
    @usableFromInline let firstEdge: [Int32]
    @usableFromInline let edgeToken: [Int32]
    @usableFromInline let edgeTarget: [Int32]
    /// Per node: the word ending here, or −1.
    public let wordAt: [Int32]
    /// Per node: characters from the root.
    public let depth: [Int32]

    public var nodeCount: Int { wordAt.count }

    /// `spellings[i]` is the token ids of `words[i]`; empty spellings are ignored, duplicates keep the first id.
    public init(words: [String], spellings: [[Int]]) {
        precondition(words.count == spellings.count)
        self.words = words
        var children = [[Int32: Int32]()]
        var wordAt: [Int32] = [-1], depth: [Int32] = [0]
        for (w, spelling) in spellings.enumerated() where !spelling.isEmpty {
            var node: Int32 = 0
            for token in spelling {
                if let next = children[Int(node)][Int32(token)] {
                    node = next
                } else {
                    let next = Int32(children.count)
                    children[Int(node)][Int32(token)] = next
                    children.append([:])
                    wordAt.append(-1)
                    depth.append(depth[Int(node)] + 1)
                    node = next
                }
            }
            if wordAt[Int(node)] < 0 { wordAt[Int(node)] = Int32(w) }
        }
        var first = [Int32](), tokens = [Int32](), targets = [Int32]()
        for table in children {
            first.append(Int32(tokens.count))
            for (token, target) in table.sorted(by: { $0.key < $1.key }) {
                tokens.append(token)
                targets.append(target)
            }
        }
        first.append(Int32(tokens.count))
        firstEdge = first
        edgeToken = tokens
        edgeTarget = targets
        self.wordAt = wordAt
        self.depth = depth
    }

    /// Spells every word with `spelling` (throwing for the first that it cannot spell).
    public init(words: [String], spelling: TokenSpelling) throws {
        self.init(words: words, spellings: try words.map { try spelling.spell($0) })
    }

    /// The child of `node` along `token`, or −1.
    @inlinable
    public func child(_ node: Int32, _ token: Int32) -> Int32 {
        var e = Int(firstEdge[Int(node)])
        let end = Int(firstEdge[Int(node) + 1])
        while e < end {
            if edgeToken[e] == token { return edgeTarget[e] }
            e += 1
        }
        return -1
    }

    /// The edges of `node`: indices into `edgeToken`/`edgeTarget`.
    @inlinable
    public func edges(_ node: Int32) -> Range<Int> { Int(firstEdge[Int(node)])..<Int(firstEdge[Int(node) + 1]) }
}

/// Word lists from users: comma-separated keywords or a lexicon file with one word per line.
public enum WordList {
    /// "yes, no,up" → ["yes", "no", "up"]; empty items are an error naming the list.
    public static func parse(commaSeparated text: String) throws -> [String] {
        let words = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        if words.contains(where: \.isEmpty) { throw VocabularyError.emptyWord(context: "keyword list \"\(text)\"") }
        return words
    }

    /// One word per line; blank lines and lines starting with # are skipped. A line with several
    /// whitespace-separated fields takes the first (so a pronunciation lexicon also reads).
    public static func read(path: String) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw VocabularyError.unreadable(path: path, reason: "cannot read the lexicon file")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw VocabularyError.unreadable(path: path, reason: "not UTF-8 text") }
        var words = [String](), seen = Set<String>()
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#"), let first = trimmed.split(whereSeparator: \.isWhitespace).first else { continue }
            if seen.insert(String(first)).inserted { words.append(String(first)) }
        }
        if words.isEmpty { throw VocabularyError.emptyVocabulary(context: path) }
        return words
    }
}
