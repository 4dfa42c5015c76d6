import CochleaCore
import CochleaTestSupport
import Foundation
import XCTest

final class TextLineReaderTests: XCTestCase {
    let folder = TemporaryDirectory()

    func all(_ reader: TextLineReader?) throws -> [String] {
        var reader = try XCTUnwrap(reader)
        var lines = [String]()
        while let line = try reader.next() { lines.append(line) }
        return lines
    }

    /// Lines that cross chunk boundaries, CRLF and LF mixed, empty lines, multi-byte characters
    /// split between chunks, and a last line without a line end: every chunk size gives the lines
    /// that splitting the whole text gives.
    func testEveryChunkSizeGivesTheSameLines() throws {
        var text = ""
        for i in 0..<200 { text += "line \(i)\t" + String(repeating: "é日", count: i % 7) + (i % 3 == 0 ? "\r\n" : "\n") + (i % 50 == 0 ? "\n" : "") }
        text += "last"
        let expected = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map(String.init)
        let path = folder.write("lines.tsv", Data(text.utf8))
        for chunk in [1, 2, 3, 7, 64, 1000, 1 << 20] {
            XCTAssertEqual(try all(TextLineReader(path: path, chunkSize: chunk)), expected, "chunk \(chunk)")
        }
        XCTAssertEqual(try all(TextLineReader(data: Data(text.utf8))), expected)
        XCTAssertEqual(try all(TextLineReader(data: Data())), [])
        XCTAssertEqual(try all(TextLineReader(data: Data("a\n".utf8))), ["a"], "a final line end ends the last line")
        XCTAssertNil(TextLineReader(path: folder.file("missing.tsv")))
    }

    func testInvalidUTF8NamesTheLine() throws {
        let bytes = Data("ok\nfine\r\n".utf8) + Data([0x63, 0x61, 0x66, 0xE9, 0x0A]) + Data("after\n".utf8)
        for chunk in [1, 4, 100] {
            var reader = try XCTUnwrap(TextLineReader(path: folder.write("latin1.txt", bytes), chunkSize: chunk))
            XCTAssertEqual(try reader.next(), "ok")
            XCTAssertEqual(try reader.next(), "fine")
            XCTAssertThrowsError(try reader.next()) { XCTAssertEqual($0 as? TextLineReader.Failure, .notUTF8(line: 3)) }
            XCTAssertEqual(reader.lineNumber, 3)
        }
    }
}
