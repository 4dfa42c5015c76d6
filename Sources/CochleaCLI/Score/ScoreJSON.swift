import CochleaMetrics

/// The machine-readable report of `--format json` and `--report`: totals, then one line per
/// utterance, so that it is both one JSON document and easy to grep. Rates are fractions
/// (0.1394 for 13.94 %), printed so that they read back exactly; `null` when infinite (errors
/// against an empty reference) or not computed (`--no-cer`).
enum ScoreJSON {
    static func render(_ results: ScoreResults, confusions: Int) -> String {
        let totals = results.totals
        var top: [(String, String)] = [
            ("reference", JSONText.string(results.reference.path)),
            ("hypothesis", JSONText.string(results.hypothesis.path)),
            ("reference_format", JSONText.string(results.reference.format.rawValue)),
            ("hypothesis_format", JSONText.string(results.hypothesis.format.rawValue)),
            ("normalization", JSONText.string(results.normalization.reportName)),
            ("totals", JSONText.object([
                ("utterances", "\(totals.utterances)"),
                ("utterances_with_errors", "\(totals.utterancesWithErrors)"),
                ("missing_hypotheses", "\(results.missingHypotheses.count)"),
                ("reference_words", "\(totals.words.referenceLength)"),
                ("words", counts(totals.words)),
                ("characters", results.charactersScored ? counts(totals.characters) : "null"),
                ("wer", JSONText.number(totals.wordErrorRate)),
                ("cer", results.charactersScored ? JSONText.number(totals.characterErrorRate) : "null"),
                ("ser", JSONText.number(totals.sentenceErrorRate)),
            ])),
            ("missing_hypotheses", JSONText.array(results.missingHypotheses.map { JSONText.string($0.id) })),
        ]
        if confusions > 0 && results.confusionsTallied {
            top.append(("confusions", confusionTables(totals, limit: confusions)))
        }
        var text = "{\n"
        for (key, value) in top { text += "  " + JSONText.string(key) + ": " + value + ",\n" }
        text += "  \"utterances\": [\n"
        let missing = results.missingIDs
        for i in results.pairs.indices {
            text += "    " + utterance(results, i, missing: missing) + (i + 1 < results.pairs.count ? ",\n" : "\n")
        }
        text += "  ]\n}"
        return text
    }

    private static func utterance(_ results: ScoreResults, _ i: Int, missing: Set<String>) -> String {
        let pair = results.pairs[i], score = results.score.utterances[i]
        var fields: [(String, String)] = [
            ("id", JSONText.string(pair.id)),
            ("ref", JSONText.string(pair.reference.joined(separator: " "))),
            ("hyp", JSONText.string(pair.hypothesis.joined(separator: " "))),
            ("hyp_missing", missing.contains(pair.id) ? "true" : "false"),
            ("words", counts(score.words)),
            ("characters", results.charactersScored ? counts(score.characters) : "null"),
            ("wer", JSONText.number(score.words.errorRate)),
            ("cer", results.charactersScored ? JSONText.number(score.characters.errorRate) : "null"),
        ]
        if let alignment = results.alignments?[i] { fields.append(("alignment", steps(alignment))) }
        return JSONText.object(fields)
    }

    private static func counts(_ counts: EditCounts) -> String {
        JSONText.object([
            ("hits", "\(counts.hits)"), ("substitutions", "\(counts.substitutions)"),
            ("deletions", "\(counts.deletions)"), ("insertions", "\(counts.insertions)"),
        ])
    }

    /// `{"op": "match"|"sub"|"del"|"ins", "ref": ..., "hyp": ...}`, without the side a step lacks.
    private static func steps(_ alignment: Alignment) -> String {
        JSONText.array(alignment.steps.map { step in
            let op: String
            switch step {
            case .match: op = "match"
            case .substitution: op = "sub"
            case .deletion: op = "del"
            case .insertion: op = "ins"
            }
            var fields = [("op", JSONText.string(op))]
            if let token = step.referenceToken { fields.append(("ref", JSONText.string(token))) }
            if let token = step.hypothesisToken { fields.append(("hyp", JSONText.string(token))) }
            return JSONText.object(fields)
        })
    }

    private static func confusionTables(_ totals: ErrorCounts, limit: Int) -> String {
        JSONText.object([
            ("substitutions", JSONText.array(totals.mostFrequentSubstitutions(limit: limit).map {
                JSONText.object([("ref", JSONText.string($0.item.reference)), ("hyp", JSONText.string($0.item.hypothesis)),
                                 ("count", "\($0.count)")])
            })),
            ("deletions", JSONText.array(totals.mostFrequentDeletions(limit: limit).map {
                JSONText.object([("word", JSONText.string($0.item)), ("count", "\($0.count)")])
            })),
            ("insertions", JSONText.array(totals.mostFrequentInsertions(limit: limit).map {
                JSONText.object([("word", JSONText.string($0.item)), ("count", "\($0.count)")])
            })),
        ])
    }
}
