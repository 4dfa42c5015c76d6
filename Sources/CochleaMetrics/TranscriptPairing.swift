/// Reference and hypothesis utterances matched by id, ready for `Metrics.score`.
///
/// Every reference utterance is scored. One with no hypothesis is paired with an empty hypothesis,
/// so its words all count as deletions, and is listed in `missingHypotheses` for the report. A
/// hypothesis whose id is not in the reference is an error: it usually means the wrong files were
/// given, and scoring it against nothing would hide that.
public struct TranscriptPairing: Sendable {
    /// One pair per reference utterance, in reference file order.
    public var pairs: [UtterancePair]
    /// Reference utterances with no hypothesis (ids and reference line numbers), in reference order.
    public var missingHypotheses: [UtteranceLocation]

    /// Throws `TranscriptError.unknownHypotheses` listing every hypothesis id not in the reference.
    public init(reference: TranscriptFile, hypothesis: TranscriptFile) throws {
        var hypothesisWords = [String: [String]](minimumCapacity: hypothesis.entries.count)
        for entry in hypothesis.entries { hypothesisWords[entry.id] = entry.words }
        let referenceIDs = Set(reference.entries.map(\.id))
        let unknown = hypothesis.entries.filter { !referenceIDs.contains($0.id) }
        guard unknown.isEmpty else {
            throw TranscriptError.unknownHypotheses(
                hypothesisPath: hypothesis.path, referencePath: reference.path,
                locations: unknown.map { UtteranceLocation(id: $0.id, line: $0.line) })
        }
        pairs = []
        pairs.reserveCapacity(reference.entries.count)
        missingHypotheses = []
        for entry in reference.entries {
            let words = hypothesisWords[entry.id]
            if words == nil { missingHypotheses.append(UtteranceLocation(id: entry.id, line: entry.line)) }
            pairs.append(UtterancePair(id: entry.id, reference: entry.words, hypothesis: words ?? []))
        }
    }
}
