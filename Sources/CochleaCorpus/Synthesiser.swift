import Foundation

/// The command lines that turn a plan item into audio: a synthesiser writes a WAV at its own rate,
/// then sox perturbs speed, tempo and pitch and resamples to 16 kHz float samples.
enum Synthesiser {
    /// Throws `missingTool` / `missingFestivalVoice` naming the Debian package for the first thing
    /// the given engines and the catalogue's festival voices among `festivalVoices` need that is not
    /// installed, or `missingNeuralPackages` if piper's Python cannot import them. Festival is asked
    /// which voices it has (one start-up).
    static func checkInstalled(engines: Set<Engine>, festivalVoices: Set<String>, python: String, scratch: String) throws {
        for engine in engines.sorted() where engine != .piper && !Subprocess.isOnPath(engine.executable) {
            throw CorpusError.missingTool(executable: engine.executable, package: engine.package)
        }
        if engines.contains(.piper) { try NeuralVoices.checkInstalled(python: python, scratch: scratch) }
        guard Subprocess.isOnPath("sox") else { throw CorpusError.missingTool(executable: "sox", package: "sox") }
        guard engines.contains(.festival) else { return }
        let script = scratch + "/voices.scm", listing = scratch + "/voices.txt"
        try "(print (voice.list))\n".write(toFile: script, atomically: true, encoding: .utf8)
        try Subprocess.run("festival", ["--batch", script], stdout: listing, stderr: scratch + "/voices.err")
        let known = String(decoding: FileManager.default.contents(atPath: listing) ?? Data(), as: UTF8.self)
            .split(whereSeparator: { " ()\n".contains($0) }).map(String.init)
        // A voice outside the catalogue has no package to name: its clips fail one by one instead.
        for voice in festivalVoices.sorted() where !known.contains(voice) {
            guard let package = VoiceCatalogue.festivalPackages[voice] else { continue }
            throw CorpusError.missingFestivalVoice(voice: voice, package: package)
        }
    }

    /// One item into `wav`. Festival and piper items are made in batches beforehand (`festivalScript`,
    /// `NeuralVoices.run`), since each festival process spends 0.3 s starting and each piper one
    /// loads a 63 MB network; this is for the ones a batch missed, and for the other engines.
    /// `espeakData` is the data folder of the random timbres (`RandomTimbres.prepareDataFolder`).
    static func synthesise(_ item: PlanItem, to wav: String, log: String, espeakData: String, python: String) throws {
        switch item.engine {
        case .espeak:
            var options = ["-v", item.voice, "-s", "\(item.rate)", "-p", "\(item.pitch)", "-w", wav, spokenText(item)]
            if RandomTimbres.isRandom(espeakVoice: item.voice) { options.insert("--path=" + espeakData, at: 0) }
            try Subprocess.run("espeak-ng", options, stderr: log)
        case .flite:
            try Subprocess.run("flite", ["-voice", item.voice, "--setf", "duration_stretch=\(item.stretch)", "-t", item.transcript, "-o", wav],
                               stderr: log)
        case .festival:
            try runFestival([(item, wav)], scratch: (wav as NSString).deletingLastPathComponent, name: "retry", log: log)
        case .piper:
            try NeuralVoices.run([(item, wav)], seed: item.seed, python: python, scratch: (wav as NSString).deletingLastPathComponent,
                                 name: "retry", log: log)
        case nil:
            preconditionFailure("noise items are not synthesised")
        }
    }

    /// A Scheme script that makes every `(item, wav)` in one festival process.
    static func festivalScript(_ jobs: [(PlanItem, String)]) -> String {
        var script = ""
        var current = ""
        for (item, wav) in jobs {
            if item.voice != current {
                script += "(voice_\(item.voice))\n"
                current = item.voice
            }
            if item.voice.hasSuffix("_hts") {
                // HTS voices ignore Duration_Stretch; hts_engine's -r is a speaking-rate factor.
                script += "(set! hts_engine_params (append \(item.voice)::hts_engine_params (list (list \"-r\" \(1 / item.stretch)))))\n"
            } else {
                script += "(Parameter.set 'Duration_Stretch \(item.stretch))\n"
            }
            script += "(utt.save.wave (SynthText \"\(spokenText(item))\") \"\(wav)\" 'riff)\n"
        }
        return script
    }

    /// What the synthesiser is given to say: the transcript, respelled for an accented voice.
    static func spokenText(_ item: PlanItem) -> String {
        guard let accent = Accent.of(item) else { return item.transcript }
        return accent.respell(item.transcript) ?? item.transcript
    }

    static func runFestival(_ jobs: [(PlanItem, String)], scratch: String, name: String, log: String) throws {
        let script = "\(scratch)/\(name).scm"
        try festivalScript(jobs).write(toFile: script, atomically: true, encoding: .utf8)
        try Subprocess.run("festival", ["--batch", script], stderr: log)
    }

    /// sox's effects for an item, with an extra tempo factor to fit a long word into 1 s.
    static func soxEffects(_ item: PlanItem, extraTempo: Double = 1) -> [String] {
        var effects = [String]()
        if item.cents != 0 { effects += ["pitch", "\(item.cents)"] }
        let tempo = item.tempo * extraTempo
        if tempo != 1 { effects += ["tempo", "-s", "\(tempo)"] }
        if item.speed != 1 { effects += ["speed", "\(item.speed)"] }
        return effects + ["rate", "-h", "\(PlanItem.sampleRate)"]
    }

    /// Runs sox on `wav` and returns the result as 16 kHz mono float samples.
    static func perturb(_ wav: String, _ item: PlanItem, extraTempo: Double = 1, scratch: String, log: String) throws -> [Float] {
        let raw = scratch + "/perturbed.f32"
        // Float output: no dither, so the result is a function of the input alone.
        try Subprocess.run("sox", ["-V1", wav, "-t", "raw", "-e", "floating-point", "-b", "32", "-c", "1", raw]
                                  + soxEffects(item, extraTempo: extraTempo), stderr: log)
        guard let data = FileManager.default.contents(atPath: raw), data.count >= 4 else {
            throw Subprocess.Failure(command: "sox", reason: "produced no samples")
        }
        var samples = [Float](repeating: 0, count: data.count / 4)
        samples.withUnsafeMutableBytes { target in
            data.withUnsafeBytes { source in target.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[0..<target.count])) }
        }
        return samples
    }
}
