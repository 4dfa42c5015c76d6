import CochleaMetrics

/// The machine-readable report of `--format json` and `--report`: totals, then one line per
/// utterance, so that it is both one JSON document and easy to grep. Rates are fractions
/// (0.1394 for 13.94 %), printed so that they read back exactly; `null` when infinite (errors
/// against an empty reference) or not computed (`--no-cer`).
enum ScoreJSON {
    static func render(_ results: ScoreResults, confusions: Int) -> String {
        let totals = results.totals
        var json = JSONWriter(capacity: 200 * results.pairs.count)
        json.beginObject()
        for (key, value) in [
            ("reference", results.reference.path), ("hypothesis", results.hypothesis.path),
            ("reference_format", results.reference.format.rawValue), ("hypothesis_format", results.hypothesis.format.rawValue),
            ("normalization", results.normalization.reportName),
        ] {
            json.newline(indent: 2); json.key(key); json.value(value)
        }
        json.newline(indent: 2); json.key("totals"); json.beginObject()
        json.key("utterances"); json.value(totals.utterances)
        json.key("utterances_with_errors"); json.value(totals.utterancesWithErrors)
        json.key("missing_hypotheses"); json.value(results.missingHypotheses.count)
        json.key("reference_words"); json.value(totals.words.referenceLength)
        json.key("words"); counts(totals.words, &json)
        json.key("characters"); if results.charactersScored { counts(totals.characters, &json) } else { json.null() }
        json.key("wer"); json.value(totals.wordErrorRate)
        json.key("cer"); if results.charactersScored { json.value(totals.characterErrorRate) } else { json.null() }
        json.key("ser"); json.value(totals.sentenceErrorRate)
        json.endObject()
        json.newline(indent: 2); json.key("missing_hypotheses"); json.beginArray()
        for location in results.missingHypotheses { json.value(location.id) }
        json.endArray()
        if confusions > 0 && results.confusionsTallied {
            json.newline(indent: 2); json.key("confusions"); confusionTables(totals, limit: confusions, &json)
        }
        json.newline(indent: 2); json.key("utterances"); json.beginArray()
        let missing = results.missingIDs
        for i in results.pairs.indices {
            json.newline(indent: 4)
            utterance(results, i, missing: missing, &json)
        }
        json.closingNewline(indent: 2); json.endArray()
        json.closingNewline(indent: 0); json.endObject()
        return json.text
    }

    private static func utterance(_ results: ScoreResults, _ i: Int, missing: Set<String>, _ json: inout JSONWriter) {
        let pair = results.pairs[i], score = results.score.utterances[i]
        json.beginObject()
        json.key("id"); json.value(pair.id)
        json.key("ref"); json.value(pair.reference.joined(separator: " "))
        json.key("hyp"); json.value(pair.hypothesis.joined(separator: " "))
        json.key("hyp_missing"); json.value(!missing.isEmpty && missing.contains(pair.id))
        json.key("words"); counts(score.words, &json)
        json.key("characters"); if results.charactersScored { counts(score.characters, &json) } else { json.null() }
        json.key("wer"); json.value(score.words.errorRate)
        json.key("cer"); if results.charactersScored { json.value(score.characters.errorRate) } else { json.null() }
        if let alignment = results.alignments?[i] { json.key("alignment"); steps(alignment, &json) }
        json.endObject()
    }

    private static func counts(_ counts: EditCounts, _ json: inout JSONWriter) {
        json.beginObject()
        json.key("hits"); json.value(counts.hits)
        json.key("substitutions"); json.value(counts.substitutions)
        json.key("deletions"); json.value(counts.deletions)
        json.key("insertions"); json.value(counts.insertions)
        json.endObject()
    }

    /// `{"op": "match"|"sub"|"del"|"ins", "ref": ..., "hyp": ...}`, without the side a step lacks.
    private static func steps(_ alignment: Alignment, _ json: inout JSONWriter) {
        json.beginArray()
        for step in alignment.steps {
            json.beginObject()
            json.key("op")
            switch step {
            case .match: json.value("match")
            case .substitution: json.value("sub")
            case .deletion: json.value("del")
            case .insertion: json.value("ins")
            }
            if let token = step.referenceToken { json.key("ref"); json.value(token) }
            if let token = step.hypothesisToken { json.key("hyp"); json.value(token) }
            json.endObject()
        }
        json.endArray()
    }

    private static func confusionTables(_ totals: ErrorCounts, limit: Int, _ json: inout JSONWriter) {
        json.beginObject()
        json.key("substitutions"); json.beginArray()
        for ranked in totals.mostFrequentSubstitutions(limit: limit) {
            json.beginObject()
            json.key("ref"); json.value(ranked.item.reference)
            json.key("hyp"); json.value(ranked.item.hypothesis)
            json.key("count"); json.value(ranked.count)
            json.endObject()
        }
        json.endArray()
        for (key, table) in [("deletions", totals.mostFrequentDeletions(limit: limit)), ("insertions", totals.mostFrequentInsertions(limit: limit))] {
            json.key(key); json.beginArray()
            for ranked in table {
                json.beginObject()
                json.key("word"); json.value(ranked.item)
                json.key("count"); json.value(ranked.count)
                json.endObject()
            }
            json.endArray()
        }
        json.endObject()
    }
}
