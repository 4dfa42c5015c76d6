import CochleaCore

/// Writes NIST sclite trn files, `word word ... (utt-id)` per line, that sclite reads back as
/// written. Score them like Cochlea does with
///
///     sclite -r ref.trn trn -h hyp.trn trn -i rm -s
///
/// (`-s` makes sclite case-sensitive like Cochlea and Kaldi; its default folds case). `-i rm` and
/// `-i spu_id` both group utterances by speaker, taken as the part of the id before its first `_`
/// or `-`; an id with neither ("utt1") makes sclite print "can't locate RM id" but it is still scored.
///
/// What sclite would misread is refused with `TranscriptError.unwritable`, not silently changed:
/// - ids that are empty or contain whitespace, `(` or `)`;
/// - words containing `{` or `}` (sclite's alternatives `{ a / b }`; a lone `{` crashes sclite
///   2.10), `;` (starts a comment: sclite drops the rest of the word) or `\` (an escape: dropped);
/// - words wrapped in parentheses, like `(um)`, which sclite treats as optionally deletable;
/// - words made only of asterisks (sclite's own gap mark; it shortens `**` to `*`).
public enum TrnWriter {
    /// One utterance's line, without the line feed; `path` is only used in error messages.
    public static func line(id: String, words: [String], path: String) throws -> String {
        if let problem = problem(withID: id) { throw TranscriptError.unwritable(path: path, id: id, detail: problem) }
        for word in words {
            if let problem = problem(withWord: word) {
                throw TranscriptError.unwritable(path: path, id: id, detail: "word '\(word)' \(problem)")
            }
        }
        return words.isEmpty ? "(\(id))" : words.joined(separator: " ") + " (\(id))"
    }

    /// The whole file's text, one line per utterance in the given order, each ending in a line feed.
    public static func text<Utterances: Sequence>(_ utterances: Utterances, path: String) throws -> String
    where Utterances.Element == (id: String, words: [String]) {
        var text = ""
        for utterance in utterances {
            text += try line(id: utterance.id, words: utterance.words, path: path)
            text += "\n"
        }
        return text
    }

    /// Writes the file atomically (a reader never sees half of it). Throws `TranscriptError` for an
    /// utterance sclite would misread (nothing is written then) and `OutputError` when the file
    /// cannot be written.
    public static func write<Utterances: Sequence>(_ utterances: Utterances, to path: String) throws
    where Utterances.Element == (id: String, words: [String]) {
        try AtomicFile.write(text(utterances, path: path), to: path)
    }

    static func problem(withID id: String) -> String? {
        if id.isEmpty { return "the utterance id is empty" }
        if id.utf8.contains(where: PairTokens.isWhitespace) { return "the utterance id contains whitespace" }
        if id.contains("(") || id.contains(")") { return "the utterance id contains a parenthesis" }
        return nil
    }

    static func problem(withWord word: String) -> String? {
        if word.isEmpty { return "is empty" }
        if word.utf8.contains(where: PairTokens.isWhitespace) { return "contains whitespace" }
        if word.contains("{") || word.contains("}") { return "contains a brace, which sclite reads as alternatives" }
        if word.contains(";") { return "contains ';', which starts a comment for sclite" }
        if word.contains("\\") { return "contains '\\', which sclite reads as an escape" }
        if word.count > 1 && word.hasPrefix("(") && word.hasSuffix(")") {
            return "is in parentheses, which sclite reads as optionally deletable"
        }
        if word.allSatisfy({ $0 == "*" }) { return "is all asterisks, sclite's gap mark" }
        return nil
    }
}
