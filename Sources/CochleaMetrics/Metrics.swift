import CochleaCore

/// Word and character error rates, alignments and transcript files.
///
/// - `TranscriptScorer` scores one pair at a time (counts or a full alignment).
/// - `Metrics.score` scores a corpus on several threads and adds it up in an `ErrorCounts`.
/// - `TranscriptFile` reads Kaldi-style and sclite trn transcripts, `TranscriptPairing` matches
///   hypotheses to references by utterance id, `TrnWriter` writes trn files for sclite.
public enum Metrics {
    /// Scores every pair on `threads` threads (each with its own `TranscriptScorer`) and adds up the
    /// corpus. `utterances` of the result is in the order of `pairs`.
    public static func score(_ pairs: [UtterancePair], threads: Int = 1, options: ScoringOptions = .all) -> CorpusScore {
        scoreAll(count: pairs.count, threads: threads) { scorer, totals, i in
            let pair = pairs[i]
            let words = options.contains(.confusions)
                ? scorer.tallyWordErrors(reference: pair.reference, hypothesis: pair.hypothesis, into: &totals)
                : scorer.wordCounts(reference: pair.reference, hypothesis: pair.hypothesis)
            let characters = options.contains(.characters)
                ? scorer.characterCounts(reference: pair.reference, hypothesis: pair.hypothesis) : EditCounts()
            totals.add(words: words, characters: characters)
            return UtteranceScore(words: words, characters: characters)
        }
    }

    /// As `score(_:threads:options:)` for raw texts: `references[i]` is scored against `hypotheses[i]`.
    public static func score(
        references: [String], hypotheses: [String], threads: Int = 1, options: ScoringOptions = .all
    ) -> CorpusScore {
        precondition(references.count == hypotheses.count, "\(references.count) references but \(hypotheses.count) hypotheses")
        return scoreAll(count: references.count, threads: threads) { scorer, totals, i in
            let reference = references[i], hypothesis = hypotheses[i]
            let words = options.contains(.confusions)
                ? scorer.tallyWordErrors(reference: reference, hypothesis: hypothesis, into: &totals)
                : scorer.wordCounts(reference: reference, hypothesis: hypothesis)
            let characters = options.contains(.characters)
                ? scorer.characterCounts(reference: reference, hypothesis: hypothesis) : EditCounts()
            totals.add(words: words, characters: characters)
            return UtteranceScore(words: words, characters: characters)
        }
    }

    private final class Worker {
        var scorer = TranscriptScorer()
        var totals = ErrorCounts()
    }

    private static func scoreAll(
        count: Int, threads: Int, _ scoreOne: (inout TranscriptScorer, inout ErrorCounts, Int) -> UtteranceScore
    ) -> CorpusScore {
        precondition(threads >= 1, "threads must be at least 1, got \(threads)")
        // The workers are kept here, not only inside Parallel.forEach, to collect their totals afterwards.
        let workers = (0..<threads).map { _ in Worker() }
        let utterances = [UtteranceScore](unsafeUninitializedCapacity: count) { buffer, initialized in
            let base = buffer.baseAddress
            // Pairs are handed out in chunks: one lock per pair would cost as much as scoring it.
            let chunk = max(1, min(64, count / (threads * 16)))
            let chunks = (count + chunk - 1) / chunk
            Parallel.forEach(count: chunks, threads: threads, makeWorker: { workers[$0] }) { worker, c in
                for i in (c * chunk)..<min(count, (c + 1) * chunk) {
                    (base! + i).initialize(to: scoreOne(&worker.scorer, &worker.totals, i))
                }
            }
            initialized = count
        }
        let totals = workers.reduce(into: ErrorCounts()) { $0 += $1.totals }
        return CorpusScore(utterances: utterances, totals: totals)
    }
}

/// What `Metrics.score` computes beyond word counts.
public struct ScoringOptions: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Character counts (for the CER), at about the cost of the word counts again times the word length.
    public static let characters = ScoringOptions(rawValue: 1)
    /// The confusion tables of `ErrorCounts` (substituted, deleted and inserted words).
    public static let confusions = ScoringOptions(rawValue: 2)
    public static let all: ScoringOptions = [.characters, .confusions]
}

/// One utterance to score: its id, and its reference and hypothesis split into words.
public struct UtterancePair: Hashable, Sendable {
    public var id: String
    public var reference: [String]
    public var hypothesis: [String]

    public init(id: String, reference: [String], hypothesis: [String]) {
        self.id = id
        self.reference = reference
        self.hypothesis = hypothesis
    }
}

/// The tallies of one utterance.
public struct UtteranceScore: Hashable, Sendable {
    /// In words.
    public var words: EditCounts
    /// In Unicode scalars; zero unless characters were scored.
    public var characters: EditCounts
}

/// The result of scoring a corpus: per utterance, in input order, and in total.
public struct CorpusScore: Sendable {
    public var utterances: [UtteranceScore]
    public var totals: ErrorCounts
}
