import CochleaMetrics
import Foundation

/// The human-readable report: Kaldi compute-wer's summary lines, which scripts already grep for,
/// optionally preceded by sclite-style alignments (pra) and confusion tables (dtl).
enum ScoreText {
    /// `%WER 13.94 [ 429 / 3078, 59 ins, 47 del, 323 sub ]`, `%CER ...` the same way,
    /// `%SER 53.33 [ 160 / 300 ]`, `Scored 300 sentences, 0 not present in hyp.`
    static func summary(_ results: ScoreResults) -> [String] {
        let totals = results.totals
        var lines = [rateLine("%WER", totals.words, rate: totals.wordErrorRate)]
        if results.charactersScored { lines.append(rateLine("%CER", totals.characters, rate: totals.characterErrorRate)) }
        lines.append("%SER \(percent(totals.sentenceErrorRate)) [ \(totals.utterancesWithErrors) / \(totals.utterances) ]")
        lines.append("Scored \(totals.utterances) sentences, \(results.missingHypotheses.count) not present in hyp.")
        return lines
    }

    private static func rateLine(_ label: String, _ counts: EditCounts, rate: Double) -> String {
        "\(label) \(percent(rate)) [ \(counts.errors) / \(counts.referenceLength), "
            + "\(counts.insertions) ins, \(counts.deletions) del, \(counts.substitutions) sub ]"
    }

    /// Two decimals, as compute-wer prints; "inf" when errors were made against an empty reference.
    static func percent(_ rate: Double) -> String { String(format: "%.2f", rate * 100) }

    /// The `limit` most frequent substitutions (`ref -> hyp  count`), deletions and insertions.
    static func confusions(_ totals: ErrorCounts, limit: Int) -> [String] {
        let substitutions = totals.mostFrequentSubstitutions(limit: limit)
        let deletions = totals.mostFrequentDeletions(limit: limit)
        let insertions = totals.mostFrequentInsertions(limit: limit)
        var lines = ["SUBSTITUTIONS (\(heading(substitutions.count, of: totals.words.substitutions)); ref -> hyp  count)"]
        let refWidth = substitutions.map { width($0.item.reference) }.max() ?? 0
        let hypWidth = substitutions.map { width($0.item.hypothesis) }.max() ?? 0
        lines += substitutions.map {
            "  \(pad($0.item.reference, refWidth)) -> \(pad($0.item.hypothesis, hypWidth))  \($0.count)"
        }
        lines.append("DELETIONS (\(heading(deletions.count, of: totals.words.deletions)); ref  count)")
        lines += wordRows(deletions)
        lines.append("INSERTIONS (\(heading(insertions.count, of: totals.words.insertions)); hyp  count)")
        lines += wordRows(insertions)
        return lines
    }

    private static func heading(_ shown: Int, of total: Int) -> String {
        "\(total) in all, \(shown) most frequent shown"
    }

    private static func wordRows(_ ranked: [Ranked<String>]) -> [String] {
        let w = ranked.map { width($0.item) }.max() ?? 0
        return ranked.map { "  \(pad($0.item, w))  \($0.count)" }
    }

    /// sclite's pra layout for every utterance with errors: id, counts, then REF/HYP/Eval columns.
    static func alignments(_ results: ScoreResults) -> [String] {
        guard let alignments = results.alignments else { return [] }
        var lines = [String]()
        for (i, alignment) in alignments.enumerated() {
            guard let alignment else { continue }
            let counts = alignment.counts
            let (reference, hypothesis, marks) = alignment.formatted()
            lines.append("id: \(results.pairs[i].id)")
            lines.append("Scores: (#C #S #D #I) \(counts.hits) \(counts.substitutions) \(counts.deletions) \(counts.insertions)")
            // Padding after the last column is only noise for diff and grep.
            lines.append(trimmingTrailingSpaces("REF:  " + reference))
            lines.append(trimmingTrailingSpaces("HYP:  " + hypothesis))
            lines.append(trimmingTrailingSpaces("Eval: " + marks))
            lines.append("")
        }
        return lines
    }

    private static func trimmingTrailingSpaces(_ line: String) -> String {
        var line = Substring(line)
        while line.last == " " { line = line.dropLast() }
        return String(line)
    }

    /// Widths count Unicode scalars, as `Alignment.formatted()` does.
    private static func width(_ word: String) -> Int { word.unicodeScalars.count }

    private static func pad(_ word: String, _ width: Int) -> String {
        word + String(repeating: " ", count: max(0, width - self.width(word)))
    }
}
