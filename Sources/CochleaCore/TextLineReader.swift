import Foundation

/// Reads UTF-8 text a line at a time, from a file in chunks of 1 MiB or from bytes in memory, so
/// that a manifest of millions of lines is never held whole. Lines end at LF; a CR before it is
/// dropped (Windows files). Each line is checked for UTF-8 on its own, so an error can name it.
public struct TextLineReader {
    public enum Failure: Error, Equatable {
        /// The line (1-based) is not valid UTF-8.
        case notUTF8(line: Int)
        /// Reading the file failed part-way (errno's message).
        case unreadable(String)
    }

    private let file: FileHandle?
    private var buffer: [UInt8]
    private var start = 0
    private var finished: Bool
    /// The number of the line `next()` returned last (1-based; 0 before the first).
    public private(set) var lineNumber = 0
    private let chunkSize: Int

    /// Reads the file at `path` `chunkSize` bytes at a time; nil when it cannot be opened.
    public init?(path: String, chunkSize: Int = 1 << 20) {
        precondition(chunkSize > 0)
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        file = handle
        self.chunkSize = chunkSize
        buffer = []
        finished = false
    }

    /// Reads lines of bytes already in memory.
    public init(data: Data) {
        file = nil
        chunkSize = 0
        buffer = [UInt8](data)
        finished = true
    }

    /// The next line without its line end, or nil at the end of the text.
    public mutating func next() throws -> String? {
        while true {
            if let end = buffer[start...].firstIndex(of: 0x0A) {
                let line = try decode(start..<end)
                start = end + 1
                return line
            }
            if finished {
                guard start < buffer.count else { return nil }
                let line = try decode(start..<buffer.count)
                start = buffer.count
                return line
            }
            try refill()
        }
    }

    private mutating func decode(_ range: Range<Int>) throws -> String {
        lineNumber += 1
        var bytes = buffer[range]
        if bytes.last == 0x0D { bytes = bytes.dropLast() }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw Failure.notUTF8(line: lineNumber) }
        return text
    }

    /// Drops the lines already returned and appends the next chunk of the file.
    private mutating func refill() throws {
        buffer.removeSubrange(0..<start)
        start = 0
        let chunk: Data
        do {
            chunk = try file?.read(upToCount: chunkSize) ?? Data()
        } catch {
            throw Failure.unreadable("\(error.localizedDescription)")
        }
        if chunk.isEmpty {
            finished = true
            try? file?.close()
        } else {
            buffer.append(contentsOf: chunk)
        }
    }
}
