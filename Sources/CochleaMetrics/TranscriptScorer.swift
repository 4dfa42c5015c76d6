/// Scores hypotheses against references, one pair at a time, reusing its buffers from pair to pair:
/// make one per thread and call it for every pair that thread handles.
///
/// Texts are split into words at ASCII whitespace; words are compared byte for byte (case-sensitive,
/// no Unicode normalisation, like Kaldi's compute-wer and jiwer; normalise first with
/// `TextNormalization` if wanted). Characters are the Unicode scalars of the words joined by single
/// spaces, so the space between two words counts as a character, as in jiwer's CER.
/// Alignments are minimum-edit (Levenshtein, unit costs); among equally short ones the same is
/// chosen as jiwer 4 (RapidFuzz) chooses, so even the split between S, D and I agrees with jiwer.
/// An empty reference is allowed: every hypothesis token counts as an insertion (as in Kaldi).
public struct TranscriptScorer {
    private var tokens = PairTokens()
    private var workspace = LevenshteinWorkspace()
    private var steps: [EditStep] = []

    public init() {}

    /// Word hits, substitutions, deletions and insertions of `hypothesis` against `reference`, in words.
    public mutating func wordCounts(reference: String, hypothesis: String) -> EditCounts {
        loadWords { $0.appendWords(of: reference, to: .reference); $0.appendWords(of: hypothesis, to: .hypothesis) }
        return currentCounts()
    }

    /// As `wordCounts(reference:hypothesis:)`, for texts already split into words.
    public mutating func wordCounts(reference: [String], hypothesis: [String]) -> EditCounts {
        loadWords { $0.appendWords(reference, to: .reference); $0.appendWords(hypothesis, to: .hypothesis) }
        return currentCounts()
    }

    /// Character hits, substitutions, deletions and insertions, in Unicode scalars.
    public mutating func characterCounts(reference: String, hypothesis: String) -> EditCounts {
        tokens.reset()
        tokens.appendCharacters(of: reference, to: .reference)
        tokens.appendCharacters(of: hypothesis, to: .hypothesis)
        return currentCounts()
    }

    /// As `characterCounts(reference:hypothesis:)`, for texts already split into words.
    public mutating func characterCounts(reference: [String], hypothesis: [String]) -> EditCounts {
        tokens.reset()
        tokens.appendCharacters(of: reference, to: .reference)
        tokens.appendCharacters(of: hypothesis, to: .hypothesis)
        return currentCounts()
    }

    /// The word alignment, for showing each error; its `counts` equal `wordCounts`.
    public mutating func wordAlignment(reference: String, hypothesis: String) -> Alignment {
        loadWords { $0.appendWords(of: reference, to: .reference); $0.appendWords(of: hypothesis, to: .hypothesis) }
        return currentAlignment { tokens, side, index in tokens.word(at: side, index) }
    }

    /// As `wordAlignment(reference:hypothesis:)`, for texts already split into words.
    public mutating func wordAlignment(reference: [String], hypothesis: [String]) -> Alignment {
        loadWords { $0.appendWords(reference, to: .reference); $0.appendWords(hypothesis, to: .hypothesis) }
        return currentAlignment { tokens, side, index in tokens.word(at: side, index) }
    }

    /// The character alignment; each token is one Unicode scalar, the space between words included.
    public mutating func characterAlignment(reference: String, hypothesis: String) -> Alignment {
        tokens.reset()
        tokens.appendCharacters(of: reference, to: .reference)
        tokens.appendCharacters(of: hypothesis, to: .hypothesis)
        return currentAlignment { tokens, side, index in
            PairTokens.character(side == .reference ? tokens.referenceIDs[index] : tokens.hypothesisIDs[index])
        }
    }

    /// Adds the word errors of the pair to `totals`' confusion tables, making strings only for errors.
    mutating func tallyWordErrors(reference: [String], hypothesis: [String], into totals: inout ErrorCounts) -> EditCounts {
        loadWords { $0.appendWords(reference, to: .reference); $0.appendWords(hypothesis, to: .hypothesis) }
        return tallyCurrentErrors(into: &totals)
    }

    mutating func tallyWordErrors(reference: String, hypothesis: String, into totals: inout ErrorCounts) -> EditCounts {
        loadWords { $0.appendWords(of: reference, to: .reference); $0.appendWords(of: hypothesis, to: .hypothesis) }
        return tallyCurrentErrors(into: &totals)
    }

    // MARK: Internals

    private mutating func loadWords(_ append: (inout PairTokens) -> Void) {
        tokens.reset()
        append(&tokens)
    }

    private mutating func currentCounts() -> EditCounts {
        let reference = tokens.referenceIDs, hypothesis = tokens.hypothesisIDs
        return reference.withUnsafeBufferPointer { ref in
            hypothesis.withUnsafeBufferPointer { hyp in workspace.counts(ref, hyp) }
        }
    }

    private mutating func computeSteps() {
        let reference = tokens.referenceIDs, hypothesis = tokens.hypothesisIDs
        reference.withUnsafeBufferPointer { ref in
            hypothesis.withUnsafeBufferPointer { hyp in workspace.align(ref, hyp, into: &steps) }
        }
    }

    private mutating func currentAlignment(
        _ token: (PairTokens, PairTokens.Side, Int) -> String
    ) -> Alignment {
        computeSteps()
        let alignment = steps.map { step -> AlignmentStep in
            switch step.kind {
            case .match: return .match(token(tokens, .reference, step.referenceIndex))
            case .substitution:
                return .substitution(
                    reference: token(tokens, .reference, step.referenceIndex),
                    hypothesis: token(tokens, .hypothesis, step.hypothesisIndex))
            case .deletion: return .deletion(token(tokens, .reference, step.referenceIndex))
            case .insertion: return .insertion(token(tokens, .hypothesis, step.hypothesisIndex))
            }
        }
        return Alignment(steps: alignment)
    }

    private mutating func tallyCurrentErrors(into totals: inout ErrorCounts) -> EditCounts {
        computeSteps()
        var counts = EditCounts()
        for step in steps {
            counts.record(step.kind)
            switch step.kind {
            case .match: break
            case .substitution:
                let pair = WordPair(
                    reference: tokens.word(at: .reference, step.referenceIndex),
                    hypothesis: tokens.word(at: .hypothesis, step.hypothesisIndex))
                totals.substitutionPairs[pair, default: 0] += 1
            case .deletion: totals.deletedWords[tokens.word(at: .reference, step.referenceIndex), default: 0] += 1
            case .insertion: totals.insertedWords[tokens.word(at: .hypothesis, step.hypothesisIndex), default: 0] += 1
            }
        }
        return counts
    }
}
