import CochleaAudio
import CochleaCore
import CochleaTestSupport
@testable import CochleaTraining
import Foundation
import XCTest

final class DatasetLoaderTests: XCTestCase {
    let folder = TemporaryDirectory()

    func testSpeechCommandsLayout() throws {
        try TinyCorpus.write(to: folder.path)
        try "up/spk9_nohash_0.wav\n".write(toFile: folder.file("testing_list.txt"), atomically: true, encoding: .utf8)
        let dataset = try DatasetLoader.load(folder.path)
        XCTAssertEqual(dataset.utterances.count, 18)
        XCTAssertEqual(dataset.split(.validation).count, 3)
        XCTAssertEqual(Set(dataset.utterances.map(\.transcript)), ["go", "no", "up"])
        XCTAssertEqual(dataset.utterances.first?.speaker, "spk0")
        XCTAssertEqual(dataset.noiseFiles.count, 1, "_background_noise_ is noise, not a word")
        XCTAssertEqual(dataset.problems.map(\.kind), [.missingAudio], "testing_list.txt names a file that does not exist")
        XCTAssertTrue(dataset.problems[0].description.contains("up/spk9_nohash_0.wav"))
    }

    func testManifestColumnsPathsAndProblems() throws {
        try TinyCorpus.write(to: folder.path)
        let manifest = folder.file("sentences.tsv")
        try """
        client_id\tpath\tsentence\tsplit
        a\tgo/spk1_nohash_0.wav\tGo  Up\ttrain
        b\tno/spk2_nohash_0.wav\tno\tdev
        c\tup/spk3_nohash_0.wav
        d\tup/spk4_nohash_0.wav\tup\tholdout

        """.write(toFile: manifest, atomically: true, encoding: .utf8)
        let dataset = try DatasetLoader.load(manifest)
        XCTAssertEqual(dataset.utterances.map(\.transcript), ["go up", "no"])
        XCTAssertEqual(dataset.utterances.map(\.split), [.train, .validation])
        XCTAssertEqual(dataset.utterances[0].speaker, "a")
        XCTAssertEqual(dataset.utterances[0].path, folder.path + "/go/spk1_nohash_0.wav")
        XCTAssertEqual(dataset.problems.map(\.location), [manifest + ":4", manifest + ":5"])
        XCTAssertTrue(dataset.problems[1].detail.contains("holdout"))
    }

    /// Common Voice: clips/ beside train.tsv, dev.tsv, test.tsv and validated.tsv (a superset).
    func testCommonVoiceFolder() throws {
        let root = folder.file("cv")
        try FileManager.default.createDirectory(atPath: root + "/clips", withIntermediateDirectories: true)
        for name in ["a", "b", "c"] {
            try AudioWriter.write(TinyCorpus.tone(400, seconds: 0.3, seed: 1), sampleRate: 16_000, encoding: .wavPCM16, to: root + "/clips/\(name).wav")
        }
        let header = "client_id\tpath\tsentence\tup_votes\n"
        try (header + "s1\ta.wav\tGo Left.\t2\n").write(toFile: root + "/train.tsv", atomically: true, encoding: .utf8)
        try (header + "s2\tb.wav\tno\t2\n").write(toFile: root + "/dev.tsv", atomically: true, encoding: .utf8)
        try (header + "s3\tc.wav\tup\t2\n").write(toFile: root + "/test.tsv", atomically: true, encoding: .utf8)
        try (header + "s1\ta.wav\tGo Left.\t2\ns2\tb.wav\tno\t2\ns3\tc.wav\tup\t2\n").write(toFile: root + "/validated.tsv", atomically: true, encoding: .utf8)
        let dataset = try DatasetLoader.load(root)
        XCTAssertEqual(dataset.utterances.map(\.split), [.validation, .test, .train], "dev.tsv, test.tsv, train.tsv; validated.tsv not read")
        XCTAssertEqual(dataset.utterances.map(\.path), [root + "/clips/b.wav", root + "/clips/c.wav", root + "/clips/a.wav"])
        XCTAssertEqual(dataset.utterances.last?.transcript, "go left.")
        XCTAssertEqual(dataset.utterances.last?.speaker, "s1")
    }

    func testManifestWithoutRequiredColumnsIsRefused() throws {
        let manifest = folder.file("bad.tsv")
        try "file\ttranscript\nx.wav\thi\n".write(toFile: manifest, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try DatasetLoader.load(manifest)) { XCTAssertTrue("\($0)".contains("no 'path' column"), "\($0)") }
        try "path\twords\nx.wav\thi\n".write(toFile: manifest, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try DatasetLoader.load(manifest)) { XCTAssertTrue("\($0)".contains("no transcript column"), "\($0)") }
        try Data([0x70, 0x61, 0x74, 0x68, 0x09, 0x74, 0x65, 0x78, 0x74, 0x0A, 0xFF, 0xFE]).write(to: URL(fileURLWithPath: manifest))
        XCTAssertThrowsError(try DatasetLoader.load(manifest)) { XCTAssertTrue("\($0)".contains("not UTF-8"), "\($0)") }
    }

