import CochleaMetrics
import CochleaTestSupport
import Foundation
import XCTest

final class TranscriptFileTests: XCTestCase {
    let folder = TemporaryDirectory()

    func write(_ name: String, _ text: String) -> String { folder.write(name, Data(text.utf8)) }

    func testKaldiFile() throws {
        let path = write("text", "\u{FEFF}utt1 the cat sat\r\n\n  \nutt2\tHello   world\nutt3\n")
        let file = try TranscriptFile.read(path)
        XCTAssertEqual(file.format, .kaldi)
        XCTAssertEqual(file.entries, [
            TranscriptEntry(id: "utt1", words: ["the", "cat", "sat"], line: 1),
            TranscriptEntry(id: "utt2", words: ["Hello", "world"], line: 4),
            TranscriptEntry(id: "utt3", words: [], line: 5),
        ])
    }

    func testTrnFile() throws {
        let path = write("hyp.trn", "the cat sat (spk_1)\n\n(spk_2)\nglued(spk_3)\n  hello (laughs) there (spk_4)  \n")
        let file = try TranscriptFile.read(path)
        XCTAssertEqual(file.format, .trn)
        XCTAssertEqual(file.entries.map(\.id), ["spk_1", "spk_2", "spk_3", "spk_4"])
        XCTAssertEqual(file.entries.map(\.words), [["the", "cat", "sat"], [], ["glued"], ["hello", "(laughs)", "there"]])
        XCTAssertEqual(file.entries.map(\.line), [1, 3, 4, 5])
    }

    func testKaldiLinesEndingInParenthesesStayKaldi() throws {
        let path = write("text", "utt1 yes (noise)\nutt2 no\nutt3 maybe\n")
        let file = try TranscriptFile.read(path)
        XCTAssertEqual(file.format, .kaldi)
        XCTAssertEqual(file.entries[0].words, ["yes", "(noise)"])
    }

    func testTrnFileWithALineMissingItsIDIsAnError() {
        let path = write("bad.trn", "a b (u_1)\nc d (u_2)\ne f\n")
        XCTAssertThrowsError(try TranscriptFile.read(path)) { error in
            XCTAssertEqual(error as? TranscriptError, .missingTrnID(path: path, line: 3, trnLines: 2, totalLines: 3))
            XCTAssertTrue("\(error)".contains("\(path):3:"), "\(error)")
        }
    }

    func testDuplicateIDNamesBothLines() {
        for (name, text) in [("text", "a x\nb y\n\na z\n"), ("dup.trn", "x (a)\ny (b)\n\nz (a)\n")] {
            let path = write(name, text)
            XCTAssertThrowsError(try TranscriptFile.read(path)) { error in
                XCTAssertEqual(error as? TranscriptError, .duplicateID(path: path, id: "a", firstLine: 1, line: 4))
                let message = "\(error)"
                XCTAssertTrue(message.contains(path) && message.contains(":4:") && message.contains("line 1"), message)
            }
        }
    }

    func testMissingFileAndFolderAreNamed() {
        let path = folder.file("no-such-file.txt")
        XCTAssertThrowsError(try TranscriptFile.read(path)) { error in
            XCTAssertEqual(error as? TranscriptError, .missing(path: path))
            XCTAssertTrue("\(error)".contains(path))
        }
        XCTAssertThrowsError(try TranscriptFile.read(folder.path)) { error in
            XCTAssertEqual(error as? TranscriptError, .notAFile(path: folder.path))
        }
    }

    func testInvalidUTF8NamesFileLineAndOffset() {
        var bytes = Array("utt1 fine\nutt2 caf".utf8)
        bytes += [0xE9]  // Latin-1 é
        bytes += Array(" au lait\n".utf8)
        let path = folder.write("latin1.txt", Data(bytes))
        XCTAssertThrowsError(try TranscriptFile.read(path)) { error in
            XCTAssertEqual(error as? TranscriptError, .invalidUTF8(path: path, line: 2, byteOffset: 8))
            XCTAssertTrue("\(error)".hasPrefix("\(path):2:"), "\(error)")
        }
    }

