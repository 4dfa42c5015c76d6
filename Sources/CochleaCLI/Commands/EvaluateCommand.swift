import ArgumentParser
import CochleaCore
import CochleaDecoding
import CochleaDistributed
import CochleaMetrics
import CochleaModel
import CochleaRecognition
import CochleaTraining
import Foundation

enum EvaluationSplit: String, ExpressibleByArgument, CaseIterable {
    case auto, train, validation, test, all
}

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Transcribe a labelled dataset and report word and character error rates.",
        discussion: """
        DATA takes the layouts `cochlea train` reads (Speech Commands folders, TSV manifests, Kaldi data \
        directories). By default the test split is evaluated when the data has one, else everything.

        Prints WER and CER with substitutions, deletions, insertions and hits, the sentence error rate, \
        the most frequent confusions and the speed in × real time; then the WER of the single-word \
        and the multi-word utterances apart, when there are both, and of the worst speakers, when the \
        data names speakers (Speech Commands' file names, a TSV manifest's speaker or client_id \
        column, a Kaldi directory's utt2spk). --report writes per-utterance \
        results with a word alignment for each error as JSON; --trn writes ref.trn and hyp.trn for \
        NIST sclite (sclite -r ref.trn trn -h hyp.trn trn -i rm -s). Audio that cannot be read is \
        reported and left out of the scores; the exit code is then 1.

        Decoding takes transcribe's options (greedy unless a beam-search option is given), so that \
        decoders can be compared on the same data:
          cochlea evaluate datasets/generated/full --report report.json --trn scoring/
          cochlea evaluate data/ --beam 16
          cochlea evaluate data/ --keywords yes,no,up,down --unknown-threshold 0.5
          cochlea evaluate data/ --lm words.arpa --lm-weight 0.5 --word-bonus 1

        Under mpirun the utterances are shared out between the processes and rank 0 prints and \
        writes the same scores and reports as one process would:
          mpirun -np 4 cochlea evaluate data/ --threads 1 --report report.json
        """)

    @Argument(help: "Datasets (folders, manifests or Kaldi directories).")
    var data: [String]
    @Option(help: "Model folder; default: the model shipped with Cochlea.")
    var model: String?
    @Option(help: "auto (test if the data has one, else all), train, validation, test or all.")
    var split: EvaluationSplit = .auto
    @Option(help: "Write a JSON report with every utterance to this file.")
    var report: String?
    @Option(help: "Write ref.trn and hyp.trn (sclite's format) into this folder.")
    var trn: String?
    @Option(help: "How many of the most frequent confusions to list.")
    var confusions = 10
    @Option(help: "How many speakers to list, worst WER first (0: none; --report has them all).")
    var speakers = 10
    @Option(help: "Threads (default: the cores, shared between the ranks mpirun starts on this machine).")
    var threads = Job.defaultThreads
    @Flag(help: "No progress output.")
    var quiet = false
    @OptionGroup(title: "Decoding")
    var decoding: DecodingArguments

    func validate() throws {
        try Job.check(threads: threads)
        guard confusions >= 0 else { throw ValidationError("--confusions must be 0 or positive, got \(confusions)") }
        guard speakers >= 0 else { throw ValidationError("--speakers must be 0 or positive, got \(speakers)") }
    }

    func run() throws {
        try Job.run(evaluate)
    }

    private func evaluate(_ world: Communicator) throws {
        var dataset = Dataset()
        for path in data { dataset.append(try DatasetLoader.load(path, defaultSplit: .test)) }
        dataset.removeDuplicates()
        for problem in dataset.problems { Console.error(problem.description) }
        let chosen: [Utterance]
        switch split {
        case .auto: chosen = dataset.split(.test).isEmpty ? dataset.utterances : dataset.split(.test)
        case .all: chosen = dataset.utterances
        case .train: chosen = dataset.split(.train)
        case .validation: chosen = dataset.split(.validation)
        case .test: chosen = dataset.split(.test)
        }
        guard !chosen.isEmpty else { throw ValidationError("no utterances in the \(split.rawValue) split of \(data.joined(separator: ", "))") }
        let modelPath = try DefaultModel.resolve(model)
        let loaded = try AcousticModel.load(from: modelPath)
        let recognizer = try decoding.makeRecognizer(for: loaded, threads: threads)
        let settings = decoding.settings(decoder: recognizer.decoder)
        let started = Date()
        var hypotheses = [String?](repeating: nil, count: chosen.count)
        var audioSeconds = 0.0, failures = 0
        if world.isDistributed {
            (hypotheses, audioSeconds, failures) = recognizeShared(chosen, recognizer: recognizer, world: world)
        } else {
            let progress = ProgressReporter(total: chosen.count, label: "evaluate", enabled: !quiet && chosen.count > 50)
            var index = 0
            recognizer.recognize(paths: chosen.map(\.path)) { recognition in
                switch recognition.result {
                case .success(let transcript): hypotheses[index] = transcript.text
                case .failure(let error):
                    failures += 1
                    Console.error("\(chosen[index].source): \(error)")
                }
                audioSeconds += recognition.duration
                index += 1
                progress.advance()
            }
            progress.finish()
        }
        guard world.rank == 0 else { return }
        let seconds = Date().timeIntervalSince(started)
        let scored = chosen.indices.filter { hypotheses[$0] != nil }
        let references = scored.map { chosen[$0].transcript }, hyps = scored.map { hypotheses[$0]! }
        let score = Metrics.score(references: references, hypotheses: hyps, threads: threads)
        let breakdown = EvaluationBreakdown(score: score, references: references, speakers: scored.map { chosen[$0].speaker })
        // Files first: a reader that stops early (`| head -1`) ends the process at the next line.
        let ids = scored.map { Self.trnID(chosen[$0].id) }
        if let trn {
            try FileManager.default.createDirectory(atPath: trn, withIntermediateDirectories: true)
            try TrnWriter.write(zip(ids, references).map { (id: $0, words: $1.split(separator: " ").map(String.init)) }, to: trn + "/ref.trn")
            try TrnWriter.write(zip(ids, hyps).map { (id: $0, words: $1.split(separator: " ").map(String.init)) }, to: trn + "/hyp.trn")
        }
        if let report {
            var scorer = TranscriptScorer()
            let utterances: [[String: Any]] = scored.enumerated().map { position, i in
                let counts = score.utterances[position].words
                var entry: [String: Any] = ["id": chosen[i].id, "path": chosen[i].path, "reference": references[position],
                                            "hypothesis": hyps[position], "substitutions": counts.substitutions,
                                            "deletions": counts.deletions, "insertions": counts.insertions, "hits": counts.hits]
                if let speaker = chosen[i].speaker { entry["speaker"] = speaker }
                if counts.errors > 0 {
                    entry["alignment"] = scorer.wordAlignment(reference: references[position], hypothesis: hyps[position]).steps.map(Self.describe)
                }
                return entry
            }
            let totals = score.totals
            var object: [String: Any] = [
                "model": modelPath, "utterances": scored.count, "failed": failures, "audio_seconds": audioSeconds,
                "seconds": seconds, "wer": totals.wordErrorRate, "cer": totals.characterErrorRate, "ser": totals.sentenceErrorRate,
                "words": Self.counts(totals.words), "characters": Self.counts(totals.characters), "results": utterances,
                "decoding": settings,
            ]
            object.merge(breakdown.reportFields()) { first, _ in first }
            try AtomicFile.write(try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]), to: report)
        }
        printSummary(score.totals, utterances: scored.count, audioSeconds: audioSeconds, seconds: seconds,
                     breakdown: breakdown.lines(speakerLimit: speakers))
        Console.output("decoding: " + Self.describe(settings))
        if failures > 0 { throw BatchFailure(failed: failures, total: chosen.count) }
    }

    /// Under mpirun: the recognizer's chunks are dealt round-robin, so each utterance is decoded in
    /// the same batch, with the same bits, as in one process; every rank's results are gathered and
    /// put back in order (durations summed in that order), so rank 0 scores exactly what one
    /// process would. Rank 0 shows progress for its own share.
    private func recognizeShared(_ chosen: [Utterance], recognizer: Recognizer, world: Communicator)
        -> (hypotheses: [String?], audioSeconds: Double, failures: Int) {
        let chunks = stride(from: 0, to: chosen.count, by: recognizer.chunkSize).map { $0..<min($0 + recognizer.chunkSize, chosen.count) }
        let mine = world.roundRobin(chunks.count)
        let progress = ProgressReporter(total: mine.reduce(0) { $0 + chunks[$1].count }, label: "evaluate (rank 0's share)",
                                        enabled: !quiet && chosen.count > 50 && world.rank == 0)
        var texts = [String](), failed = [Double](), durations = [Double]()
        for k in mine {
            recognizer.recognize(paths: chosen[chunks[k]].map(\.path)) { recognition in
                switch recognition.result {
                case .success(let transcript): texts.append(transcript.text); failed.append(0)
                case .failure(let error): texts.append("\(error)"); failed.append(1)
                }
                durations.append(recognition.duration)
                progress.advance()
            }
        }
        progress.finish()
        let allTexts = world.allgather(strings: texts), allValues = world.allgather(doubles: zip(failed, durations).flatMap { [$0, $1] })
        var hypotheses = [String?](repeating: nil, count: chosen.count), seconds = [Double](repeating: 0, count: chosen.count)
        for r in 0..<world.size {
            let theirs = stride(from: r, to: chunks.count, by: world.size).flatMap { chunks[$0] }
            for (j, i) in theirs.enumerated() {
                seconds[i] = allValues[r][2 * j + 1]
                if allValues[r][2 * j] == 0 { hypotheses[i] = allTexts[r][j] } else { Console.error("\(chosen[i].source): \(allTexts[r][j])") }
            }
        }
        return (hypotheses, seconds.reduce(0, +), hypotheses.filter { $0 == nil }.count)
    }

    private func printSummary(_ totals: ErrorCounts, utterances: Int, audioSeconds: Double, seconds: Double, breakdown: [String]) {
        let w = totals.words, c = totals.characters
        Console.output(String(format: "%%WER %.2f [ %d / %d, %d ins, %d del, %d sub ] %d hits", totals.wordErrorRate * 100, w.errors,
                              w.referenceLength, w.insertions, w.deletions, w.substitutions, w.hits))
        Console.output(String(format: "%%CER %.2f [ %d / %d, %d ins, %d del, %d sub ]", totals.characterErrorRate * 100, c.errors,
                              c.referenceLength, c.insertions, c.deletions, c.substitutions))
        Console.output(String(format: "%%SER %.2f [ %d / %d ]", totals.sentenceErrorRate * 100, totals.utterancesWithErrors, totals.utterances))
        Console.output(String(format: "%d utterances, %.1f s of audio in %.2f s: %.0f× real time", utterances, audioSeconds, seconds,
                              audioSeconds / max(seconds, 1e-9)))
        breakdown.forEach(Console.output)
        guard confusions > 0 else { return }
        let substitutions = totals.mostFrequentSubstitutions(limit: confusions)
        if !substitutions.isEmpty {
            Console.output("most frequent substitutions: " + substitutions.map { "\($0.item.reference) → \($0.item.hypothesis) (\($0.count))" }.joined(separator: ", "))
        }
        let deletions = totals.mostFrequentDeletions(limit: confusions)
        if !deletions.isEmpty { Console.output("most frequent deletions: " + deletions.map { "\($0.item) (\($0.count))" }.joined(separator: ", ")) }
        let insertions = totals.mostFrequentInsertions(limit: confusions)
        if !insertions.isEmpty { Console.output("most frequent insertions: " + insertions.map { "\($0.item) (\($0.count))" }.joined(separator: ", ")) }
    }

    /// "beam 16, keywords yes,no" from the decoding settings, in a fixed order.
    static func describe(_ settings: [String: Any]) -> String {
        let padding = (settings["pad"] as? Double).map { ", pad \($0) s" } ?? (settings["pad"] as? String).map { ", pad \($0)" } ?? ""
        let method = settings["method"] as? String
        guard method == "beam" || method == "one-word" else { return "greedy" + padding }
        var parts = [method == "beam" ? "beam \(settings["beam"] ?? "")" : "one word"]
        for key in ["top_k", "token_threshold", "beam_threshold", "nbest", "lexicon", "unknown_threshold", "lm", "lm_weight", "word_bonus"] {
            if let value = settings[key] { parts.append("\(key.replacingOccurrences(of: "_", with: "-")) \(value)") }
        }
        if let keywords = settings["keywords"] as? [String] { parts.append("keywords " + keywords.joined(separator: ",")) }
        if let vocabulary = settings["vocabulary"] as? String { parts.append(vocabulary) }
        if let hot = settings["hotwords"] as? [[String: Any]] { parts.append("\(hot.count) hotwords") }
        return parts.joined(separator: ", ") + padding
    }

    /// sclite ids cannot hold whitespace or parentheses.
    static func trnID(_ id: String) -> String {
        String(id.map { $0.isWhitespace || $0 == "(" || $0 == ")" ? "_" : $0 })
    }

    static func counts(_ c: EditCounts) -> [String: Int] {
        ["hits": c.hits, "substitutions": c.substitutions, "deletions": c.deletions, "insertions": c.insertions, "reference": c.referenceLength]
    }

    static func describe(_ step: AlignmentStep) -> [String: String] {
        switch step {
        case .match(let w): return ["op": "match", "ref": w, "hyp": w]
        case .substitution(let r, let h): return ["op": "substitution", "ref": r, "hyp": h]
        case .deletion(let r): return ["op": "deletion", "ref": r]
        case .insertion(let h): return ["op": "insertion", "hyp": h]
        }
    }
}
