/// A reference word and the different word the hypothesis has in its place.
public struct WordPair: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var reference: String
    public var hypothesis: String

    public init(reference: String, hypothesis: String) {
        self.reference = reference
        self.hypothesis = hypothesis
    }

    public static func < (left: WordPair, right: WordPair) -> Bool {
        (left.reference, left.hypothesis) < (right.reference, right.hypothesis)
    }

    public var description: String { "\(reference) → \(hypothesis)" }
}

/// An item and how many times it occurred.
public struct Ranked<Item: Hashable & Sendable>: Hashable, Sendable {
    public var item: Item
    public var count: Int

    public init(item: Item, count: Int) {
        self.item = item
        self.count = count
    }
}

/// Error tallies of a corpus, added up utterance by utterance: word and character counts, sentence
/// errors, and which words were confused, dropped or added. Merge the tallies of two parts of a
/// corpus (two threads, two files) with `+`; the result does not depend on the order.
public struct ErrorCounts: Hashable, Sendable {
    /// Word tallies over all utterances, in words.
    public var words = EditCounts()
    /// Character tallies over all utterances, in Unicode scalars (zero unless characters were scored).
    public var characters = EditCounts()
    /// Utterances added.
    public var utterances = 0
    /// Utterances with at least one word error (sclite's "S.Err").
    public var utterancesWithErrors = 0
    /// How often each reference word was replaced by each other word (empty unless confusions were tallied).
    public var substitutionPairs: [WordPair: Int] = [:]
    /// How often each reference word was missing from the hypothesis.
    public var deletedWords: [String: Int] = [:]
    /// How often each word was inserted in the hypothesis.
    public var insertedWords: [String: Int] = [:]

    public init() {}

    /// Adds one utterance's tallies, without confusions.
    public mutating func add(words: EditCounts, characters: EditCounts = EditCounts()) {
        self.words += words
        self.characters += characters
        utterances += 1
        if words.errors > 0 { utterancesWithErrors += 1 }
    }

    /// Adds one utterance from its word alignment, confusions included.
    public mutating func add(_ wordAlignment: Alignment, characters: EditCounts = EditCounts()) {
        for step in wordAlignment.steps {
            switch step {
            case .match: break
            case .substitution(let reference, let hypothesis):
                substitutionPairs[WordPair(reference: reference, hypothesis: hypothesis), default: 0] += 1
            case .deletion(let word): deletedWords[word, default: 0] += 1
            case .insertion(let word): insertedWords[word, default: 0] += 1
            }
        }
        add(words: wordAlignment.counts, characters: characters)
    }

    /// Word error rate: (S + D + I) / reference words over the whole corpus, as a fraction (not a
    /// mean of per-utterance rates). With no reference words at all: 0 if there are no errors
    /// either, +infinity otherwise (see `EditCounts.errorRate`).
    public var wordErrorRate: Double { words.errorRate }

    /// Character error rate: (S + D + I) / reference characters, as a fraction; the spaces between
    /// words count as characters.
    public var characterErrorRate: Double { characters.errorRate }

    /// Fraction of utterances with at least one word error; 0 for an empty corpus.
    public var sentenceErrorRate: Double {
        utterances == 0 ? 0 : Double(utterancesWithErrors) / Double(utterances)
    }

    /// The `limit` most frequent substitutions, most frequent first (ties in word order).
    public func mostFrequentSubstitutions(limit: Int) -> [Ranked<WordPair>] { Self.top(substitutionPairs, limit) }

    /// The `limit` most often deleted reference words, most frequent first (ties in word order).
    public func mostFrequentDeletions(limit: Int) -> [Ranked<String>] { Self.top(deletedWords, limit) }

    /// The `limit` most often inserted words, most frequent first (ties in word order).
    public func mostFrequentInsertions(limit: Int) -> [Ranked<String>] { Self.top(insertedWords, limit) }

    private static func top<Item: Comparable & Hashable & Sendable>(_ table: [Item: Int], _ limit: Int) -> [Ranked<Item>] {
        precondition(limit >= 0, "limit must not be negative")
        let sorted = table.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        return sorted.prefix(limit).map { Ranked(item: $0.key, count: $0.value) }
    }

    public static func + (left: ErrorCounts, right: ErrorCounts) -> ErrorCounts {
        var sum = left
        sum += right
        return sum
    }

    public static func += (left: inout ErrorCounts, right: ErrorCounts) {
        left.words += right.words
        left.characters += right.characters
        left.utterances += right.utterances
        left.utterancesWithErrors += right.utterancesWithErrors
        left.substitutionPairs.merge(right.substitutionPairs, uniquingKeysWith: +)
        left.deletedWords.merge(right.deletedWords, uniquingKeysWith: +)
        left.insertedWords.merge(right.insertedWords, uniquingKeysWith: +)
    }
}
