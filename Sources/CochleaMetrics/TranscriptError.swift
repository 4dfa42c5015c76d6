/// Where an utterance id was seen: its id and its 1-based line number.
public struct UtteranceLocation: Hashable, Sendable {
    public var id: String
    public var line: Int

    public init(id: String, line: Int) {
        self.id = id
        self.line = line
    }
}

/// Why a transcript file could not be read, paired or written. Every case names the file and, where
/// there is one, the 1-based line number, so that the message alone tells the user what to fix.
public enum TranscriptError: Error, CustomStringConvertible, Hashable {
    case missing(path: String)
    case notAFile(path: String)
    case unreadable(path: String, detail: String)
    /// `byteOffset` is 0-based within the line.
    case invalidUTF8(path: String, line: Int, byteOffset: Int)
    /// Most lines end in "(utterance-id)", sclite's trn layout, but this one does not.
    case missingTrnID(path: String, line: Int, trnLines: Int, totalLines: Int)
    case duplicateID(path: String, id: String, firstLine: Int, line: Int)
    /// Hypotheses whose ids are not in the reference file (all of them, in file order).
    case unknownHypotheses(hypothesisPath: String, referencePath: String, locations: [UtteranceLocation])
    /// An utterance that cannot be written as a line sclite reads back unchanged.
    case unwritable(path: String, id: String, detail: String)

    /// The file the error is about.
    public var path: String {
        switch self {
        case .missing(let path), .notAFile(let path), .unreadable(let path, _), .invalidUTF8(let path, _, _),
             .missingTrnID(let path, _, _, _), .duplicateID(let path, _, _, _),
             .unknownHypotheses(let path, _, _), .unwritable(let path, _, _):
            return path
        }
    }

    public var description: String {
        switch self {
        case .missing(let path): return "\(path): no such file"
        case .notAFile(let path): return "\(path): is a folder, not a transcript file"
        case .unreadable(let path, let detail): return "\(path): cannot read (\(detail))"
        case .invalidUTF8(let path, let line, let offset):
            return "\(path):\(line): not valid UTF-8 (bad byte at offset \(offset) of the line); transcripts must be UTF-8"
        case .missingTrnID(let path, let line, let trnLines, let totalLines):
            return "\(path):\(line): no (utterance-id) at the end of the line, although \(trnLines) of \(totalLines) "
                + "lines have one (sclite trn layout: words then (id)); a Kaldi file has the id first on every line"
        case .duplicateID(let path, let id, let firstLine, let line):
            return "\(path):\(line): utterance id '\(id)' appears again (first on line \(firstLine))"
        case .unknownHypotheses(let hypothesisPath, let referencePath, let locations):
            let shown = locations.prefix(5).map { "'\($0.id)' (line \($0.line))" }.joined(separator: ", ")
            let more = locations.count > 5 ? " and \(locations.count - 5) more" : ""
            return "\(hypothesisPath): \(locations.count) hypothesis id\(locations.count == 1 ? " is" : "s are") "
                + "not in the reference \(referencePath): \(shown)\(more)"
        case .unwritable(let path, let id, let detail):
            return "\(path): cannot write utterance '\(id)' for sclite: \(detail)"
        }
    }
}
