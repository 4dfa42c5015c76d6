/// Which part of a corpus an utterance belongs to.
public enum Split: String, Codable, CaseIterable, Sendable {
    case train, validation, test
}

/// One labelled recording.
public struct Utterance: Codable, Equatable, Sendable {
    /// Unique within the dataset (Kaldi utterance id, or the path relative to the corpus root).
    public var id: String
    /// Absolute or working-directory-relative path of the audio.
    public var path: String
    /// What was said, normalised (lowercase, single spaces).
    public var transcript: String
    public var split: Split
    /// The speaker or voice, when the layout says (Speech Commands' hash prefix, a TSV column, utt2spk).
    public var speaker: String?
    /// Where the entry came from, for messages: "file:line" or the audio path.
    public var source: String
    /// What the validation hold-out hashes when no speaker is named: the same wherever the dataset
    /// lies and however its path is written (a manifest's audio path as the manifest gives it; else
    /// the id), so that `data/m.tsv` and `/home/me/data/m.tsv` hold out the same utterances.
    public var holdOutKey: String

    public init(id: String, path: String, transcript: String, split: Split, speaker: String?, source: String,
                holdOutKey: String? = nil) {
        self.id = id
        self.holdOutKey = holdOutKey ?? id
        self.path = path
        self.transcript = transcript
        self.split = split
        self.speaker = speaker
        self.source = source
    }
}

/// A problem with one entry of a dataset; the entry is skipped and counted, not fatal.
public struct DatasetProblem: Equatable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, CaseIterable {
        case missingAudio = "missing audio"
        case undecodableAudio = "undecodable audio"
        case emptyTranscript = "empty transcript"
        case unknownCharacters = "characters outside the token set"
        case duplicate = "duplicate entry"
        case malformedLine = "malformed line"
        case tooShort = "too short for its transcript"
        case outsideFolder = "audio path outside the manifest's folder"
    }
    public var kind: Kind
    /// "file:line" or a path.
    public var location: String
    public var detail: String

    public var description: String { "\(location): \(kind.rawValue)\(detail.isEmpty ? "" : ": " + detail)" }
}

/// The layouts Cochlea reads, detected from what is on disk.
public enum DatasetLayout: String, Sendable {
    /// One folder per word (the folder name is the transcript); `_background_noise_` and other `_`
    /// folders hold noise; `validation_list.txt` and `testing_list.txt` define the split.
    case speechCommands = "Speech Commands folders"
    /// A TSV with a header naming `path` and a transcript column (`transcript`, `sentence` or `text`),
    /// and optionally `split` and `speaker` (or Common Voice's `client_id`).
    case manifest = "TSV manifest"
    /// A Kaldi data directory: `wav.scp` (plain paths) and `text`, optionally `utt2spk`.
    case kaldi = "Kaldi data directory"
}

/// Utterances from one or more sources, with the problems found reading them.
public struct Dataset: Sendable {
    public var utterances: [Utterance]
    public var problems: [DatasetProblem]
    /// Long noise recordings for augmentation (Speech Commands' `_background_noise_`).
    public var noiseFiles: [String]
    /// What was read, for people: "corpus/ (Speech Commands folders, 12,000 utterances)".
    public var sources: [String]

    public init(utterances: [Utterance] = [], problems: [DatasetProblem] = [], noiseFiles: [String] = [], sources: [String] = []) {
        self.utterances = utterances
        self.problems = problems
        self.noiseFiles = noiseFiles
        self.sources = sources
    }

    public func split(_ split: Split) -> [Utterance] { utterances.filter { $0.split == split } }

    public mutating func append(_ other: Dataset) {
        utterances += other.utterances
        problems += other.problems
        noiseFiles += other.noiseFiles
        sources += other.sources
    }

    /// Drops later entries whose id or audio path repeats an earlier one, reporting each.
    public mutating func removeDuplicates() {
        var ids = [String: String](), paths = [String: String]()
        var kept = [Utterance]()
        for u in utterances {
            if let first = ids[u.id] {
                problems.append(DatasetProblem(kind: .duplicate, location: u.source, detail: "id \(u.id) already at \(first)"))
            } else if let first = paths[u.path] {
                problems.append(DatasetProblem(kind: .duplicate, location: u.source, detail: "audio \(u.path) already at \(first)"))
            } else {
                ids[u.id] = u.source
                paths[u.path] = u.source
                kept.append(u)
            }
        }
        utterances = kept
    }
}

/// Why a dataset could not be read at all (as opposed to a problem with one entry).
public struct DatasetError: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let reason: String
    public var description: String { "\(path): \(reason)" }
}
