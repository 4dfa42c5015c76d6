import Foundation

/// jiwer 4.0.0's scores of the 300 sentence pairs in `Fixtures/wer/pairs.tsv` and their corpus
/// rates in `Fixtures/wer/corpus.json`, for the metrics tests and the `cochlea score` tests alike.
/// Plain integers, so that the CLI tests need not link CochleaMetrics.
public enum WERFixture {
    /// Hits, substitutions, deletions and insertions, as jiwer split them.
    public struct Counts: Hashable {
        public var hits, substitutions, deletions, insertions: Int
        public var errors: Int { substitutions + deletions + insertions }
    }

    public struct Pair {
        /// 1-based line in pairs.tsv (the header is line 1).
        public var line: Int
        public var reference: String
        public var hypothesis: String
        public var words: Counts
        public var characters: Counts
    }

    public static func pairs() throws -> [Pair] {
        let text = try String(contentsOfFile: Fixtures.path("wer/pairs.tsv"), encoding: .utf8)
        var pairs = [Pair]()
        for (index, line) in text.split(separator: "\n").enumerated().dropFirst() {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 10 else { throw CocoaError(.fileReadCorruptFile) }
            let n = fields[2...].map { Int($0)! }
            pairs.append(Pair(
                line: index + 1, reference: fields[0], hypothesis: fields[1],
                words: Counts(hits: n[0], substitutions: n[1], deletions: n[2], insertions: n[3]),
                characters: Counts(hits: n[4], substitutions: n[5], deletions: n[6], insertions: n[7])))
        }
        return pairs
    }

    /// jiwer's corpus WER and CER over all pairs, as fractions.
    public static func corpusRates() throws -> (wer: Double, cer: Double) {
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("wer/corpus.json")))
        guard let json = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let wer = json["corpus_wer"] as? Double, let cer = json["corpus_cer"] as? Double
        else { throw CocoaError(.fileReadCorruptFile) }
        return (wer, cer)
    }
}
