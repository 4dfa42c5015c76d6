import CochleaCore
import CochleaMetrics

/// Why `cochlea score` refuses its input, beyond what `TranscriptError` covers.
enum ScoreInputError: Error, CustomStringConvertible {
    /// A reference without utterances would give 0 % WER on nothing; it is almost always a wrong path.
    case emptyReference(path: String)

    var description: String {
        switch self {
        case .emptyReference(let path): return "\(path): no utterances in the reference file (it is empty or blank)"
        }
    }
}

/// Everything one `cochlea score` run found, gathered once, then rendered as text, JSON or TSV.
struct ScoreResults {
    var reference: TranscriptFile
    var hypothesis: TranscriptFile
    var normalization: TextNormalization
    /// One pair per reference utterance, in reference file order.
    var pairs: [UtterancePair]
    var missingHypotheses: [UtteranceLocation]
    var score: CorpusScore
    var charactersScored: Bool
    var confusionsTallied: Bool
    /// Word alignment of each pair with word errors (nil for the others), when requested.
    var alignments: [Alignment?]?

    /// Reads both files, pairs them by id and scores every pair. Throws `TranscriptError` or
    /// `ScoreInputError`; nothing is scored unless both files are sound.
    static func compute(
        referencePath: String, hypothesisPath: String, normalization: TextNormalization,
        threads: Int, options: ScoringOptions, alignments wantAlignments: Bool
    ) throws -> ScoreResults {
        let (reference, hypothesis) = try readBoth(referencePath, hypothesisPath, normalization, threads: threads)
        guard !reference.entries.isEmpty else { throw ScoreInputError.emptyReference(path: referencePath) }
        let pairing = try TranscriptPairing(reference: reference, hypothesis: hypothesis)
        let score = Metrics.score(pairing.pairs, threads: threads, options: options)
        var results = ScoreResults(
            reference: reference, hypothesis: hypothesis, normalization: normalization, pairs: pairing.pairs,
            missingHypotheses: pairing.missingHypotheses, score: score,
            charactersScored: options.contains(.characters), confusionsTallied: options.contains(.confusions))
        if wantAlignments { results.alignments = results.errorAlignments(threads: threads) }
        return results
    }

    /// Parsing the files takes about as long as scoring their words, so the two are read at once.
    /// When both are bad, the reference's error is the one reported, whichever thread finished first.
    private static func readBoth(
        _ referencePath: String, _ hypothesisPath: String, _ normalization: TextNormalization, threads: Int
    ) throws -> (TranscriptFile, TranscriptFile) {
        let paths = [referencePath, hypothesisPath]
        var files = [Result<TranscriptFile, Error>?](repeating: nil, count: 2)
        files.withUnsafeMutableBufferPointer { buffer in
            Parallel.forEach(count: 2, threads: min(threads, 2), makeWorker: { _ in () }) { _, i in
                buffer[i] = Result { try TranscriptFile.read(paths[i], normalization: normalization) }
            }
        }
        return (try files[0]!.get(), try files[1]!.get())
    }

    /// Only utterances with errors are aligned: their steps are what a reader wants to see, and
    /// making strings for every correct word would cost more than the scoring itself.
    private func errorAlignments(threads: Int) -> [Alignment?] {
        var alignments = [Alignment?](repeating: nil, count: pairs.count)
        alignments.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            Parallel.forEach(count: pairs.count, threads: threads, makeWorker: { _ in TranscriptScorer() }) { scorer, i in
                guard score.utterances[i].words.errors > 0 else { return }
                base[i] = scorer.wordAlignment(reference: pairs[i].reference, hypothesis: pairs[i].hypothesis)
            }
        }
        return alignments
    }

    var totals: ErrorCounts { score.totals }

    /// Ids of reference utterances without a hypothesis, for `hyp_missing` in the JSON.
    var missingIDs: Set<String> { Set(missingHypotheses.map(\.id)) }
}

extension TextNormalization {
    /// The name shown in reports.
    var reportName: String {
        switch self {
        case .none: return "none"
        case .lowercaseWithoutPunctuation: return "lowercase-no-punctuation"
        }
    }
}
