import CochleaTestSupport
import CochleaTraining
import Foundation
import XCTest

/// Found by holding the fuzz targets' seed corpora to their names (FuzzCorpusTests): Swift reads
/// "\r\n" as one Character, so splitting at "\n" left a Windows file in one line; and Kaldi ids
/// end at the first space or tab, not only at a space.
final class LineEndingTests: XCTestCase {
    let folder = TemporaryDirectory()

    func testManifestsWithWindowsLineEndings() throws {
        let manifest = folder.file("train.tsv")
        try "path\ttranscript\tspeaker\r\na.wav\tOne Two\ts1\r\nb.wav\tthree\ts2\r\n".write(toFile: manifest, atomically: true, encoding: .utf8)
        let dataset = try DatasetLoader.load(manifest)
        XCTAssertEqual(dataset.utterances.map(\.transcript), ["one two", "three"])
        XCTAssertEqual(dataset.utterances.map(\.speaker), ["s1", "s2"])
        XCTAssertEqual(dataset.utterances.map(\.source), [manifest + ":2", manifest + ":3"], "line numbers count CRLF once")
        XCTAssertEqual(dataset.problems, [])
        // Found as a manifest among other files in a folder, too.
        XCTAssertEqual(try DatasetLoader.load(folder.path).utterances.count, 2)
    }

    func testKaldiFilesWithWindowsLineEndingsAndTabs() throws {
        let dir = folder.file("kaldi")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "u1 /data/one.wav\r\nu2\t/data/two.wav\r\n".write(toFile: dir + "/wav.scp", atomically: true, encoding: .utf8)
        try "u1 HELLO world\r\nu2\tgood  bye\r\n".write(toFile: dir + "/text", atomically: true, encoding: .utf8)
        try "u1\tspeaker1\r\nu2 speaker2\r\n".write(toFile: dir + "/utt2spk", atomically: true, encoding: .utf8)
        let dataset = try DatasetLoader.load(dir)
        XCTAssertEqual(dataset.utterances.map(\.id), ["u1", "u2"])
        XCTAssertEqual(dataset.utterances.map(\.path), ["/data/one.wav", "/data/two.wav"])
        XCTAssertEqual(dataset.utterances.map(\.transcript), ["hello world", "good bye"])
        XCTAssertEqual(dataset.utterances.map(\.speaker), ["speaker1", "speaker2"])
        XCTAssertEqual(dataset.problems, [])
    }
}
