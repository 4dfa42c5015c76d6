import CochleaAudio
@testable import CochleaCorpus
import CochleaTestSupport
import Foundation
import XCTest

/// Generates a tiny corpus with the real synthesisers (about 3 s on 2 cores).
final class GenerationTests: XCTestCase {
    static func requireSynthesisers() throws {
        for tool in ["espeak-ng", "flite", "festival", "sox"] where !Subprocess.isOnPath(tool) {
            throw XCTSkip("\(tool) is not installed; run: \(VoiceCatalogue.installCommand)")
        }
    }

    func tinyOptions() -> CorpusOptions {
        var options = CorpusOptions()
        options.seed = 5
        options.words = ["yes", "seven"]
        options.trainClipsPerWord = 3
        options.heldOutClipsPerWord = 2
        options.trainSentences = 3
        options.heldOutSentences = 2
        options.noiseSeconds = 2
        return options
    }

    func generate(into folder: String, threads: Int) throws -> (CorpusPlan, GenerationReport) {
        let plan = try CorpusPlan(options: tinyOptions(), speakers: VoiceCatalogue.speakers())
        try CorpusLayout.prepareOutput(folder, overwrite: false)
        try PlanFile.write(plan, to: folder + "/plan.tsv")
        let report = try CorpusGenerator(plan: plan, root: folder, threads: threads).generate()
        return (plan, report)
    }

