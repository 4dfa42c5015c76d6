import CochleaCore
import CochleaTestSupport
import Foundation
import XCTest

/// The everyday commands end to end on a tiny corpus of synthetic sounds, through the built binary.
final class TrainTranscribeEvaluateTests: XCTestCase {
    static let folder = TemporaryDirectory()
    static var corpus: String { folder.file("corpus") }
    static var model: String { folder.file("model") }

    /// Trains once for all tests of this class.
    override class func setUp() {
        super.setUp()
        try! TinyCorpus.write(to: corpus)
        let result = try! CLI.run(["train", corpus, "--out", model, "--epochs", "2", "--hidden", "8", "--batch-size", "4", "--threads", "2"])
        precondition(result.status == 0, result.stderr)
    }

    func testTrainWritesAModelAndReportsEpochs() throws {
        for file in ["config.json", "model.safetensors", "history.tsv", "history.svg", "checkpoints/last.safetensors"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: Self.model + "/" + file), file)
        }
        let history = try String(contentsOfFile: Self.model + "/history.tsv", encoding: .utf8)
        XCTAssertEqual(history.split(separator: "\n").count, 3, history)
    }

    func testTrainRefusesImpossibleOptionsAndMissingData() throws {
        for (arguments, message) in [
            (["--epochs", "0"], "epochs must be at least 1"),
            (["--dropout", "1.5"], "dropout"),
            (["--noise-snr", "30"], "--noise-snr"),
            (["--reverb", "1.5"], "reverberation probability must be in [0, 1]"),
            (["--reverb", "0.3", "--reverb-time", "0.8:0.2"], "--reverb-time takes LOW:HIGH in seconds"),
            (["--reverb", "0.3", "--reverb-time", "0:0.5"], "reverberation times must lie in 0.05...3 s"),
            (["--band-limit", "0.3", "--band-limit-cutoff", "3400"], "--band-limit-cutoff takes LOW:HIGH in Hz"),
            (["--band-limit", "0.3", "--band-limit-cutoff", "3000:9000"], "below half the sample rate (8000 Hz)"),
            (["--clipping", "0.2", "--clipping-overdrive=-3:6"], "clipping overdrive must lie in 0...30 dB"),
            (["--modulated-noise", "0.3", "--modulated-noise-snr=-20:5"], "modulated noise SNR must lie in -10...60 dB"),
            (["--modulated-noise", "0.3", "--modulated-noise-snr", "25"], "--modulated-noise-snr takes LOW:HIGH in dB"),
            (["--clicks", "0.3", "--click-level=-30:6"], "click level must lie in -80...0 dB"),
            (["--clicks", "2"], "click probability must be in [0, 1]"),
            (["--clicks", "0.3", "--click-level", "20"], "--click-level takes LOW:HIGH in dB"),
            (["--truncate", "0.2", "--truncate-fraction", "0.1:0.8"], "the share of a word cut away must lie in 0...0.6"),
            (["--truncate", "0.2", "--truncate-fraction", "0.3"], "--truncate-fraction takes LOW:HIGH, e.g. 0.05:0.3"),
            (["--splice", "1.5"], "splicing probability must be in [0, 1]"),
            (["--splice", "0.3", "--splice-words", "2.5:3"], "--splice-words takes whole numbers of words"),
            (["--splice", "0.3", "--splice-words", "1:3"], "a spliced utterance must have 2 to 8 words"),
            (["--splice", "0.3", "--splice-margin", "0.1"], "--splice-margin takes LOW:HIGH in seconds"),
            (["--compress", "0.3", "--compress-ratio", "0.5:4"], "compression ratios must lie in 1...100"),
            (["--compress", "0.3", "--compress-threshold", "40:10"], "--compress-threshold takes LOW:HIGH in dB"),
            (["--suppress-noise", "0.3", "--suppress-floor=-20:5"], "noise suppression floor must lie in -80...0 dB"),
            (["--features", "mfcc39", "--mask-empty-bands"], "empty-band masking needs log filterbank features"),
            (["--trim", "0.3", "--trim-threshold", "50:20"], "--trim-threshold takes LOW:HIGH in dB"),
            (["--trim", "0.3", "--trim-padding", "0:20"], "trimming padding must lie in -10...10 seconds"),
            (["--features", "mfcc39", "--dynamic-range", "50"], "a dynamic-range floor needs log filterbank features"),
            (["--dynamic-range", "3"], "the dynamic range must be 10 to 200 dB"),
            (["--speech-statistics", "200"], "the speech range for normalisation statistics must be 5 to 120 dB"),
            (["--low-freq", "9000"], "need 0 ≤ low frequency (9000.0)"),
            (["--tilt", "1.5"], "tilt probability must be in [0, 1]"),
            (["--tilt", "0.3", "--tilt-gain=-40:6"], "tilt gains must lie in -30...30 dB"),
            (["--tilt", "0.3", "--tilt-corner", "300"], "--tilt-corner takes LOW:HIGH in Hz"),
            (["--tilt", "0.3", "--tilt-corner", "300:5000"], "below a quarter of the sample rate (4000 Hz)"),
            (["--pcen", "--dynamic-range", "50"], "PCEN replaces the logarithm of filterbank power energies"),
            (["--features", "mfcc13", "--pcen"], "PCEN replaces the logarithm"),
            (["--cmvn", "none", "--mask-empty-bands"], "empty-band masking needs log filterbank features normalised per utterance"),
            (["--hidden", "0"], "hidden size"),
        ] {
            let result = try CLI.run(["train", Self.corpus, "--out", Self.folder.file("x")] + arguments)
            XCTAssertNotEqual(result.status, 0)
            XCTAssertTrue(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
        let missing = try CLI.run(["train", Self.folder.file("nowhere"), "--out", Self.folder.file("y")])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("nowhere: no such file or folder"), missing.stderr)
    }

    func testTranscribeTextJSONBadFilesAndLogProbs() throws {
        let bad = Self.folder.write("notes.wav", Data("hello".utf8))
        let good = Self.corpus + "/go/spk1_nohash_0.wav"
        let text = try CLI.run(["transcribe", "--model", Self.model, good, bad])
        XCTAssertEqual(text.status, 1)
        XCTAssertTrue(text.stdout.hasPrefix(good + "\t"), text.stdout)
        XCTAssertTrue(text.stderr.contains("notes.wav: not a recognised audio file"), text.stderr)

        let dump = Self.folder.file("lp")
        let json = try CLI.run(["transcribe", "--model", Self.model, good, bad, "--format", "json", "--dump-logprobs", dump])
        let array = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(array.count, 2)
        XCTAssertNotNil(array[0]["text"])
        XCTAssertNotNil(array[0]["words"])
        XCTAssertNotNil(array[0]["confidence"])
        XCTAssertNotNil(array[1]["error"])
        let logProbs = try Npy.read(dump + "/spk1_nohash_0.npy")
        XCTAssertEqual(logProbs.shape, [48, 8], "0.5 s is 48 frames of 8 tokens (blank, space, ', g n o p u)")
        for t in 0..<48 {
            let total = (0..<8).map { exp(logProbs.values[t * 8 + $0]) }.reduce(0, +)
            XCTAssertEqual(total, 1, accuracy: 1e-4)
        }
    }

    func testEvaluateWritesSummaryReportAndTrnThatScliteAgreesWith() throws {
        let trn = Self.folder.file("trn"), report = Self.folder.file("report.json")
        let result = try CLI.run(["evaluate", Self.corpus, "--model", Self.model, "--split", "all", "--report", report, "--trn", trn])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.hasPrefix("%WER "), result.stdout)
        XCTAssertTrue(result.stdout.contains("× real time"), result.stdout)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any])
        XCTAssertEqual(object["utterances"] as? Int, 18)
        let wer = try XCTUnwrap(object["wer"] as? Double)
        let results = try XCTUnwrap(object["results"] as? [[String: Any]])
        XCTAssertEqual(results.count, 18)
        XCTAssertTrue(results.allSatisfy { ($0["substitutions"] as? Int ?? 0) + ($0["deletions"] as? Int ?? 0) + ($0["insertions"] as? Int ?? 0) == 0 || $0["alignment"] != nil })
        guard let sclite = ["/usr/bin/sclite", "/usr/lib/sctk/bin/sclite"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("sclite (Debian package sctk) is not installed; scripts/test.sh installs it")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: sclite)
        process.arguments = ["-r", trn + "/ref.trn", "trn", "-h", trn + "/hyp.trn", "trn", "-i", "rm", "-s", "-o", "sum", "stdout"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let sum = try XCTUnwrap(output.split(separator: "\n").first { $0.contains("Sum/Avg") }, output)
        let fields = sum.split(separator: "|")[3].split(separator: " ").compactMap { Double($0) }
        XCTAssertEqual(fields[4], (wer * 1000).rounded() / 10, accuracy: 0.051, "sclite's Err% equals our WER: \(sum)")
    }
}

