import CochleaCore
import Foundation

/// Reads the three dataset layouts; `load` detects which one a path holds.
public enum DatasetLoader {
    /// Reads `path`: a `.tsv` manifest, a Kaldi data directory (`wav.scp` + `text`), Speech
    /// Commands folders, or a folder of such datasets (like a generated corpus: `words/` in the
    /// Speech Commands layout beside `sentences/` with train.tsv, validation.tsv and test.tsv).
    /// A manifest without a `split` column takes its split from its name (train, validation, dev,
    /// test, as Common Voice names them); `defaultSplit` applies where neither says.
    public static func load(_ path: String, defaultSplit: Split = .train) throws -> Dataset {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DatasetError(path: path, reason: "no such file or folder")
        }
        if !isDirectory.boolValue {
            guard path.lowercased().hasSuffix(".tsv") else {
                throw DatasetError(path: path, reason: "not a dataset: expected a .tsv manifest, a Kaldi data directory or Speech Commands folders")
            }
            return try ManifestReader.read(path, defaultSplit: splitNamed(path) ?? defaultSplit)
        }
        if let dataset = try loadFolder(path, defaultSplit: defaultSplit, depth: 0) { return dataset }
        throw DatasetError(path: path, reason: "found no word folders with audio, no .tsv manifest and no wav.scp: not a dataset Cochlea reads")
    }

    private static func loadFolder(_ path: String, defaultSplit: Split, depth: Int) throws -> Dataset? {
        let fm = FileManager.default
        if fm.fileExists(atPath: path + "/wav.scp") || fm.fileExists(atPath: path + "/text") {
            return try KaldiDirectoryReader.read(path, defaultSplit: defaultSplit)
        }
        let entries = ((try? fm.contentsOfDirectory(atPath: path)) ?? []).sorted()
        let manifests = entries.filter { $0.lowercased().hasSuffix(".tsv") }
            .map { (path as NSString).appendingPathComponent($0) }.filter(ManifestReader.isManifest)
        // Manifests named after splits come first: Common Voice keeps its audio in clips/ beside
        // train.tsv, dev.tsv and test.tsv (and validated.tsv, a superset that would duplicate them).
        let splitManifests = manifests.filter { splitNamed($0) != nil }
        if !splitManifests.isEmpty { return try readManifests(splitManifests, defaultSplit: defaultSplit) }
        let folders = entries.filter { isFolder((path as NSString).appendingPathComponent($0)) }
        let hasWordFolders = folders.contains { !$0.hasPrefix("_") && SpeechCommandsReader.holdsAudio((path as NSString).appendingPathComponent($0)) }
        if hasWordFolders { return try SpeechCommandsReader.read(path, defaultSplit: defaultSplit) }
        if depth == 0 {
            var dataset = Dataset()
            var found = false
            for folder in folders where !folder.hasPrefix("_") && !folder.hasPrefix(".") {
                if let inner = try loadFolder((path as NSString).appendingPathComponent(folder), defaultSplit: defaultSplit, depth: 1) {
                    dataset.append(inner)
                    found = true
                }
            }
            if found { return dataset }
        }
        return manifests.isEmpty ? nil : try readManifests(manifests, defaultSplit: defaultSplit)
    }

    private static func readManifests(_ manifests: [String], defaultSplit: Split) throws -> Dataset {
        var dataset = Dataset()
        for manifest in manifests {
            dataset.append(try ManifestReader.read(manifest, defaultSplit: splitNamed(manifest) ?? defaultSplit))
        }
        return dataset
    }

    /// The split a manifest's file name names, if any.
    static func splitNamed(_ path: String) -> Split? {
        switch ((path as NSString).lastPathComponent as NSString).deletingPathExtension.lowercased() {
        case "train", "training": return .train
        case "validation", "valid", "dev", "development": return .validation
        case "test", "testing", "eval": return .test
        default: return nil
        }
    }

    static func isFolder(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// Lowercase, typographic apostrophes made plain, whitespace collapsed to single spaces.
    public static func normalize(_ text: String) -> String {
        text.lowercased().replacingOccurrences(of: "\u{2019}", with: "'")
            .split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    static func fileExists(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }

    /// Lines of a text file, or an error naming it when it is not UTF-8.
    static func lines(_ path: String) throws -> [String] {
        try lines(data: contents(path), path: path)
    }

    static func contents(_ path: String) throws -> Data {
        guard let data = FileManager.default.contents(atPath: path) else { throw DatasetError(path: path, reason: "cannot read") }
        return data
    }

    /// Lines of a text file's contents, split as manifests are (`TextLineReader`); `path` names the
    /// file in errors.
    static func lines(data: Data, path: String) throws -> [String] {
        var reader = TextLineReader(data: data)
        var lines = [String]()
        do {
            while let line = try reader.next() { lines.append(line) }
        } catch TextLineReader.Failure.notUTF8(let line) {
            throw DatasetError(path: path, reason: "line \(line) is not UTF-8 text; convert the file (e.g. iconv -t UTF-8)")
        }
        return lines
    }

    /// Lines ending in LF or CRLF. (Swift reads "\r\n" as one Character, so splitting at "\n"
    /// alone leaves a Windows file in one piece.)
    static func splitLines<S: StringProtocol>(_ text: S) -> [S.SubSequence] {
        text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
    }
}

enum SpeechCommandsReader {
    static func read(_ root: String, defaultSplit: Split) throws -> Dataset {
        let fm = FileManager.default
        var dataset = Dataset()
        let validation = try list(root + "/validation_list.txt")
        let testing = try list(root + "/testing_list.txt")
        let folders = ((try? fm.contentsOfDirectory(atPath: root)) ?? []).sorted()
        for folder in folders {
            let full = (root as NSString).appendingPathComponent(folder)
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: full, isDirectory: &isDirectory), isDirectory.boolValue else { continue }
            let files = ((try? fm.contentsOfDirectory(atPath: full)) ?? []).filter { audioExtensions.contains(($0 as NSString).pathExtension.lowercased()) }.sorted()
            if folder.hasPrefix("_") {
                dataset.noiseFiles += files.map { (full as NSString).appendingPathComponent($0) }
                continue
            }
            for file in files {
                let relative = folder + "/" + file
                let split: Split = testing.contains(relative) ? .test : validation.contains(relative) ? .validation
                    : (validation.isEmpty && testing.isEmpty ? defaultSplit : .train)
                let speaker = file.range(of: "_nohash_").map { String(file[..<$0.lowerBound]) }
                dataset.utterances.append(Utterance(
                    id: relative, path: (full as NSString).appendingPathComponent(file),
                    transcript: DatasetLoader.normalize(folder.replacingOccurrences(of: "_", with: " ")),
                    split: split, speaker: speaker, source: (full as NSString).appendingPathComponent(file)))
            }
        }
        let known = Set(dataset.utterances.map(\.id))
        for (name, entries) in [("validation_list.txt", validation), ("testing_list.txt", testing)] {
            for entry in entries.sorted() where !known.contains(entry) {
                dataset.problems.append(DatasetProblem(kind: .missingAudio, location: root + "/" + name, detail: "lists \(entry), which does not exist"))
            }
        }
        if !dataset.utterances.isEmpty || !dataset.noiseFiles.isEmpty {
            dataset.sources.append("\(root) (\(DatasetLayout.speechCommands.rawValue))")
        }
        return dataset
    }

    /// A folder is a word folder when it holds audio files itself.
    static func holdsAudio(_ folder: String) -> Bool {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).contains {
            audioExtensions.contains(($0 as NSString).pathExtension.lowercased())
        }
    }

    private static func list(_ path: String) throws -> Set<String> {
        guard DatasetLoader.fileExists(path) else { return [] }
        return Set(try DatasetLoader.lines(path).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
    }

    static let audioExtensions: Set<String> = ["wav", "flac", "ogg", "oga", "aif", "aiff", "mp3", "opus", "au", "caf", "w64"]
}