    func testKaldiDirectory() throws {
        try TinyCorpus.write(to: folder.path + "/audio")
        let dir = folder.file("kaldi")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try """
        u1 \(folder.path)/audio/go/spk0_nohash_0.wav
        u2 ../audio/no/spk0_nohash_0.wav
        u3 sox x.wav -t wav - |
        u4 \(folder.path)/audio/up/spk0_nohash_0.wav
        u1 \(folder.path)/audio/up/spk1_nohash_0.wav
        """.write(toFile: dir + "/wav.scp", atomically: true, encoding: .utf8)
        try "u1 GO\nu2 no\nu3 up\n".write(toFile: dir + "/text", atomically: true, encoding: .utf8)
        try "u1 alice\nu2 bob\n".write(toFile: dir + "/utt2spk", atomically: true, encoding: .utf8)
        let dataset = try DatasetLoader.load(dir, defaultSplit: .validation)
        XCTAssertEqual(dataset.utterances.map(\.id), ["u1", "u2"])
        XCTAssertEqual(dataset.utterances.map(\.transcript), ["go", "no"])
        XCTAssertEqual(dataset.utterances.map(\.speaker), ["alice", "bob"])
        XCTAssertEqual(dataset.utterances[1].path, dir + "/../audio/no/spk0_nohash_0.wav")
        XCTAssertEqual(Set(dataset.problems.map(\.kind)), [.duplicate, .malformedLine, .emptyTranscript])
        XCTAssertTrue(dataset.split(.validation).count == 2)
    }

    func testDuplicatesAndNonDatasetsAreReported() throws {
        try TinyCorpus.write(to: folder.path)
        var dataset = try DatasetLoader.load(folder.path)
        dataset.append(try DatasetLoader.load(folder.path))
        dataset.removeDuplicates()
        XCTAssertEqual(dataset.utterances.count, 18)
        XCTAssertEqual(dataset.problems.filter { $0.kind == .duplicate }.count, 18)
        XCTAssertThrowsError(try DatasetLoader.load(folder.file("nothing"))) { XCTAssertTrue("\($0)".contains("no such file")) }
        let empty = folder.file("empty")
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        XCTAssertThrowsError(try DatasetLoader.load(empty)) { XCTAssertTrue("\($0)".contains("not a dataset")) }
    }
}

final class TrainingSetTests: XCTestCase {
    func utterance(_ id: String, _ text: String, _ split: Split = .train, speaker: String? = nil) -> Utterance {
        Utterance(id: id, path: "/x/\(id).wav", transcript: text, split: split, speaker: speaker, source: "m.tsv:\(id)")
    }

    func testUnknownCharactersAreSkippedOrDroppedAndListed() {
        let dataset = Dataset(utterances: [utterance("1", "go up"), utterance("2", "go 2 up"), utterance("3", ""),
                                           utterance("4", "up!", .validation), utterance("5", "zed", .validation)])
        var options = TrainingOptions()
        let skipped = TrainingSet(dataset: dataset, options: options)
        XCTAssertEqual(skipped.train.map(\.utterance.id), ["1"])
        XCTAssertEqual(skipped.tokenizer.tokens, ["<blank>", " ", "'", "g", "o", "p", "u"])
        XCTAssertEqual(skipped.validation.count, 0)
        let kinds = skipped.problems.map(\.kind)
        XCTAssertEqual(kinds.filter { $0 == .unknownCharacters }.count, 3, "the digit, the '!', and 'z'/'e'/'d' unseen in training")
        XCTAssertEqual(kinds.filter { $0 == .emptyTranscript }.count, 1)
        XCTAssertTrue(skipped.problems.contains { $0.location == "m.tsv:2" && $0.detail.contains("'2'") })
        options.unknownCharacters = .drop
        let dropped = TrainingSet(dataset: dataset, options: options)
        XCTAssertEqual(dropped.train.map(\.utterance.transcript), ["go up", "go up"])
        XCTAssertEqual(dropped.validation.map(\.utterance.transcript), ["up"])
    }

    func testValidationIsHeldOutBySpeakerWhenTheDataHasNone() {
        let utterances = (0..<400).map { utterance("\($0)", "go", speaker: "speaker\($0 / 4)") }
        var options = TrainingOptions()
        options.validationFraction = 0.25
        let plan = TrainingSet(dataset: Dataset(utterances: utterances), options: options)
        XCTAssertGreaterThan(plan.validation.count, 40)
        XCTAssertLessThan(plan.validation.count, 160)
        XCTAssertTrue(Set(plan.validation.map(\.utterance.speaker)).isDisjoint(with: Set(plan.train.map(\.utterance.speaker))))
    }