extension TrainTranscribeEvaluateTests {
    /// Single-word clips (Speech Commands folders, speakers from the file names) with two-word
    /// utterances from a manifest naming its speakers: the breakdowns add up to what the per-utterance
    /// results say.
    func testEvaluateBreaksDownBySpeakerAndUtteranceLength() throws {
        let multi = Self.folder.file("multi")
        try FileManager.default.createDirectory(atPath: multi, withIntermediateDirectories: true)
        var manifest = "path\ttranscript\tspeaker\n"
        for (i, word) in ["go", "no", "up", "go"].enumerated() {
            try? FileManager.default.removeItem(atPath: "\(multi)/\(i).wav")
            try FileManager.default.copyItem(atPath: "\(Self.corpus)/\(word)/spk\(i)_nohash_0.wav", toPath: "\(multi)/\(i).wav")
            manifest += "\(i).wav\t\(word) up\t\(i < 2 ? "anna" : "ben")\n"
        }
        try manifest.write(toFile: multi + "/all.tsv", atomically: true, encoding: .utf8)
        let report = Self.folder.file("breakdown.json")
        let result = try CLI.run(["evaluate", Self.corpus, multi + "/all.tsv", "--model", Self.model, "--split", "all", "--report", report,
                                  "--speakers", "3"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("single word: %WER "), result.stdout)
        XCTAssertTrue(result.stdout.contains("; multi-word: %WER "), result.stdout)
        XCTAssertTrue(result.stdout.contains("by speaker, the 3 worst of 8 "), result.stdout)

        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any])
        let results = try XCTUnwrap(object["results"] as? [[String: Any]])
        XCTAssertEqual(results.count, 22)
        func errors(_ entry: [String: Any]) -> Int {
            ["substitutions", "deletions", "insertions"].reduce(0) { $0 + (entry[$1] as? Int ?? 0) }
        }
        let single = try XCTUnwrap(object["single_word"] as? [String: Any]), pairs = try XCTUnwrap(object["multi_word"] as? [String: Any])
        XCTAssertEqual(single["utterances"] as? Int, 18)
        XCTAssertEqual((single["words"] as? [String: Int])?["reference"], 18)
        XCTAssertEqual((pairs["words"] as? [String: Int])?["reference"], 8)
        let pairErrors = results.filter { ($0["reference"] as? String ?? "").contains(" ") }.reduce(0) { $0 + errors($1) }
        XCTAssertEqual(pairs["wer"] as? Double, Double(pairErrors) / 8)

