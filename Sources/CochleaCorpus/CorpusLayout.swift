import CochleaAudio
import CochleaCore
import Foundation

/// The files a corpus folder holds besides audio, and a checker for the layout training reads:
///
///     <root>/plan.tsv, voices.tsv
///     <root>/words/                  a Speech Commands root: <word>/<speaker>_nohash_<n>.wav,
///                                    _background_noise_/*.wav, validation_list.txt, testing_list.txt
///     <root>/sentences/              train.tsv, validation.tsv, test.tsv (path, transcript, speaker,
///                                    duration; paths relative to sentences/) and <split>/*.wav
///
/// Words and sentences are separate roots because a Speech Commands reader takes every folder of
/// its root not starting with `_` for a word.
public enum CorpusLayout {
    public static let manifestColumns = ["path", "transcript", "speaker", "duration"]

    /// Writes the Speech Commands lists and the sentence manifests for the items in `written`
    /// (plan index → duration in seconds). Files that failed are left out of both.
    static func writeLists(items: [PlanItem], written: [Int: Double], root: String) throws {
        let done = items.indices.filter { written[$0] != nil }
        if items.contains(where: { $0.part == .word }) {
            for (split, name) in [(Split.validation, "validation_list.txt"), (.test, "testing_list.txt")] {
                let lines = done.filter { items[$0].part == .word && items[$0].split == split }
                    .map { String(items[$0].path.dropFirst("words/".count)) }.sorted()
                try AtomicFile.write(lines.map { $0 + "\n" }.joined(), to: "\(root)/words/\(name)")
            }
        }
        if items.contains(where: { $0.part == .sentence }) {
            for split in Split.allCases {
                var text = manifestColumns.joined(separator: "\t") + "\n"
                for i in done where items[i].part == .sentence && items[i].split == split {
                    let item = items[i]
                    let path = String(item.path.dropFirst("sentences/".count))
                    text += [path, item.transcript, item.speaker, String(format: "%.3f", written[i]!)].joined(separator: "\t") + "\n"
                }
                try AtomicFile.write(text, to: "\(root)/sentences/\(split.rawValue).tsv")
            }
        }
    }

    /// `voices.tsv`: each speaker of the catalogue that the plan uses, its split, gender, whether it
    /// was recorded from a real person, its renderers, how many plan lines it speaks (babble included)
    /// and the accents it speaks with ("english" for none).
    public static func voicesTable(_ speakers: [Speaker], plan: CorpusPlan) -> String {
        let splits = plan.speakerSplits
        var clips = [String: Int]()
        var accents = [String: Set<String>]()
        for item in plan.items where !item.speaker.isEmpty {
            clips[item.speaker, default: 0] += 1
            if let accent = Accent.of(item) { accents[item.speaker, default: []].insert(accent.rawValue) }
        }
        var text = "speaker\tsplit\tgender\trecorded\trenderers\tclips\taccent\n"
        for speaker in speakers {
            guard let split = splits[speaker.id] else { continue }
            text += [speaker.id, split.rawValue, speaker.gender.rawValue, speaker.recorded ? "yes" : "no",
                     speaker.renderers.map(\.id).joined(separator: ","), "\(clips[speaker.id]!)",
                     accents[speaker.id].map { $0.sorted().joined(separator: ",") } ?? "english"].joined(separator: "\t") + "\n"
        }
        return text
    }

    /// What `check` found.
    public struct Summary: Equatable {
        /// Single-word clips per split (training = every clip in no list).
        public var words: [Split: Int] = [:]
        public var sentences: [Split: Int] = [:]
        /// Speakers per split, from file names and manifests.
        public var speakers: [Split: Set<String>] = [:]
        public var vocabulary: Set<String> = []
        public var noiseFiles = 0
    }