    func testPairingByID() throws {
        let reference = try TranscriptFile.read(write("ref", "u1 a b c\nu2 d e\nu3 f\n"))
        let hypothesis = try TranscriptFile.read(write("hyp.trn", "f g (u3)\na x c (u1)\n"))
        let pairing = try TranscriptPairing(reference: reference, hypothesis: hypothesis)
        XCTAssertEqual(pairing.pairs.map(\.id), ["u1", "u2", "u3"])
        XCTAssertEqual(pairing.missingHypotheses, [UtteranceLocation(id: "u2", line: 2)])
        let score = Metrics.score(pairing.pairs)
        XCTAssertEqual(score.utterances.map(\.words), [
            EditCounts(hits: 2, substitutions: 1), EditCounts(deletions: 2), EditCounts(hits: 1, insertions: 1),
        ])
        XCTAssertEqual(score.totals.wordErrorRate, 4.0 / 6.0, accuracy: 1e-15)
    }

    func testExtraHypothesisIsAnError() throws {
        let reference = try TranscriptFile.read(write("ref", "u1 a\n"))
        let hypothesisPath = write("hyp", "u1 a\nu9 b\nu8 c\n")
        let hypothesis = try TranscriptFile.read(hypothesisPath)
        XCTAssertThrowsError(try TranscriptPairing(reference: reference, hypothesis: hypothesis)) { error in
            XCTAssertEqual(error as? TranscriptError, .unknownHypotheses(
                hypothesisPath: hypothesisPath, referencePath: reference.path,
                locations: [UtteranceLocation(id: "u9", line: 2), UtteranceLocation(id: "u8", line: 3)]))
            XCTAssertTrue("\(error)".contains("'u9' (line 2)"), "\(error)")
        }
    }

    func testNormalisation() throws {
        let path = write("text", "u1 Don't STOP — well-known, “Café”!\n")
        XCTAssertEqual(try TranscriptFile.read(path).entries[0].words, ["Don't", "STOP", "—", "well-known,", "“Café”!"])
        XCTAssertEqual(try TranscriptFile.read(path, normalization: .lowercaseWithoutPunctuation).entries[0].words,
                       ["dont", "stop", "wellknown", "café"])
        XCTAssertEqual(TextNormalization.lowercaseWithoutPunctuation.apply(to: " A, b.  C$ "), "a b c$")
    }

    func testTrnWriteReadRoundTrip() throws {
        let utterances: [(id: String, words: [String])] = [
            (id: "spk_1", words: ["the", "naïve", "cat"]), (id: "spk_2", words: []), (id: "u-3#x", words: ["a/b", "it's"]),
        ]
        let path = folder.file("out.trn")
        try TrnWriter.write(utterances, to: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "the naïve cat (spk_1)\n(spk_2)\na/b it's (u-3#x)\n")
        let file = try TranscriptFile.read(path)
        XCTAssertEqual(file.format, .trn)
        XCTAssertEqual(file.entries.map(\.id), utterances.map(\.id))
        XCTAssertEqual(file.entries.map(\.words), utterances.map(\.words))
    }

    func testTrnWriterRefusesWhatScliteMisreads() {
        let bad: [(id: String, words: [String])] = [
            ("", ["a"]), ("two words", ["a"]), ("u(1)", ["a"]),
            ("u1", ["{"]), ("u1", ["a;b"]), ("u1", ["a\\b"]), ("u1", ["(um)"]), ("u1", ["***"]),
        ]
        for utterance in bad {
            XCTAssertThrowsError(try TrnWriter.line(id: utterance.id, words: utterance.words, path: "x.trn")) { error in
                guard case .unwritable(let path, let id, _) = error as? TranscriptError else {
                    return XCTFail("\(utterance): \(error)")
                }
                XCTAssertEqual(path, "x.trn")
                XCTAssertEqual(id, utterance.id)
            }
        }
        let path = folder.file("never.trn")
        XCTAssertThrowsError(try TrnWriter.write([(id: "ok", words: ["a"]), (id: "bad", words: ["{"])], to: path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: path), "nothing is written when an utterance is refused")
    }
}