        let speakers = try XCTUnwrap(object["speakers"] as? [[String: Any]])
        XCTAssertEqual(Set(speakers.compactMap { $0["speaker"] as? String }), ["spk0", "spk1", "spk2", "spk3", "spk4", "spk5", "anna", "ben"])
        let rates = speakers.compactMap { $0["wer"] as? Double }
        XCTAssertEqual(rates, rates.sorted(by: >), "worst first")
        for speaker in speakers {
            let name = try XCTUnwrap(speaker["speaker"] as? String)
            let theirs = results.filter { $0["speaker"] as? String == name }
            XCTAssertEqual(speaker["utterances"] as? Int, theirs.count, name)
            XCTAssertEqual((speaker["words"] as? [String: Int])?["reference"],
                           theirs.reduce(0) { $0 + ($1["reference"] as? String ?? "").split(separator: " ").count }, name)
            let wrong = theirs.reduce(0) { $0 + errors($1) }
            XCTAssertEqual(speaker["wer"] as? Double, Double(wrong) / Double((speaker["words"] as? [String: Int])?["reference"] ?? 1), name)
        }

        let quiet = try CLI.run(["evaluate", Self.corpus, "--model", Self.model, "--split", "all", "--speakers", "0"])
        XCTAssertEqual(quiet.status, 0, quiet.stderr)
        XCTAssertFalse(quiet.stdout.contains("by speaker"), quiet.stdout)
        XCTAssertFalse(quiet.stdout.contains("multi-word"), "only single words: no breakdown by length\n" + quiet.stdout)
        let refused = try CLI.run(["evaluate", Self.corpus, "--model", Self.model, "--speakers=-1"])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("--speakers must be 0 or positive"), refused.stderr)
    }
}

/// The README's first command: the shipped model on the bundled clips, found without --model.
final class DefaultModelTests: XCTestCase {
    func testTheShippedModelTranscribesTheBundledExamples() throws {
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("datasets/examples").path
        let result = try CLI.run(["transcribe", examples])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false) }
        XCTAssertEqual(lines.count, 8)
        // Each file is named after what it says.
        let correct = lines.filter { line in
            let name = ((String(line[0]) as NSString).lastPathComponent as NSString).deletingPathExtension
            return name.replacingOccurrences(of: "_", with: " ") == String(line[1])
        }
        XCTAssertGreaterThanOrEqual(correct.count, 7, "\(result.stdout)")
    }
}