    /// A manifest without speakers: which lines are held out must not depend on how its path is
    /// written (before, "data/m.tsv" and "/abs/data/m.tsv" held out different lines).
    func testHoldOutOfAManifestWithoutSpeakersIgnoresHowItsPathIsWritten() throws {
        let folder = TemporaryDirectory()
        let text = "path\ttranscript\n" + (0..<200).map { "clips/\($0).wav\tgo up\n" }.joined()
        let manifest = folder.write("m.tsv", Data(text.utf8))
        var options = TrainingOptions()
        options.validationFraction = 0.2
        func heldOut(_ spelling: String, in directory: String? = nil) throws -> [String] {
            let previous = FileManager.default.currentDirectoryPath
            if let directory { XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(directory)) }
            defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
            let plan = TrainingSet(dataset: try DatasetLoader.load(spelling), options: options)
            XCTAssertEqual(plan.train.count + plan.validation.count, 200)
            return plan.validation.map { String($0.utterance.path.split(separator: "/").last!) }
        }
        let absolute = try heldOut(manifest)
        XCTAssertGreaterThan(absolute.count, 20)
        XCTAssertLessThan(absolute.count, 60)
        XCTAssertEqual(try heldOut("m.tsv", in: folder.path), absolute)
        XCTAssertEqual(try heldOut("./m.tsv", in: folder.path), absolute)
        XCTAssertEqual(try heldOut(folder.path + "//m.tsv"), absolute)
        options.seed += 1
        XCTAssertNotEqual(try heldOut(manifest), absolute, "the seed still chooses the hold-out")
    }
}

/// The committed sample of the synthetic corpus reads as one dataset: words/ in the Speech
/// Commands layout and sentences/ with train, validation and test manifests.
final class SampleCorpusTests: XCTestCase {
    func testSampleCorpusLoadsWithItsSplits() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("datasets/sample").path
        let dataset = try DatasetLoader.load(root)
        XCTAssertEqual(dataset.problems, [])
        XCTAssertEqual(dataset.noiseFiles.count, 4)
        let words = dataset.utterances.filter { !$0.transcript.contains(" ") }
        XCTAssertEqual(Set(words.map(\.transcript)).count, 20)
        XCTAssertEqual(dataset.split(.test).filter { $0.transcript.contains(" ") }.count, 5)
        XCTAssertEqual(dataset.split(.validation).filter { $0.transcript.contains(" ") }.count, 5)
        XCTAssertEqual(dataset.split(.train).filter { $0.transcript.contains(" ") }.count, 20)
        XCTAssertFalse(dataset.utterances.contains { ["train", "test", "validation", "words", "sentences"].contains($0.transcript) })
        let speakers = { (split: Split) in Set(dataset.split(split).compactMap(\.speaker)) }
        XCTAssertTrue(speakers(.train).isDisjoint(with: speakers(.test)), "test voices never occur in training")
    }
}

final class ManifestReadingTests: XCTestCase {
    /// A manifest's paths must stay inside its folder, judged from the path's components.
    func testPathsThatLeaveTheManifestFolder() {
        for path in ["../a.wav", "a/../../b.wav", "./../a.wav", "a/b/../../../c.wav", ".."] {
            XCTAssertTrue(ManifestReader.leavesFolder(path), path)
        }
        for path in ["a.wav", "a/../b.wav", "./a/./b.wav", "a/b/../../c.wav", "..a/b.wav", "a..b.wav", "clips//x.wav"] {
            XCTAssertFalse(ManifestReader.leavesFolder(path), path)
        }
    }

    /// A manifest of many lines is read a line at a time, with line numbers as before.
    func testAManifestIsReadLineByLineWithItsLineNumbers() throws {
        let folder = TemporaryDirectory()
        var text = "path\ttranscript\n"
        for i in 0..<3000 { text += (i % 1000 == 0 ? "\n" : "") + "clips/\(i).wav\tyes no\(i % 2 == 0 ? "\r" : "")\n" }
        let manifest = folder.write("train.tsv", Data(text.utf8))
        let dataset = try DatasetLoader.load(manifest)
        XCTAssertEqual(dataset.utterances.count, 3000)
        XCTAssertEqual(dataset.utterances.last?.source, manifest + ":3004", "the header, 3 blank lines, 3,000 entries")
        XCTAssertEqual(dataset.utterances.last?.transcript, "yes no")
        XCTAssertEqual(dataset.utterances[1000].path, folder.file("clips/1000.wav"))
    }
}
