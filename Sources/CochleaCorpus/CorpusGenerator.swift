import CochleaAudio
import CochleaCore
import Foundation

/// What a generation run did.
public struct GenerationReport: Sendable {
    /// Audio files written (clips and noise recordings).
    public var written = 0
    /// Clips that could not be made after a retry; the corpus lists leave them out.
    public var failures = [CorpusError]()
    /// Single words longer than 1 s after perturbation, sped up with an extra sox tempo to fit.
    public var fitted = 0
    public var seconds = 0.0
}

/// Makes the audio of a plan under `root`, on `threads` threads, one external process chain per
/// clip: synthesiser → sox → trim, pad, noise and level here → 16-bit WAV written atomically.
public struct CorpusGenerator {
    public var plan: CorpusPlan
    public var root: String
    public var threads: Int
    /// Festival and piper utterances per process: festival's start-up costs about ten utterances'
    /// synthesis, piper's about fifty.
    public var batchSize = 150
    /// The Python interpreter that runs piper (`NeuralVoices`).
    public var python = "python3"

    public init(plan: CorpusPlan, root: String, threads: Int = Parallel.coreCount) {
        self.plan = plan
        self.root = root
        self.threads = threads
    }

    /// Units of work `generate` reports through `progress`: one per clip or babble utterance, one per
    /// noise recording, and one per festival or piper utterance synthesised ahead in batches.
    public var workCount: Int {
        plan.items.count + plan.items.filter { $0.engine.map(Self.batched.contains) ?? false }.count
            + (plan.items.contains { $0.part == .babble } ? 1 : 0)
    }

    /// The engines whose items are made in batches ahead of the clips.
    static let batched: Set<Engine> = [.festival, .piper]

    /// Writes every file of the plan, then the lists and manifests of what was written. Throws only
    /// for problems that stop the whole run (a missing synthesiser, an unwritable folder); a clip
    /// that fails twice is reported in the result.
    public func generate(progress: @escaping (Int) -> Void = { _ in }) throws -> GenerationReport {
        let start = Date()
        let items = plan.items
        let scratch = NSTemporaryDirectory() + "cochlea-corpus-\(getpid())-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: scratch + "/batches", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try Synthesiser.checkInstalled(engines: Set(items.compactMap(\.engine)),
                                       festivalVoices: Set(items.filter { $0.engine == .festival }.map(\.voice)), python: python, scratch: scratch)
        for folder in Set(items.map { ($0.path as NSString).deletingLastPathComponent }) {
            try FileManager.default.createDirectory(atPath: root + "/" + folder, withIntermediateDirectories: true)
        }

        let randomVoices = Set(items.filter { $0.engine == .espeak && RandomTimbres.isRandom(espeakVoice: $0.voice) }.map(\.voice))
        let espeakData = scratch + "/espeak-ng-data"
        if !randomVoices.isEmpty { try RandomTimbres.prepareDataFolder(espeakData, voices: randomVoices, scratch: scratch) }
        synthesiseBatches(items, scratch: scratch + "/batches", progress: progress)

        let results = Results()
        let speech = items.indices.filter { items[$0].part != .noise }
        Parallel.forEach(count: speech.count, threads: threads, makeWorker: { thread -> String in
            let folder = scratch + "/worker\(thread)"
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            return folder
        }) { folder, k in
            let index = speech[k]
            results.record(index, outcome: makeClip(items[index], index: index, scratch: folder, batches: scratch + "/batches",
                                                    espeakData: espeakData))
            progress(1)
        }

        for (index, item) in items.enumerated() where item.part == .noise {
            var samples = NoiseGenerator.make(item.noise, count: Int(item.offset * Double(PlanItem.sampleRate)), seed: item.seed)
            ClipMixer.normalise(&samples, peak: item.level)
            results.record(index, outcome: write(samples, item))
            progress(1)
        }
        if let first = items.firstIndex(where: { $0.part == .babble }) {
            results.record(first, outcome: write(mixBabble(items, results), items[first]))
            progress(1)
        }