enum ManifestReader {
    static let transcriptColumns = ["transcript", "sentence", "text"]

    /// Whether a .tsv found in a folder is a manifest (other TSVs, like a corpus's plan, are not).
    static func isManifest(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = String(decoding: handle.readData(ofLength: 4096), as: UTF8.self)
        let header = DatasetLoader.splitLines(head).first.map { $0.split(separator: "\t").map { $0.trimmingCharacters(in: .whitespacesAndNewlines).lowercased() } } ?? []
        return header.contains("path") && transcriptColumns.contains { header.contains($0) }
    }

    /// Reads the manifest a line at a time (a million lines are never held as text).
    static func read(_ path: String, defaultSplit: Split) throws -> Dataset {
        guard let reader = TextLineReader(path: path) else { throw DatasetError(path: path, reason: "cannot read") }
        return try parse(reader, path: path, defaultSplit: defaultSplit)
    }

    /// A manifest's contents; `path` names it in messages and locates the audio paths it gives.
    static func parse(_ data: Data, path: String, defaultSplit: Split) throws -> Dataset {
        try parse(TextLineReader(data: data), path: path, defaultSplit: defaultSplit)
    }

    private static func parse(_ reader: TextLineReader, path: String, defaultSplit: Split) throws -> Dataset {
        var reader = reader
        func nextLine() throws -> String? {
            do {
                return try reader.next()
            } catch TextLineReader.Failure.notUTF8(let line) {
                throw DatasetError(path: path, reason: "line \(line) is not UTF-8 text; convert the file (e.g. iconv -t UTF-8)")
            } catch TextLineReader.Failure.unreadable(let reason) {
                throw DatasetError(path: path, reason: "cannot read: \(reason)")
            }
        }
        guard let headerLine = try nextLine() else { throw DatasetError(path: path, reason: "empty manifest") }
        let header = headerLine.split(separator: "\t", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard let pathColumn = header.firstIndex(of: "path") else {
            throw DatasetError(path: path, reason: "header has no 'path' column (columns: \(header.joined(separator: ", ")))")
        }
        guard let textColumn = transcriptColumns.lazy.compactMap({ header.firstIndex(of: $0) }).first else {
            throw DatasetError(path: path, reason: "header has no transcript column (one of \(transcriptColumns.joined(separator: ", ")))")
        }
        let splitColumn = header.firstIndex(of: "split")
        let speakerColumn = header.firstIndex(of: "speaker") ?? header.firstIndex(of: "client_id")
        let folder = (path as NSString).deletingLastPathComponent
        var dataset = Dataset(sources: ["\(path) (\(DatasetLayout.manifest.rawValue))"])
        while let line = try nextLine() {
            guard !line.allSatisfy(\.isWhitespace) else { continue }
            let location = "\(path):\(reader.lineNumber)"
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count > max(pathColumn, textColumn) else {
                dataset.problems.append(DatasetProblem(kind: .malformedLine, location: location, detail: "\(fields.count) columns, the header has \(header.count)"))
                continue
            }
            let relative = fields[pathColumn].trimmingCharacters(in: .whitespaces)
            // A manifest travels with its audio: a path that leaves its folder (absolute, or through
            // "..") breaks when the corpus is moved, and can point anywhere on the machine.
            if relative.hasPrefix("/") || leavesFolder(relative) {
                dataset.problems.append(DatasetProblem(kind: .outsideFolder, location: location,
                                                       detail: "\(relative): give paths relative to the manifest, inside its folder"))
                continue
            }
            let audio = resolve(relative, folder: folder)
            var split = defaultSplit
            if let column = splitColumn, column < fields.count, !fields[column].isEmpty {
                guard let parsed = Split(rawValue: fields[column].lowercased().replacingOccurrences(of: "dev", with: "validation")) else {
                    dataset.problems.append(DatasetProblem(kind: .malformedLine, location: location, detail: "split '\(fields[column])' is not train, validation or test"))
                    continue
                }
                split = parsed
            }
            let speaker = speakerColumn.flatMap { $0 < fields.count && !fields[$0].isEmpty ? fields[$0] : nil }
            dataset.utterances.append(Utterance(
                id: location, path: audio, transcript: DatasetLoader.normalize(fields[textColumn]), split: split,
                speaker: speaker, source: location, holdOutKey: relative))
        }
        return dataset
    }

    /// True when a relative path climbs above its starting folder ("a/../../b"), judged from its
    /// components alone: no file system call, which matters at a million lines.
    static func leavesFolder(_ relative: String) -> Bool {
        var depth = 0
        for component in relative.split(separator: "/") {
            if component == ".." {
                depth -= 1
                if depth < 0 { return true }
            } else if component != "." {
                depth += 1
            }
        }
        return false
    }

    /// Paths are relative to the manifest; Common Voice's manifests name files in a `clips/` folder beside them.
    private static func resolve(_ relative: String, folder: String) -> String {
        let direct = (folder as NSString).appendingPathComponent(relative)
        if !DatasetLoader.fileExists(direct) {
            let clips = (folder as NSString).appendingPathComponent("clips/" + relative)
            if DatasetLoader.fileExists(clips) { return clips }
        }
        return direct
    }
}

enum KaldiDirectoryReader {
    static func read(_ root: String, defaultSplit: Split) throws -> Dataset {
        let scp = root + "/wav.scp", textPath = root + "/text"
        guard DatasetLoader.fileExists(scp) else { throw DatasetError(path: root, reason: "Kaldi data directory without wav.scp") }
        guard DatasetLoader.fileExists(textPath) else { throw DatasetError(path: root, reason: "Kaldi data directory without text") }
        let speakersPath = root + "/utt2spk"
        return try parse(wavScp: DatasetLoader.contents(scp), text: DatasetLoader.contents(textPath),
                         utt2spk: DatasetLoader.fileExists(speakersPath) ? DatasetLoader.contents(speakersPath) : nil,
                         root: root, defaultSplit: defaultSplit)
    }

