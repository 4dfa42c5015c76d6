import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A malformed or unreadable ARPA file: the file, the 1-based line, and what is wrong there.
public struct ARPAError: Error, CustomStringConvertible, Equatable {
    public var path: String
    /// 0 when the file could not be opened.
    public var line: Int
    public var message: String

    public var description: String { line > 0 ? "\(path):\(line): \(message)" : "\(path): \(message)" }
}

/// Reads ARPA back-off language models as KenLM's lmplz and SRILM's ngram-count write them:
///
///     \data\
///     ngram 1=COUNT          (one line per order, 1 … N)
///     \1-grams:
///     log10P  w  [log10backoff]
///     …
///     \N-grams:
///     log10P  w1 … wN
///     \end\
///
/// Lines before `\data\` are ignored. Checks: counts against the entries, numbers, the number of
/// words per entry, sections in order, words of higher orders among the 1-grams, every context
/// present as a lower-order n-gram, no duplicates, and the closing `\end\`. Files are read line by
/// line, so the text is never held whole.
public enum ARPAReader {
    public static func read(path: String) throws -> NGramLanguageModel {
        guard let file = fopen(path, "r") else {
            throw ARPAError(path: path, line: 0, message: "cannot open the ARPA file (\(String(cString: strerror(errno))))")
        }
        defer { fclose(file) }
        var status = stat()
        let size = fstat(fileno(file), &status) == 0 && status.st_mode & S_IFMT == S_IFREG ? Int(status.st_size) : nil
        var parser = Parser(path: path, byteCount: size)
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        while true {
            let length = getline(&line, &capacity, file)
            if length < 0 { break }
            try parser.feed(UnsafeRawPointer(line!).assumingMemoryBound(to: UInt8.self), count: length)
            if parser.finished { break }
        }
        return try parser.finish()
    }

    /// Parses ARPA text already in memory; `name` stands for the path in errors.
    public static func parse(_ text: String, name: String = "<memory>") throws -> NGramLanguageModel {
        try parse(data: Data(text.utf8), name: name)
    }