    /// Checks that `root` follows the layout above: every list and manifest line names an existing
    /// 16 kHz mono WAV, single words are exactly 1 s, file names are `<speaker>_nohash_<n>.wav`, no
    /// held-out speaker occurs in training, and no temporary file is left. Throws `badLayout` naming
    /// the first problem.
    public static func check(_ root: String) throws -> Summary {
        var summary = Summary()
        let fm = FileManager.default
        func fail(_ path: String, _ reason: String) -> CorpusError { .badLayout(path: path, reason: reason) }
        guard fm.fileExists(atPath: root + "/words") || fm.fileExists(atPath: root + "/sentences") else {
            throw fail(root, "holds neither words/ nor sentences/; is it a corpus made by cochlea corpus?")
        }
        if let hidden = (fm.subpaths(atPath: root) ?? []).first(where: { ($0 as NSString).lastPathComponent.hasPrefix(".") }) {
            throw fail("\(root)/\(hidden)", "temporary or hidden file left in the corpus")
        }
        func audio(_ path: String, seconds: Double?) throws {
            guard let info = try? AudioDecoder.info(path: path) else { throw fail(path, "missing or not readable audio") }
            guard info.sampleRate == 16_000, info.channels == 1 else { throw fail(path, "\(info.sampleRate) Hz, \(info.channels) channels; expected 16 kHz mono") }
            if let seconds, info.frames != Int(seconds * 16_000) { throw fail(path, "\(info.frames) samples; single words must be exactly 16,000") }
        }
        func speaker(of file: String) throws -> String {
            let name = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
            let parts = name.components(separatedBy: "_nohash_")
            guard parts.count == 2, !parts[0].isEmpty, Int(parts[1]) != nil else { throw fail(file, "name is not <speaker>_nohash_<n>.wav") }
            return parts[0]
        }

        let words = root + "/words"
        if fm.fileExists(atPath: words) {
            var held = [String: Split]()
            for (split, name) in [(Split.validation, "validation_list.txt"), (.test, "testing_list.txt")] {
                guard let text = try? String(contentsOfFile: "\(words)/\(name)", encoding: .utf8) else { throw fail("\(words)/\(name)", "missing") }
                for line in text.split(separator: "\n").map(String.init) {
                    guard line.split(separator: "/").count == 2, !line.hasPrefix("_") else { throw fail("\(words)/\(name)", "line \"\(line)\" is not <word>/<file>.wav") }
                    guard held.updateValue(split, forKey: line) == nil else { throw fail("\(words)/\(name)", "\(line) is listed twice") }
                }
            }
            for folder in try fm.contentsOfDirectory(atPath: words).sorted() {
                var isFolder: ObjCBool = false
                guard fm.fileExists(atPath: "\(words)/\(folder)", isDirectory: &isFolder), isFolder.boolValue else { continue }
                let files = try fm.contentsOfDirectory(atPath: "\(words)/\(folder)").sorted()
                if folder.hasPrefix("_") {
                    for file in files { try audio("\(words)/\(folder)/\(file)", seconds: nil) }
                    summary.noiseFiles += files.count
                    continue
                }
                summary.vocabulary.insert(folder)
                for file in files {
                    let path = "\(words)/\(folder)/\(file)"
                    try audio(path, seconds: 1)
                    let split = held.removeValue(forKey: "\(folder)/\(file)") ?? .train
                    summary.words[split, default: 0] += 1
                    summary.speakers[split, default: []].insert(try speaker(of: path))
                }
            }
            if let missing = held.keys.sorted().first { throw fail("\(words)/\(missing)", "listed but missing") }
        }

        let sentences = root + "/sentences"
        if fm.fileExists(atPath: sentences) {
            for split in Split.allCases {
                let manifest = "\(sentences)/\(split.rawValue).tsv"
                guard let text = try? String(contentsOfFile: manifest, encoding: .utf8) else { throw fail(manifest, "missing") }
                let lines = text.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
                guard lines.first == manifestColumns else { throw fail(manifest, "header must be " + manifestColumns.joined(separator: " <tab> ")) }
                for (n, fields) in lines.enumerated().dropFirst() {
                    guard fields.count == manifestColumns.count, !fields[1].isEmpty else { throw fail(manifest, "line \(n + 1): expected 4 fields and a transcript") }
                    try audio("\(sentences)/\(fields[0])", seconds: nil)
                    guard try speaker(of: fields[0]) == fields[2] else { throw fail(manifest, "line \(n + 1): speaker \(fields[2]) does not match the file name") }
                    summary.sentences[split, default: 0] += 1
                    summary.speakers[split, default: []].insert(fields[2])
                }
            }
        }

        let training = summary.speakers[.train] ?? []
        for split in [Split.validation, .test] {
            if let shared = (summary.speakers[split] ?? []).intersection(training).sorted().first {
                throw fail(root, "speaker \(shared) occurs in both training and \(split.rawValue)")
            }
        }
        if let shared = (summary.speakers[.validation] ?? []).intersection(summary.speakers[.test] ?? []).sorted().first {
            throw fail(root, "speaker \(shared) occurs in both validation and test")
        }
        return summary
    }
}

extension CorpusLayout {
    /// Makes `root` ready for a new corpus: refuses one that already holds a plan unless `overwrite`,
    /// in which case the old corpus's files (and only those) are removed first.
    public static func prepareOutput(_ root: String, overwrite: Bool) throws {
        let fm = FileManager.default
        if fm.fileExists(atPath: root + "/plan.tsv") {
            guard overwrite else { throw CorpusError.outputExists(path: root) }
            for name in ["words", "sentences", "plan.tsv", "voices.tsv"] where fm.fileExists(atPath: "\(root)/\(name)") {
                try fm.removeItem(atPath: "\(root)/\(name)")
            }
        }
        try fm.createDirectory(atPath: root, withIntermediateDirectories: true)
    }
}
