@testable import CochleaDecoding
import CochleaTestSupport
import Foundation
import XCTest

/// Inputs that crashed a fuzz target (scripts/fuzz.sh), each reduced to what triggered it. They must
/// now fail with a typed error.
final class DecodingFuzzFindingsTests: XCTestCase {
    func arpaError(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> ARPAError? {
        do {
            _ = try ARPAReader.parse(data: Data(text.utf8), name: "lm.arpa")
            XCTFail("parsed", file: file, line: line)
        } catch let error as ARPAError {
            return error
        } catch {
            XCTFail("\(error)", file: file, line: line)
        }
        return nil
    }

    /// arpa: the hash table was sized from the declared counts before a single entry was read, so
    /// "ngram 1=2000000000" asked for gigabytes (and 2^63 − 1 for more than exists).
    func testAbsurdDeclaredCountsAllocateNothing() {
        let error = arpaError("\\data\\\nngram 1=2000000000\n\n\\1-grams:\n-1 a\n\n\\end\\\n")
        XCTAssertEqual(error?.line, 7)
        XCTAssertEqual(error?.message.contains("has 1 entries but \\data\\ declares 2000000000"), true, "\(String(describing: error))")
        let huge = arpaError("\\data\\\nngram 1=9223372036854775807\n\n\\1-grams:\n-1 a\n\n\\end\\\n")
        XCTAssertEqual(huge?.line, 2)
        XCTAssertEqual(huge?.message.contains("declares more than the 2147483646 n-grams"), true, "\(String(describing: huge))")
    }

    /// arpa: the sum of the declared counts overflowed Int (a trap).
    func testCountsWhoseSumOverflowsAreRejected() {
        let error = arpaError("\\data\\\nngram 1=1\nngram 2=9223372036854775807\nngram 3=9223372036854775807\n\n\\1-grams:\n-1 a\n")
        XCTAssertEqual(error?.line, 3)
    }

    /// arpa: an entry's order is stored in a UInt8, so a 256-gram trapped when converted.
    func testOrdersAbove255AreRejected() {
        var text = "\\data\\\n" + (1...256).map { "ngram \($0)=1\n" }.joined()
        for k in 1...256 { text += "\\\(k)-grams:\n-1 " + Array(repeating: "a", count: k).joined(separator: " ") + "\n" }
        let error = arpaError(text + "\\end\\\n")
        XCTAssertEqual(error?.line, 257)
        XCTAssertEqual(error?.message.contains("order 256 is above the 255"), true, "\(String(describing: error))")
    }

    /// arpa: a section one order above the declared ones (\2-grams: in a unigram file) was
    /// entered, and its first entry or the next header looked up a count that was never declared
    /// (an index out of range).
    func testASectionBeyondTheDeclaredOrdersIsRefused() {
        for tail in ["\\2-grams:\n-1 a a\n\n\\end\\\n", "\\2-grams:\n\\end\\\n"] {
            let error = arpaError("\\data\\\nngram 1=1\n\n\\1-grams:\n-1 a\n\n" + tail)
            XCTAssertEqual(error?.line, 7, tail)
            XCTAssertEqual(error?.message.contains("expected \\end\\, found \"\\2-grams:\""), true, "\(String(describing: error))")
        }
    }

    /// The table is no longer sized once for good: it grows past any initial capacity.
    func testTheNGramTableGrows() {
        var table = NGramTable(capacity: 1)
        for i in 0..<10_000 { XCTAssertTrue(table.insert(Int32(i % 97), Int32(i), entry: Int32(i + 1))) }
        XCTAssertFalse(table.insert(5, 5, entry: 0), "a key already there")
        XCTAssertEqual(table.count, 10_000)
        XCTAssertTrue((0..<10_000).allSatisfy { table.find(Int32($0 % 97), Int32($0)) == Int32($0 + 1) })
        XCTAssertEqual(table.find(1, 0), -1)
    }

    /// parse(data:) reads bytes as read(path:) does, invalid UTF-8 included.
    func testParsingBytesMatchesReadingTheFile() throws {
        var bytes = Array("\\data\\\nngram 1=3\n\n\\1-grams:\n-1 <s>\n-0.5 </s>\n-0.25 caf".utf8)
        bytes += [0xE9, 0x0A] + Array("\n\\end\\\n".utf8)
        let path = NSTemporaryDirectory() + "/cochlea-latin1-\(getpid()).arpa"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let fromFile = try ARPAReader.read(path: path)
        let fromBytes = try ARPAReader.parse(data: Data(bytes))
        XCTAssertEqual(fromBytes.vocabulary, fromFile.vocabulary)
        XCTAssertEqual(fromBytes.counts, [3])
    }
}

final class DecodingFuzzCorpusTests: XCTestCase {
    func testARPASeedsAreWhatTheirNamesSay() throws {
        let seeds = try FuzzCorpus.seeds("arpa")
        XCTAssertGreaterThan(seeds.count, 4)
        for seed in seeds {
            do {
                _ = try ARPAReader.parse(data: seed.data, name: seed.name)
                XCTAssertFalse(seed.isBroken, "\(seed.name) parsed")
            } catch let error as ARPAError {
                XCTAssertTrue(seed.isBroken, "\(seed.name): \(error)")
            }
        }
    }
}
