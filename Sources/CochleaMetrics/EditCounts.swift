/// How a hypothesis differs from its reference, counted in tokens (words or characters, whichever
/// was aligned): the tallies of a minimum-edit Levenshtein alignment with unit costs. Values add up
/// over a corpus with `+`.
public struct EditCounts: Hashable, Sendable, CustomStringConvertible {
    /// Reference tokens that the hypothesis has unchanged, in tokens.
    public var hits: Int
    /// Reference tokens replaced by a different hypothesis token, in tokens.
    public var substitutions: Int
    /// Reference tokens missing from the hypothesis, in tokens.
    public var deletions: Int
    /// Hypothesis tokens with no reference token, in tokens.
    public var insertions: Int

    public init(hits: Int = 0, substitutions: Int = 0, deletions: Int = 0, insertions: Int = 0) {
        self.hits = hits
        self.substitutions = substitutions
        self.deletions = deletions
        self.insertions = insertions
    }

    /// S + D + I, the edit distance, in tokens.
    public var errors: Int { substitutions + deletions + insertions }

    /// H + S + D, the number of reference tokens.
    public var referenceLength: Int { hits + substitutions + deletions }

    /// H + S + I, the number of hypothesis tokens.
    public var hypothesisLength: Int { hits + substitutions + insertions }

    /// (S + D + I) / reference tokens, as a fraction (0.25 is 25 %; it can exceed 1 through
    /// insertions). An empty reference follows Kaldi's compute-wer, which counts the insertions
    /// (jiwer refuses such input): the rate is 0 when the hypothesis is empty too and +infinity
    /// otherwise, so that the errors are never silently dropped.
    public var errorRate: Double {
        Self.rate(errors: errors, referenceLength: referenceLength)
    }

    static func rate(errors: Int, referenceLength: Int) -> Double {
        if referenceLength > 0 { return Double(errors) / Double(referenceLength) }
        return errors == 0 ? 0 : .infinity
    }

    public static func + (left: EditCounts, right: EditCounts) -> EditCounts {
        EditCounts(
            hits: left.hits + right.hits, substitutions: left.substitutions + right.substitutions,
            deletions: left.deletions + right.deletions, insertions: left.insertions + right.insertions)
    }

    public static func += (left: inout EditCounts, right: EditCounts) { left = left + right }

    public var description: String {
        "H=\(hits) S=\(substitutions) D=\(deletions) I=\(insertions)"
    }
}