        try CorpusLayout.writeLists(items: items, written: results.written, root: root)
        var report = results.report
        report.failures.sort { $0.description < $1.description }
        report.seconds = Date().timeIntervalSince(start)
        return report
    }

    enum Outcome {
        case written(duration: Double, fitted: Bool)
        case babble([Float])
        case failed(CorpusError)
    }

    /// Speech items of festival and piper voices, many per process, into `scratch/<index>.wav`; a
    /// piper batch is seeded by its first item. A batch that fails leaves files missing; each such
    /// clip is then retried alone.
    func synthesiseBatches(_ items: [PlanItem], scratch: String, progress: (Int) -> Void) {
        let batchable = items.indices.filter { items[$0].engine.map(Self.batched.contains) ?? false }
        let byVoice = Dictionary(grouping: batchable) { "\(items[$0].engine!.rawValue)/\(items[$0].voice)" }
        var batches = [[Int]]()
        for voice in byVoice.keys.sorted() {
            let indices = byVoice[voice]!
            batches += stride(from: 0, to: indices.count, by: batchSize).map { Array(indices[$0..<min($0 + batchSize, indices.count)]) }
        }
        Parallel.forEach(count: batches.count, threads: threads, makeWorker: { _ in () }) { _, b in
            let jobs = batches[b].map { (items[$0], "\(scratch)/\($0).wav") }
            let log = "\(scratch)/batch\(b).log"
            if jobs[0].0.engine == .piper {
                try? NeuralVoices.run(jobs, seed: jobs[0].0.seed, python: python, scratch: scratch, name: "batch\(b)", log: log)
            } else {
                try? Synthesiser.runFestival(jobs, scratch: scratch, name: "batch\(b)", log: log)
            }
            progress(jobs.count)
        }
    }

    /// Two attempts, then a reported failure; nothing is written under the clip's name unless it is whole.
    func makeClip(_ item: PlanItem, index: Int, scratch: String, batches: String, espeakData: String) -> Outcome {
        var lastError = ""
        for attempt in 0..<2 {
            do {
                var wav = scratch + "/synth.wav"
                let batched = "\(batches)/\(index).wav"
                if attempt == 0 && FileManager.default.fileExists(atPath: batched) {
                    wav = batched
                } else {
                    try Synthesiser.synthesise(item, to: wav, log: scratch + "/synth.log", espeakData: espeakData, python: python)
                }
                let (speech, fitted) = try perturbedSpeech(wav, item, scratch: scratch)
                let clip = ClipMixer.finish(speech, item)
                if item.part == .babble { return .babble(clip) }
                if case .failed(let error) = write(clip, item) { throw error }
                return .written(duration: Double(clip.count) / Double(PlanItem.sampleRate), fitted: fitted)
            } catch CorpusError.clipFailed(_, let reason) {
                lastError = reason
            } catch {
                lastError = "\(error)"
            }
        }
        return .failed(.clipFailed(path: item.path, reason: lastError))
    }

    /// sox's output trimmed to the speech; a single word that would not fit in 1 s with its margins
    /// is run through sox again with the extra tempo that makes it fit (speech is never cut). The
    /// speech region does not shrink exactly with the tempo, so up to three such passes are made.
    func perturbedSpeech(_ wav: String, _ item: PlanItem, scratch: String) throws -> ([Float], Bool) {
        let log = scratch + "/sox.log"
        var samples = try Synthesiser.perturb(wav, item, scratch: scratch, log: log)
        guard var region = ClipMixer.speechRegion(samples) else { throw CorpusError.clipFailed(path: item.path, reason: "the synthesiser produced silence") }
        let limit = PlanItem.wordSamples - 2 * ClipMixer.margin
        guard item.part == .word, region.count > limit else { return (Array(samples[region]), false) }
        var extra = 1.0
        for _ in 0..<3 {
            extra *= Double(region.count) / (Double(limit) * 0.97)
            samples = try Synthesiser.perturb(wav, item, extraTempo: extra, scratch: scratch, log: log)
            guard let fitted = ClipMixer.speechRegion(samples) else { throw CorpusError.clipFailed(path: item.path, reason: "the synthesiser produced silence") }
            region = fitted
            if region.count <= PlanItem.wordSamples { return (Array(samples[region]), true) }
        }
        throw CorpusError.clipFailed(path: item.path, reason: "speech is longer than 1 s even at tempo \(item.tempo * extra)")
    }

    func write(_ samples: [Float], _ item: PlanItem) -> Outcome {
        do {
            try AudioWriter.write(samples, sampleRate: PlanItem.sampleRate, encoding: .wavPCM16, to: root + "/" + item.path)
            return .written(duration: Double(samples.count) / Double(PlanItem.sampleRate), fitted: false)
        } catch {
            return .failed(.clipFailed(path: item.path, reason: "\(error)"))
        }
    }

    /// The babble recording: every babble utterance added at its offset, in plan order (so the sum
    /// does not depend on which thread finished first), then scaled to −6 dBFS peak.
    func mixBabble(_ items: [PlanItem], _ results: Results) -> [Float] {
        let seconds = items.first { $0.part == .noise }?.offset ?? (items.filter { $0.part == .babble }.map(\.offset).max() ?? 0) + 1
        var mix = [Float](repeating: 0, count: Int(seconds * Double(PlanItem.sampleRate)))
        for (index, item) in items.enumerated() where item.part == .babble {
            guard let utterance = results.babble[index] else { continue }
            let start = Int(item.offset * Double(PlanItem.sampleRate))
            for (i, s) in utterance.enumerated() where start + i < mix.count { mix[start + i] += s }
        }
        ClipMixer.normalise(&mix, peak: -6)
        return mix
    }
}

/// Outcomes gathered from the worker threads.
final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var report = GenerationReport()
    private(set) var written = [Int: Double]()
    private(set) var babble = [Int: [Float]]()

    func record(_ index: Int, outcome: CorpusGenerator.Outcome) {
        lock.lock(); defer { lock.unlock() }
        switch outcome {
        case .written(let duration, let fitted):
            written[index] = duration
            report.written += 1
            if fitted { report.fitted += 1 }
        case .babble(let samples): babble[index] = samples
        case .failed(let error): report.failures.append(error)
        }
    }
}
