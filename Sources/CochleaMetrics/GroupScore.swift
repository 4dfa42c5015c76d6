/// The tallies of one group of a corpus's utterances: one speaker's, or the single-word ones.
public struct GroupScore: Hashable, Sendable {
    public var key: String
    /// In words.
    public var words = EditCounts()
    /// In Unicode scalars; zero unless characters were scored.
    public var characters = EditCounts()
    public var utterances = 0
    /// Utterances with at least one word error.
    public var utterancesWithErrors = 0

    public init(key: String) {
        self.key = key
    }

    /// (S + D + I) / reference words of the group, as a fraction (see `EditCounts.errorRate`).
    public var wordErrorRate: Double { words.errorRate }
    /// (S + D + I) / reference characters of the group, as a fraction.
    public var characterErrorRate: Double { characters.errorRate }

    /// Whether this group reads worse than `other`: higher WER, then more errors, then key order.
    public func isWorse(than other: GroupScore) -> Bool {
        if wordErrorRate != other.wordErrorRate { return wordErrorRate > other.wordErrorRate }
        if words.errors != other.words.errors { return words.errors > other.words.errors }
        return key < other.key
    }
}

extension CorpusScore {
    /// The utterances' tallies added up per key, groups in the order their keys first occur.
    /// - Parameter keys: one per utterance, in the order of `utterances`; nil leaves it out.
    public func grouped(by keys: [String?]) -> [GroupScore] {
        precondition(keys.count == utterances.count, "\(keys.count) keys for \(utterances.count) utterances")
        var groups = [GroupScore](), position = [String: Int]()
        for (score, key) in zip(utterances, keys) {
            guard let key else { continue }
            let index = position[key] ?? {
                groups.append(GroupScore(key: key))
                position[key] = groups.count - 1
                return groups.count - 1
            }()
            groups[index].words += score.words
            groups[index].characters += score.characters
            groups[index].utterances += 1
            if score.words.errors > 0 { groups[index].utterancesWithErrors += 1 }
        }
        return groups
    }
}