    /// Parses the bytes of an ARPA file held in memory, exactly as `read(path:)` parses the file.
    public static func parse(data: Data, name: String = "<memory>") throws -> NGramLanguageModel {
        var parser = Parser(path: name, byteCount: data.count)
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let all = raw.bindMemory(to: UInt8.self)
            var start = 0
            while start < all.count, !parser.finished {
                var end = start
                while end < all.count, all[end] != UInt8(ascii: "\n") { end += 1 }
                try parser.feed(all.baseAddress! + start, count: min(end + 1, all.count) - start)
                start = end + 1
            }
        }
        return try parser.finish()
    }

    struct Parser {
        enum Place { case preamble, counts, section(Int), done }
        /// Entry ids are Int32 and orders are stored as UInt8.
        static let maximumEntries = Int(Int32.max) - 1
        static let maximumOrder = Int(UInt8.max)
        let path: String
        /// The file's size when known: the tables are sized from the declared counts only as far as
        /// the file could hold that many entries, so that a corrupt count cannot allocate gigabytes.
        let byteCount: Int?
        var place = Place.preamble
        var lineNumber = 0
        var declared = [(count: Int, line: Int)]()
        var readInSection = 0
        var vocabulary = [String]()
        var wordIDs = [String: Int32]()
        var logProb: [Float] = [0], backoff: [Float] = [0], entryOrder: [UInt8] = [0], suffix: [Int32] = [0]
        var table = NGramTable(capacity: 1)
        var buffer = [UInt8]()
        var finished: Bool { if case .done = place { return true } else { return false } }

        init(path: String, byteCount: Int?) {
            self.path = path
            self.byteCount = byteCount
        }

        func fail(_ message: String) -> ARPAError { ARPAError(path: path, line: lineNumber, message: message) }

        /// One line (its bytes, maybe with the trailing newline).
        mutating func feed(_ bytes: UnsafePointer<UInt8>, count: Int) throws {
            lineNumber += 1
            buffer.removeAll(keepingCapacity: true)
            buffer.append(contentsOf: UnsafeBufferPointer(start: bytes, count: count))
            while let last = buffer.last, last == 10 || last == 13 || last == 32 || last == 9 { buffer.removeLast() }
            buffer.append(0)  // strtof needs a terminator
            try buffer.withUnsafeBufferPointer { try handle($0) }
        }

        mutating func handle(_ line: UnsafeBufferPointer<UInt8>) throws {
            let n = line.count - 1
            var fields = [Range<Int>]()
            var i = 0
            while i < n {
                while i < n, line[i] == 32 || line[i] == 9 { i += 1 }
                let start = i
                while i < n, line[i] != 32, line[i] != 9 { i += 1 }
                if i > start { fields.append(start..<i) }
            }
            let text = { (r: Range<Int>) in String(decoding: UnsafeBufferPointer(rebasing: line[r]), as: UTF8.self) }
            guard !fields.isEmpty else { return }
            // Only headers and count lines need the line as a String; entries are parsed from the bytes.
            let whole = { text(fields[0].lowerBound..<fields[fields.count - 1].upperBound) }
            let isHeader = line[fields[0].lowerBound] == UInt8(ascii: "\\")
            switch place {
            case .preamble:
                if isHeader, whole() == "\\data\\" { place = .counts }
            case .counts:
                if isHeader { return try header(whole()) }
                try countLine(whole())
            case .section(let k):
                if isHeader { return try header(whole()) }
                try entry(line, fields, order: k, text: text)
            case .done: return
            }
        }

        mutating func countLine(_ whole: String) throws {
            let parts = whole.dropFirst("ngram".count).split(separator: "=").map { $0.trimmingCharacters(in: .whitespaces) }
            guard whole.hasPrefix("ngram "), parts.count == 2, let k = Int(parts[0]), let count = Int(parts[1]), count >= 0 else {
                throw fail("expected \"ngram N=COUNT\" in the \\data\\ section, found \"\(whole)\"")
            }
            guard k == declared.count + 1 else {
                throw fail("n-gram orders in \\data\\ must be 1, 2, 3, … in turn; found ngram \(k) after \(declared.count) orders")
            }
            guard k <= Self.maximumOrder else { throw fail("n-gram order \(k) is above the \(Self.maximumOrder) that Cochlea reads") }
            let total = declared.reduce(0) { $0 + $1.count }
            guard count <= Self.maximumEntries - total else {
                throw fail("\\data\\ declares more than the \(Self.maximumEntries) n-grams that Cochlea reads")
            }
            declared.append((count, lineNumber))
        }

        /// `\k-grams:` or `\end\`: closes the current section after checking its count.
        mutating func header(_ whole: String) throws {
            if case .section(let k) = place, readInSection != declared[k - 1].count {
                throw fail("the \\\(k)-grams: section has \(readInSection) entries but \\data\\ declares \(declared[k - 1].count) (line \(declared[k - 1].line))")
            }
            let next: Int
            if case .section(let k) = place { next = k + 1 } else { next = 1 }
            if case .counts = place {
                guard !declared.isEmpty else { throw fail("\\data\\ declares no n-gram counts") }
                // An entry takes at least 4 bytes ("0 w" and a line end); beyond what the file can
                // hold, the count is wrong, which the section's end reports, and the table grows.
                let total = declared.reduce(0) { $0 + $1.count }
                let believable = min(total, (byteCount ?? 1 << 24) / 4) + 1
                table = NGramTable(capacity: believable)
                logProb.reserveCapacity(believable)
                backoff.reserveCapacity(believable)
                entryOrder.reserveCapacity(believable)
                suffix.reserveCapacity(believable)
            }
            if whole == "\\end\\" {
                guard next > declared.count else { throw fail("\\end\\ before the \\\(next)-grams: section that \\data\\ declares") }
                place = .done
                return
            }
            // A section beyond the declared orders (say \4-grams: in a trigram file) is refused here:
            // nothing declares its count.
            guard next <= declared.count, whole == "\\\(next)-grams:" else {
                let expected = next > declared.count ? "\\end\\" : "\\\(next)-grams:"
                throw fail("expected \(expected), found \"\(whole)\"")
            }
            place = .section(next)
            readInSection = 0
        }

        mutating func entry(_ line: UnsafeBufferPointer<UInt8>, _ fields: [Range<Int>], order k: Int, text: (Range<Int>) -> String) throws {
            guard fields.count == k + 1 || (fields.count == k + 2 && k < declared.count) else {
                let extra = k < declared.count ? " and an optional log10 backoff" : ""
                throw fail("a \(k)-gram needs \(k) word\(k == 1 ? "" : "s") after its log10 probability\(extra); found \(fields.count) fields")
            }
            guard readInSection < declared[k - 1].count else {
                throw fail("more than the \(declared[k - 1].count) \(k)-grams that \\data\\ declares (line \(declared[k - 1].line))")
            }
            let probability = try number(line, fields[0], text: text)
            guard probability <= 0 else { throw fail("log10 probability \(text(fields[0])) is above 0") }
            let weight = fields.count == k + 2 ? try number(line, fields[k + 1], text: text) : 0
            var ids = [Int32]()
            ids.reserveCapacity(k)
            for f in 1...k {
                let word = text(fields[f])
                if k == 1 {
                    guard wordIDs[word] == nil else { throw fail("duplicate 1-gram \"\(word)\"") }
                    wordIDs[word] = Int32(vocabulary.count)
                    vocabulary.append(word)
                }
                guard let id = wordIDs[word] else { throw fail("\"\(word)\" is not among the 1-grams") }
                ids.append(id)
            }
            guard let context = lookup(ids[0..<(k - 1)]) else {
                let words = (1..<k).map { text(fields[$0]) }.joined(separator: " ")
                throw fail("the context \"\(words)\" is not among the \(k - 1)-grams")
            }
            let id = Int32(logProb.count)
            guard table.insert(context, ids[k - 1], entry: id) else {
                throw fail("duplicate \(k)-gram \"\((1...k).map { text(fields[$0]) }.joined(separator: " "))\"")
            }
            logProb.append(probability == -.infinity ? -99 : probability)
            backoff.append(weight)
            entryOrder.append(UInt8(k))
            var longest: Int32 = 0
            for drop in 1..<k {
                if let e = lookup(ids[drop...]) { longest = e; break }
            }
            suffix.append(longest)
            readInSection += 1
        }

        /// The entry of the n-gram `ids` (0 for none), or nil when it is not in the model.
        func lookup(_ ids: ArraySlice<Int32>) -> Int32? {
            var entry: Int32 = 0
            for id in ids {
                entry = table.find(entry, id)
                if entry < 0 { return nil }
            }
            return entry
        }

        func number(_ line: UnsafeBufferPointer<UInt8>, _ field: Range<Int>, text: (Range<Int>) -> String) throws -> Float {
            let start = UnsafeRawPointer(line.baseAddress! + field.lowerBound).assumingMemoryBound(to: CChar.self)
            var end: UnsafeMutablePointer<CChar>?
            let value = strtof(start, &end)
            guard let end, UnsafePointer(end) - start == field.count,
                  !value.isNaN, value != .infinity
            else { throw fail("\"\(text(field))\" is not a number") }
            return value
        }

        mutating func finish() throws -> NGramLanguageModel {
            switch place {
            case .preamble: throw fail("no \\data\\ section: not an ARPA file")
            case .counts, .section: throw fail("the file ends without \\end\\")
            case .done:
                return NGramLanguageModel(order: declared.count, vocabulary: vocabulary, wordIDs: wordIDs, logProb: logProb,
                                          backoff: backoff, entryOrder: entryOrder, suffix: suffix, table: table,
                                          counts: declared.map(\.count))
            }
        }
    }
}
