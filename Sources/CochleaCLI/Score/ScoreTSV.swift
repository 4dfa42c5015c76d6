/// `--format tsv`: one row per utterance, for spreadsheets and `pandas.read_csv(path, sep="\t")`.
/// The WER is a fraction, `inf` when errors were made against an empty reference (pandas reads it).
enum ScoreTSV {
    static let header = "id\tref_words\tsubstitutions\tdeletions\tinsertions\twer"

    static func render(_ results: ScoreResults) -> String {
        var text = header
        for (pair, score) in zip(results.pairs, results.score.utterances) {
            let w = score.words
            text += "\n\(pair.id)\t\(w.referenceLength)\t\(w.substitutions)\t\(w.deletions)\t\(w.insertions)\t\(w.errorRate)"
        }
        return text
    }
}
