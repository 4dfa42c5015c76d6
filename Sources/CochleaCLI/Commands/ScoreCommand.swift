import ArgumentParser
import CochleaCore
import CochleaLinalg
import CochleaMetrics
import Foundation

enum ScoreOutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, tsv
}

struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Word, character and sentence error rates of a hypothesis transcript file against a reference.",
        discussion: """
        Scores two transcript files without audio, like Kaldi's compute-wer and jiwer's command line. \
        Each file may be in either layout, detected per file:

          Kaldi text (id, then words):   utt_001 turn the lights off
          sclite trn (words, then (id)): turn the lights off (utt_001)

        A line with only an id is an empty transcript. Files must be UTF-8. Words are split at \
        whitespace and compared exactly, case included, unless --normalize is given.

        WER, the word error rate, is (S + D + I) / N: the substitutions, deletions and insertions of \
        a minimum-edit alignment, over the N reference words of the whole corpus (not a mean of \
        per-utterance rates); insertions can take it above 100 %. CER is the same over characters \
        (Unicode scalars; the space between two words counts). SER, the sentence error rate, is the \
        fraction of utterances with at least one word error.

        Output on stdout, as compute-wer prints it (percentages):
          %WER 30.62 [ 429 / 1401, 82 ins, 132 del, 215 sub ]
          %CER 27.72 [ 1694 / 6112, 430 ins, 692 del, 572 sub ]
          %SER 71.00 [ 213 / 300 ]
          Scored 300 sentences, 0 not present in hyp.
        --format json gives the totals and every utterance (its words, counts and rates, and the word \
        alignment of those with errors); --format tsv one row per utterance (id, ref_words, \
        substitutions, deletions, insertions, wer). Rates in JSON and TSV are fractions (0.3062); errors \
        against an empty reference make a rate infinite: null in JSON, inf in TSV and text.

        Every reference utterance is scored. One with no hypothesis counts as all deletions and is \
        named on stderr; that is not an error. These are errors (exit code 1, nothing written to \
        stdout or --report): a missing or unreadable file; a line that is not UTF-8; a trn file with a \
        line lacking its (id); an id twice in one file; a hypothesis id not in the reference (usually \
        the wrong pair of files); a reference with no utterances. Invalid options exit with 64.

        Examples:
          cochlea score data/test/text exp/decode/hyp.txt
          cochlea score ref.trn hyp.trn --normalize --confusions 10 --show-alignment
          cochlea score ref.txt hyp.txt --report wer.json   (JSON to wer.json)
          cochlea score ref.txt hyp.txt --format tsv > wer.tsv
            (then in Python: pandas.read_csv("wer.tsv", sep="\\t"))
        """)

    @Argument(help: "Reference transcripts (Kaldi text or sclite trn).")
    var reference: String

    @Argument(help: "Hypothesis transcripts, matched to the reference by utterance id.")
    var hypothesis: String

    @Option(help: "text (compute-wer's summary), json (totals and every utterance) or tsv (one row per utterance).")
    var format: ScoreOutputFormat = .text

    @Option(help: ArgumentHelp("Text: also list the N most frequent substitutions, deletions and insertions (sclite's dtl); json: add them as \"confusions\".", valueName: "N"))
    var confusions = 0

    @Flag(help: "Text: also print each utterance with errors aligned, REF over HYP with S/D/I marks (sclite's pra).")
    var showAlignment = false

    @Flag(help: "Lowercase every word and delete punctuation (Unicode category P) in both files before scoring.")
    var normalize = false

    @Flag(name: .customLong("no-cer"), help: "Skip the character error rate, about 40 % of the time on 18-word utterances.")
    var noCER = false

    // Optional so that the help says "all cores" rather than this machine's count.
    @Option(help: "Worker threads (default: all cores).")
    var threads: Int?

    @Option(help: ArgumentHelp("Also write the JSON report to FILE, atomically (never half-written).", valueName: "FILE"))
    var report: String?

    func validate() throws {
        if let threads { try Job.check(threads: threads) }
        guard confusions >= 0 else { throw ValidationError("--confusions must be 0 or positive, got \(confusions)") }
        if showAlignment && format != .text {
            throw ValidationError("--show-alignment is for --format text; the JSON report has the alignments already")
        }
        if confusions > 0 && format == .tsv {
            throw ValidationError("--confusions is for --format text or json; TSV has one row per utterance")
        }
    }

    func run() throws {
        // Scoring uses no BLAS; OpenBLAS's spinning workers would only compete with ours.
        BLASThreads.stopIdleWorkers()
        let wantJSON = format == .json || report != nil
        // TSV rows have no CER column, so without a JSON report the character alignment is skipped.
        var options: ScoringOptions = noCER || (format == .tsv && report == nil) ? [] : .characters
        if confusions > 0 { options.insert(.confusions) }
        let results: ScoreResults
        do {
            results = try ScoreResults.compute(
                referencePath: reference, hypothesisPath: hypothesis,
                normalization: normalize ? .lowercaseWithoutPunctuation : .none, threads: threads ?? Job.coreThreads,
                options: options, alignments: showAlignment || wantJSON)
        } catch let error as TranscriptError {
            Console.error(error.description)
            throw ExitCode.failure
        } catch let error as ScoreInputError {
            Console.error(error.description)
            throw ExitCode.failure
        }
        reportMissing(results)

        let json = wantJSON ? ScoreJSON.render(results, confusions: confusions) : nil
        if let report, let json {
            do {
                try AtomicFile.write(json + "\n", to: report)
            } catch {
                Console.error("\(error)")
                throw ExitCode.failure
            }
        }
        switch format {
        case .json: Console.output(json!)
        case .tsv: Console.output(ScoreTSV.render(results))
        case .text:
            var lines = ScoreText.alignments(results)
            if confusions > 0 { lines += ScoreText.confusions(results.totals, limit: confusions) + [""] }
            lines += ScoreText.summary(results)
            Console.output(lines.joined(separator: "\n"))
        }
    }

    /// Missing hypotheses are scored (as deletions), so they are a warning, with the first few ids.
    private func reportMissing(_ results: ScoreResults) {
        let missing = results.missingHypotheses
        guard !missing.isEmpty else { return }
        let shown = missing.prefix(5).map { "\($0.id) (line \($0.line))" }.joined(separator: ", ")
        let more = missing.count > 5 ? " and \(missing.count - 5) more" : ""
        Console.error("warning: \(reference): \(missing.count) of \(results.pairs.count) utterances have no hypothesis in "
            + "\(hypothesis); their words count as deletions: \(shown)\(more)")
    }
}
