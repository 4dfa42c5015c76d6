import Foundation

/// How a transcript file lays out its lines.
public enum TranscriptFormat: String, Sendable {
    /// Kaldi `text` files: `utt-id word word ...`; a line with only an id is an empty transcript.
    case kaldi
    /// NIST sclite trn: `word word ... (utt-id)`; a line `(utt-id)` is an empty transcript.
    case trn
}

/// One utterance of a transcript file.
public struct TranscriptEntry: Hashable, Sendable {
    public var id: String
    public var words: [String]
    /// 1-based line number in the file.
    public var line: Int

    public init(id: String, words: [String], line: Int) {
        self.id = id
        self.words = words
        self.line = line
    }
}

/// A transcript file read into utterances, for `cochlea score REF HYP`.
///
/// The format is detected per file: when every non-blank line ends in `(id)` (an id without
/// whitespace in parentheses) the file is sclite trn, otherwise Kaldi. A file in which most but
/// not all lines end so is rejected, naming the first line without an id, because it is more
/// likely a broken trn file than a Kaldi file whose transcripts happen to end in parentheses.
/// Blank lines are skipped; words are separated by ASCII whitespace; CRLF line ends and a UTF-8
/// byte-order mark are accepted. Files must be UTF-8. Utterance ids are compared exactly.
public struct TranscriptFile: Sendable {
    public var path: String
    public var format: TranscriptFormat
    /// In file order.
    public var entries: [TranscriptEntry]

    /// Reads and parses the file at `path`; throws `TranscriptError` naming the file (and line).
    public static func read(_ path: String, normalization: TextNormalization = .none) throws -> TranscriptFile {
        try parse(readBytes(path), path: path, normalization: normalization)
    }

    /// Parses file contents; `path` is only used in error messages and kept in the result.
    public static func parse(_ bytes: [UInt8], path: String, normalization: TextNormalization = .none) throws -> TranscriptFile {
        let lines = try contentLines(bytes, path: path)
        let format = try detectFormat(lines, path: path)
        var entries = [TranscriptEntry]()
        entries.reserveCapacity(lines.count)
        var firstLine = [String: Int]()
        for line in lines {
            var (id, words) = format == .trn ? trnFields(line.bytes)! : kaldiFields(line.bytes)
            if let first = firstLine[id] {
                throw TranscriptError.duplicateID(path: path, id: id, firstLine: first, line: line.number)
            }
            firstLine[id] = line.number
            words = normalization.apply(toWords: words)
            entries.append(TranscriptEntry(id: id, words: words, line: line.number))
        }
        return TranscriptFile(path: path, format: format, entries: entries)
    }

    // MARK: Reading

    private static func readBytes(_ path: String) throws -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw TranscriptError.missing(path: path)
        }
        guard !isDirectory.boolValue else { throw TranscriptError.notAFile(path: path) }
        guard let file = fopen(path, "rb") else {
            throw TranscriptError.unreadable(path: path, detail: String(cString: strerror(errno)))
        }
        defer { fclose(file) }
        var bytes = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            bytes.append(contentsOf: chunk[0..<count])
            if count < chunk.count { break }
        }
        if ferror(file) != 0 { throw TranscriptError.unreadable(path: path, detail: String(cString: strerror(errno))) }
        return bytes
    }

    private struct Line {
        var number: Int
        var bytes: ArraySlice<UInt8>
    }

    /// The non-blank lines, checked to be UTF-8, without line ends and without a leading BOM.
    private static func contentLines(_ bytes: [UInt8], path: String) throws -> [Line] {
        var lines = [Line]()
        var start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var number = 1
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
            var line = bytes[start..<end]
            if line.last == 0x0D { line = line.dropLast() }
            if line.contains(where: { !PairTokens.isWhitespace($0) }) {
                if let offset = firstInvalidUTF8(line) {
                    throw TranscriptError.invalidUTF8(path: path, line: number, byteOffset: offset)
                }
                lines.append(Line(number: number, bytes: line))
            }
            start = end + 1
            number += 1
        }
        return lines
    }

    private static func firstInvalidUTF8(_ bytes: ArraySlice<UInt8>) -> Int? {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded): offset += encoded.count
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }

    // MARK: Layout

    private static func detectFormat(_ lines: [Line], path: String) throws -> TranscriptFormat {
        let trnLines = lines.reduce(0) { $0 + (trnFields($1.bytes) == nil ? 0 : 1) }
        if trnLines == lines.count && !lines.isEmpty { return .trn }
        if trnLines * 2 > lines.count, let first = lines.first(where: { trnFields($0.bytes) == nil }) {
            throw TranscriptError.missingTrnID(path: path, line: first.number, trnLines: trnLines, totalLines: lines.count)
        }
        return .kaldi
    }

    private static func kaldiFields(_ line: ArraySlice<UInt8>) -> (id: String, words: [String]) {
        let tokens = words(line)
        return (tokens[0], Array(tokens.dropFirst()))
    }

    /// The id and words of a line ending in "(id)", or nil when it does not.
    private static func trnFields(_ line: ArraySlice<UInt8>) -> (id: String, words: [String])? {
        guard let last = line.lastIndex(where: { !PairTokens.isWhitespace($0) }), line[last] == UInt8(ascii: ")"),
              let open = line[..<last].lastIndex(of: UInt8(ascii: "(")), open + 1 < last,
              !line[(open + 1)..<last].contains(where: PairTokens.isWhitespace)
        else { return nil }
        return (String(decoding: line[(open + 1)..<last], as: UTF8.self), words(line[..<open]))
    }

    private static func words(_ bytes: ArraySlice<UInt8>) -> [String] {
        bytes.split(whereSeparator: PairTokens.isWhitespace).map { String(decoding: $0, as: UTF8.self) }
    }
}
