import CochleaMetrics
import Foundation

/// `cochlea evaluate`'s scores per kind of utterance (single words apart from multi-word ones, as the
/// keyword recipe reports them) and per speaker, when the data names speakers.
struct EvaluationBreakdown {
    /// "single word" and "multi-word", each present only when the data has such utterances.
    let lengths: [GroupScore]
    /// Every speaker, worst word error rate first; empty when the data names fewer than two.
    let speakers: [GroupScore]

    static let singleWord = "single word", multiWord = "multi-word"

    /// - Parameters:
    ///   - references: the scored utterances' reference texts, in the order of `score.utterances`.
    ///   - speakers: the same utterances' speakers, nil where the layout does not say.
    init(score: CorpusScore, references: [String], speakers: [String?]) {
        let kinds = references.map { $0.split(separator: " ").count == 1 ? Self.singleWord : Self.multiWord }
        lengths = score.grouped(by: kinds).sorted { $0.key == Self.singleWord && $1.key != Self.singleWord }
        let bySpeaker = score.grouped(by: speakers)
        self.speakers = bySpeaker.count >= 2 ? bySpeaker.sorted { $0.isWorse(than: $1) } : []
    }

    /// Lines for the terminal: both kinds of utterance when there are both, then the `limit` worst speakers.
    func lines(speakerLimit limit: Int) -> [String] {
        var lines = [String]()
        if lengths.count == 2 {
            lines.append(lengths.map { "\($0.key): \(Self.summary($0))" }.joined(separator: "; "))
        }
        if limit > 0 && !speakers.isEmpty {
            let shown = speakers.prefix(limit)
            lines.append(shown.count == speakers.count ? "by speaker, worst first:"
                         : "by speaker, the \(shown.count) worst of \(speakers.count) (--speakers N lists more; --report has all):")
            let width = shown.map(\.key.count).max() ?? 0
            lines += shown.map { "  " + $0.key.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + Self.summary($0) }
        }
        return lines
    }

    /// "%WER 8.53 [ 40 / 469 ], 150 utterances"
    static func summary(_ group: GroupScore) -> String {
        String(format: "%%WER %.2f [ %d / %d ], %d utterance%@", group.wordErrorRate * 100, group.words.errors,
               group.words.referenceLength, group.utterances, group.utterances == 1 ? "" : "s")
    }

    /// The report's objects: "single_word" and "multi_word" when present, "speakers" (worst first) when known.
    func reportFields() -> [String: Any] {
        var fields = [String: Any]()
        for group in lengths { fields[group.key == Self.singleWord ? "single_word" : "multi_word"] = Self.object(group) }
        if !speakers.isEmpty {
            fields["speakers"] = speakers.map { group -> [String: Any] in
                var object = Self.object(group)
                object["speaker"] = group.key
                return object
            }
        }
        return fields
    }

    private static func object(_ group: GroupScore) -> [String: Any] {
        ["utterances": group.utterances, "utterances_with_errors": group.utterancesWithErrors, "wer": group.wordErrorRate,
         "cer": group.characterErrorRate, "words": EvaluateCommand.counts(group.words)]
    }
}
