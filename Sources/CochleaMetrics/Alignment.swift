/// One column of an alignment between a reference and a hypothesis: the tokens are words or
/// characters (one Unicode scalar each), whichever was aligned.
public enum AlignmentStep: Hashable, Sendable {
    case match(String)
    case substitution(reference: String, hypothesis: String)
    /// A reference token the hypothesis lacks.
    case deletion(String)
    /// A hypothesis token with no reference token.
    case insertion(String)

    /// The reference token of this column, nil for an insertion.
    public var referenceToken: String? {
        switch self {
        case .match(let token), .deletion(let token), .substitution(let token, _): return token
        case .insertion: return nil
        }
    }

    /// The hypothesis token of this column, nil for a deletion.
    public var hypothesisToken: String? {
        switch self {
        case .match(let token), .insertion(let token), .substitution(_, let token): return token
        case .deletion: return nil
        }
    }

    public var isError: Bool {
        if case .match = self { return false }
        return true
    }
}

/// A minimum-edit alignment of a hypothesis against its reference, in reading order, so that a
/// report can show each error in context. Replaying it (keep matches, replace substitutions, drop
/// deletions, add insertions) turns the reference into the hypothesis.
public struct Alignment: Hashable, Sendable {
    public var steps: [AlignmentStep]

    public init(steps: [AlignmentStep]) { self.steps = steps }

    /// The tallies of `steps`, in tokens.
    public var counts: EditCounts {
        var counts = EditCounts()
        for step in steps {
            switch step {
            case .match: counts.hits += 1
            case .substitution: counts.substitutions += 1
            case .deletion: counts.deletions += 1
            case .insertion: counts.insertions += 1
            }
        }
        return counts
    }

    /// The reference tokens, in order.
    public var referenceTokens: [String] { steps.compactMap(\.referenceToken) }

    /// The hypothesis tokens, in order.
    public var hypothesisTokens: [String] { steps.compactMap(\.hypothesisToken) }

    /// Three text lines in sclite's `pralign` layout: reference and hypothesis padded to common
    /// column widths, `***` where a side has no token, and a mark line of S, D and I under the errors.
    /// Widths count Unicode scalars, so wide scripts may not line up exactly.
    public func formatted() -> (reference: String, hypothesis: String, marks: String) {
        var reference = [String](), hypothesis = [String](), marks = [String]()
        for step in steps {
            let left = step.referenceToken ?? "", right = step.hypothesisToken ?? ""
            let width = max(left.unicodeScalars.count, right.unicodeScalars.count, 1)
            func cell(_ token: String?) -> String {
                guard let token else { return String(repeating: "*", count: max(width, 3)) }
                return token + String(repeating: " ", count: max(width, 3) - token.unicodeScalars.count)
            }
            let mark: String
            switch step {
            case .match: mark = ""
            case .substitution: mark = "S"
            case .deletion: mark = "D"
            case .insertion: mark = "I"
            }
            reference.append(cell(step.referenceToken))
            hypothesis.append(cell(step.hypothesisToken))
            marks.append(cell(mark))
        }
        return (reference.joined(separator: " "), hypothesis.joined(separator: " "), marks.joined(separator: " "))
    }
}