    /// The contents of a Kaldi data directory's `wav.scp`, `text` and optional `utt2spk`; `root`
    /// names the folder in messages and locates the relative audio paths.
    static func parse(wavScp: Data, text: Data, utt2spk: Data?, root: String, defaultSplit: Split) throws -> Dataset {
        let scp = root + "/wav.scp", textPath = root + "/text", speakersPath = root + "/utt2spk"
        var dataset = Dataset(sources: ["\(root) (\(DatasetLayout.kaldi.rawValue))"])
        let audio = keyed(try DatasetLoader.lines(data: wavScp, path: scp), file: scp, problems: &dataset.problems)
        let texts = keyed(try DatasetLoader.lines(data: text, path: textPath), file: textPath, problems: &dataset.problems)
        var speakers = [String: (String, Int)]()
        if let utt2spk {
            speakers = keyed(try DatasetLoader.lines(data: utt2spk, path: speakersPath), file: speakersPath, problems: &dataset.problems)
        }
        for (id, (value, line)) in audio.sorted(by: { $0.value.1 < $1.value.1 }) {
            let location = "\(scp):\(line)"
            if value.hasSuffix("|") {
                dataset.problems.append(DatasetProblem(kind: .malformedLine, location: location, detail: "piped commands in wav.scp are not supported; give plain paths"))
                continue
            }
            guard let (text, _) = texts[id] else {
                dataset.problems.append(DatasetProblem(kind: .emptyTranscript, location: location, detail: "\(id) has no line in \(textPath)"))
                continue
            }
            let path = value.hasPrefix("/") ? value : (root as NSString).appendingPathComponent(value)
            dataset.utterances.append(Utterance(id: id, path: FileManager.default.fileExists(atPath: path) ? path : value,
                                                transcript: DatasetLoader.normalize(text), split: defaultSplit,
                                                speaker: speakers[id]?.0, source: location))
        }
        return dataset
    }

    /// `id rest-of-line` pairs with their line numbers; repeated ids are reported.
    private static func keyed(_ lines: [String], file: String, problems: inout [DatasetProblem]) -> [String: (String, Int)] {
        var result = [String: (String, Int)]()
        for (index, line) in lines.enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { continue }
            // The id ends at the first space or tab, as Kaldi's SplitStringOnFirstSpace has it.
            let parts = trimmed.split(maxSplits: 1, omittingEmptySubsequences: true, whereSeparator: { $0 == " " || $0 == "\t" })
            let id = String(parts[0]), rest = parts.count > 1 ? String(parts[1]).trimmingCharacters(in: .whitespaces) : ""
            if let (_, first) = result[id] {
                problems.append(DatasetProblem(kind: .duplicate, location: "\(file):\(index + 1)", detail: "id \(id) already at line \(first)"))
                continue
            }
            result[id] = (rest, index + 1)
        }
        return result
    }
}