    func testTinyCorpusHasTheTrainingLayoutAndRepeatsByteForByte() throws {
        try Self.requireSynthesisers()
        let first = TemporaryDirectory(), second = TemporaryDirectory()
        let (plan, report) = try generate(into: first.path, threads: 2)
        XCTAssertEqual(report.failures, [])
        XCTAssertEqual(report.written, 2 * 7 + 7 + 3 + 1, "clips, sentences, noise recordings and babble")

        let root = first.path
        let summary = try CorpusLayout.check(root)
        XCTAssertEqual(summary.vocabulary, ["yes", "seven"])
        XCTAssertEqual(summary.words, [.train: 6, .validation: 4, .test: 4])
        XCTAssertEqual(summary.sentences, [.train: 3, .validation: 2, .test: 2])
        XCTAssertEqual(summary.noiseFiles, 4)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root + "/words").sorted(),
                       ["_background_noise_", "seven", "testing_list.txt", "validation_list.txt", "yes"])

        // The lists name exactly the planned held-out words, relative to words/.
        for (split, name) in [(Split.validation, "validation_list.txt"), (.test, "testing_list.txt")] {
            let listed = try String(contentsOfFile: "\(root)/words/\(name)", encoding: .utf8).split(separator: "\n").map(String.init)
            let planned = plan.items.filter { $0.part == .word && $0.split == split }.map { String($0.path.dropFirst(6)) }.sorted()
            XCTAssertEqual(listed, planned, name)
        }
        let manifest = try String(contentsOfFile: root + "/sentences/test.tsv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(manifest.first, "path\ttranscript\tspeaker\tduration")
        XCTAssertEqual(manifest.count, 3)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory()).filter { $0.hasPrefix("cochlea-corpus-\(getpid())-") }, [],
                       "scratch folders must be removed")

        // Every file decodes to 16 kHz mono audio that is not silent; single words are exactly 1 s.
        for item in plan.items where item.part != .babble {
            let clip = try AudioDecoder.decode(path: root + "/" + item.path, sampleRate: nil)
            XCTAssertEqual(clip.sampleRate, 16_000, item.path)
            XCTAssertEqual(clip.sourceChannels, 1, item.path)
            if item.part == .word { XCTAssertEqual(clip.samples.count, 16_000, item.path) }
            let peak = clip.samples.map(abs).max()!
            XCTAssertEqual(20 * log10(Double(peak)), item.level, accuracy: 0.1, item.path)
            if item.part != .noise {
                let region = try XCTUnwrap(ClipMixer.speechRegion(clip.samples), item.path)
                XCTAssertGreaterThan(region.count, 3_200, "\(item.path): less than 0.2 s of speech")
            }
        }

        // Same seed and options, another thread count: the same bytes.
        _ = try generate(into: second.path, threads: 1)
        let files = FileManager.default.subpaths(atPath: root)!.filter { $0.hasSuffix(".wav") || $0.hasSuffix(".txt") || $0.hasSuffix(".tsv") }
        XCTAssertEqual(files.count, report.written + 2 + 3 + 1)
        for file in files {
            XCTAssertEqual(FileManager.default.contents(atPath: "\(root)/\(file)"), FileManager.default.contents(atPath: "\(second.path)/\(file)"),
                           "\(file) differs between two runs with the same seed")
        }
    }

    func testAnExistingCorpusIsNotOverwrittenUnlessAsked() throws {
        let folder = TemporaryDirectory()
        try "part\n".write(toFile: folder.file("plan.tsv"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: folder.file("words/yes"), withIntermediateDirectories: true)
        try "keep".write(toFile: folder.file("notes.txt"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try CorpusLayout.prepareOutput(folder.path, overwrite: false)) { error in
            XCTAssertEqual(error as? CorpusError, .outputExists(path: folder.path))
        }
        try CorpusLayout.prepareOutput(folder.path, overwrite: true)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["notes.txt"])
    }

    func testCommandLineNamesTheMissingPackageAndBadWords() throws {
        let folder = TemporaryDirectory()
        let missing = try CLI.run(["corpus", "--out", folder.path, "--words", "yes", "--train-sentences", "0", "--held-out-sentences", "0"],
                                  environment: ["PATH": "/nonexistent"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("espeak-ng is not installed (or not on PATH): apt-get install espeak-ng"), missing.stderr)
        XCTAssertTrue(missing.stderr.contains("festvox-us-slt-hts"), missing.stderr)

        let bad = try CLI.run(["corpus", "--out", folder.path, "--words", "yes,Go"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("word \"Go\": use lowercase letters"), bad.stderr)

        let planOnly = try CLI.run(["corpus", "--out", folder.path + "/p", "--plan-only", "--train-clips-per-word", "2",
                                    "--accented-clips-per-word", "3", "--accented-sentences", "5",
                                    "--neural-clips-per-word", "4", "--neural-sentences", "6"])
        XCTAssertEqual(planOnly.status, 0, planOnly.stderr)
        let plan = try PlanFile.read(folder.path + "/p/plan.tsv")
        XCTAssertEqual(plan.items.filter { $0.part == .word && $0.split == .train }.count, 40 + 60 + 80)
        XCTAssertEqual(plan.items.filter { $0.speaker == "joe" }.count, 80 + 6)
        XCTAssertEqual(plan.items.filter { $0.speaker.hasPrefix("cs-") || $0.speaker.hasPrefix("it-") || $0.speaker.hasPrefix("fi-")
                                            || $0.speaker.hasPrefix("ca-") }.count, 60 + 5)
        let voices = try String(contentsOfFile: folder.path + "/p/voices.tsv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(voices.first, "speaker\tsplit\tgender\trecorded\trenderers\tclips\taccent")
        XCTAssertTrue(voices.contains { $0.hasPrefix("cs-krb\ttrain\tmale\tyes\tfestival-czech-krb\t") && $0.hasSuffix("\tczech") }, "\(voices)")
        XCTAssertTrue(voices.contains { $0.hasPrefix("rms\t") && $0.hasSuffix("\tenglish") }, "\(voices)")
        XCTAssertTrue(voices.contains { $0.hasPrefix("joe\ttrain\tmale\tyes\tpiper-en-us-joe-medium\t86\t") }, "\(voices)")

        let negative = try CLI.run(["corpus", "--out", folder.path + "/q", "--plan-only", "--accented-clips-per-word=-2"])
        XCTAssertNotEqual(negative.status, 0)
        XCTAssertTrue(negative.stderr.contains("--accented-clips-per-word must be 0 or more, got -2"), negative.stderr)

        let lowered = try CLI.run(["corpus", "--out", folder.path + "/l", "--plan-only", "--train-clips-per-word", "2", "--lowered-voices", "0.4"])
        XCTAssertEqual(lowered.status, 0, lowered.stderr)
        let pitched = try PlanFile.read(folder.path + "/l/plan.tsv").items.filter { $0.cents < -300 }
        XCTAssertFalse(pitched.isEmpty, "some real-person training clips are pitched below the usual ±300 cents")
        XCTAssertTrue(pitched.allSatisfy { $0.split == .train && $0.engine != .espeak })
        let tooMany = try CLI.run(["corpus", "--out", folder.path + "/m", "--plan-only", "--lowered-voices", "0.7"])
        XCTAssertNotEqual(tooMany.status, 0)
        XCTAssertTrue(tooMany.stderr.contains("--lowered-voices must be 0 to 0.5 (the other 0.5 of the real-person training clips are raised), got 0.7"), tooMany.stderr)

        let recorded = try CLI.run(["corpus", "--out", folder.path + "/r", "--plan-only", "--train-clips-per-word", "20",
                                    "--accented-clips-per-word", "0", "--accented-sentences", "0", "--neural-clips-per-word", "0",
                                    "--recorded-share", "0.8"])
        XCTAssertEqual(recorded.status, 0, recorded.stderr)
        let trainWords = try PlanFile.read(folder.path + "/r/plan.tsv").items.filter { $0.part == .word && $0.split == .train }
        let share = Double(trainWords.filter { $0.engine != .espeak }.count) / Double(trainWords.count)
        XCTAssertEqual(share, 0.8, accuracy: 0.06)
        let outOfRange = try CLI.run(["corpus", "--out", folder.path + "/s", "--plan-only", "--recorded-share", "1.5"])
        XCTAssertNotEqual(outOfRange.status, 0)
        XCTAssertTrue(outOfRange.stderr.contains("--recorded-share must be 0 to 1, got 1.5"), outOfRange.stderr)

        let espeakAccents = try CLI.run(["corpus", "--out", folder.path + "/e", "--plan-only", "--train-clips-per-word", "2",
                                         "--espeak-accented-clips-per-word", "2", "--espeak-accented-sentences", "4"])
        XCTAssertEqual(espeakAccents.status, 0, espeakAccents.stderr)
        let accentedVoices = try String(contentsOfFile: folder.path + "/e/voices.tsv", encoding: .utf8).split(separator: "\n")
            .filter { $0.split(separator: "\t")[0].hasSuffix("-accented") }
        XCTAssertFalse(accentedVoices.isEmpty)
        XCTAssertTrue(accentedVoices.allSatisfy { $0.contains("\ttrain\t") && !$0.hasSuffix("\tenglish") }, "\(accentedVoices)")
    }
}

extension GenerationTests {
    func testLayoutCheckCatchesLeaksAndMissingFiles() throws {
        try Self.requireSynthesisers()
        let folder = TemporaryDirectory()
        _ = try generate(into: folder.path, threads: 2)
        XCTAssertNoThrow(try CorpusLayout.check(folder.path))
        let list = folder.file("words/testing_list.txt")
        let original = try String(contentsOfFile: list, encoding: .utf8)
        let lines = original.split(separator: "\n")

        // A file of a test speaker that no list names counts as training: the speaker now leaks.
        let leaked = folder.file("words/" + lines[0].replacingOccurrences(of: "_nohash_", with: "_nohash_9"))
        try FileManager.default.copyItem(atPath: folder.file("words/" + lines[0]), toPath: leaked)
        XCTAssertThrowsError(try CorpusLayout.check(folder.path)) { XCTAssertTrue("\($0)".contains("occurs in both training and test"), "\($0)") }
        try FileManager.default.removeItem(atPath: leaked)

        try (original + "yes/nobody_nohash_0.wav\n").write(toFile: list, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try CorpusLayout.check(folder.path)) { XCTAssertTrue("\($0)".contains("listed but missing"), "\($0)") }

        try original.write(toFile: list, atomically: true, encoding: .utf8)
        try Data().write(to: URL(fileURLWithPath: folder.file("words/yes/.x.wav.tmp-1")))
        XCTAssertThrowsError(try CorpusLayout.check(folder.path)) { XCTAssertTrue("\($0)".contains("temporary or hidden file"), "\($0)") }
        XCTAssertThrowsError(try CorpusLayout.check(folder.file("nothing-here")))
    }
}

extension GenerationTests {
    /// Two clips of the full corpus (seed 1) whose speech outgrew 1 s after one extra tempo pass
    /// (awb's slow "left" at speed 0.9): the sox tempo does not shrink the detected speech exactly.
    func testSlowLongWordsAreSpedUpUntilTheyFit() throws {
        try Self.requireSynthesisers()
        let full = try CorpusPlan(options: CorpusOptions(), speakers: VoiceCatalogue.speakers())
        let paths = ["words/left/awb_nohash_13.wav", "words/left/awb_nohash_16.wav"]
        let items = full.items.filter { paths.contains($0.path) }
        XCTAssertEqual(items.map(\.path).sorted(), paths)
        let folder = TemporaryDirectory()
        let report = try CorpusGenerator(plan: CorpusPlan(items: items), root: folder.path, threads: 2).generate()
        XCTAssertEqual(report.failures, [])
        XCTAssertEqual(report.fitted, 2)
        for path in paths {
            XCTAssertEqual(try AudioDecoder.decode(path: folder.file(path), sampleRate: nil).samples.count, PlanItem.wordSamples, path)
        }
    }

    func testAFailingClipIsReportedAndLeavesNoFile() throws {
        try Self.requireSynthesisers()
        let folder = TemporaryDirectory()
        let good = PlanItem(part: .word, split: .test, path: "words/go/espeak-m3_nohash_0.wav", transcript: "go",
                            speaker: "espeak-m3", engine: .espeak, voice: "en-us+m3", rate: 160, pitch: 50, snr: 50, lead: 0.1, trail: 0.1, seed: 1)
        var bad = good
        bad.path = "words/go/espeak-none_nohash_0.wav"
        bad.speaker = "espeak-none"
        bad.voice = "xx-nowhere+m3"
        var sentence = good
        sentence.part = .sentence
        sentence.path = "sentences/test/espeak-m3_nohash_0.wav"
        sentence.transcript = "go go"
        var badFestival = sentence
        badFestival.path = "sentences/test/ked_nohash_0.wav"
        badFestival.engine = .festival
        badFestival.voice = "no_such_voice"
        let plan = CorpusPlan(items: [good, bad, sentence, badFestival])
        let report = try CorpusGenerator(plan: plan, root: folder.path, threads: 2).generate()

        XCTAssertEqual(report.written, 2)
        XCTAssertEqual(report.failures.map { if case .clipFailed(let path, _) = $0 { return path } else { return "" } },
                       [badFestival.path, bad.path])
        XCTAssertTrue("\(report.failures[1])".contains("espeak-ng"), "\(report.failures[1])")
        XCTAssertEqual("\(report.failures[1])".components(separatedBy: bad.path).count, 2, "the path is named once: \(report.failures[1])")
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.file(bad.path)))
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.file(badFestival.path)))
        XCTAssertEqual(try String(contentsOfFile: folder.file("words/testing_list.txt"), encoding: .utf8), "go/espeak-m3_nohash_0.wav\n")
        XCTAssertEqual(try String(contentsOfFile: folder.file("sentences/test.tsv"), encoding: .utf8).split(separator: "\n").count, 2)
        let leftovers = FileManager.default.subpaths(atPath: folder.path)!.filter { ($0 as NSString).lastPathComponent.hasPrefix(".") }
        XCTAssertEqual(leftovers, [])
    }
}
