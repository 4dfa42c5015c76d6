import CochleaAudio
import CochleaCore
import CochleaFeatures
import CochleaModel
import CochleaNN
import CochleaTestSupport
import Foundation
import XCTest

/// Broken input of every kind through the built binary: each gets a message naming the file (and
/// line, where there is one) and a non-zero exit, and the rest of the batch is still done.
final class MalformedInputTests: XCTestCase {
    let folder = TemporaryDirectory()

    /// Runs `arguments` and checks the exit code is non-zero and stderr says `message` about `name`.
    @discardableResult
    func expectFailure(_ arguments: [String], naming name: String, _ message: String,
                       file: StaticString = #filePath, line: UInt = #line) throws -> CLI.Result {
        let result = try CLI.run(arguments)
        XCTAssertNotEqual(result.status, 0, "\(arguments)", file: file, line: line)
        let lines = result.stderr.split(separator: "\n").filter { $0.contains(name) }
        XCTAssertTrue(lines.contains { $0.contains(message) }, "expected '\(name)' with '\(message)' in:\n\(result.stderr)", file: file, line: line)
        return result
    }

    // MARK: audio (15 kinds)

    func testBrokenAudioInOneBatchIsReportedFileByFileAndTheRestWritten() throws {
        let audio = folder.file("audio")
        try FileManager.default.createDirectory(atPath: audio, withIntermediateDirectories: true)
        let chirp = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("audio/chirp.wav")))
        var nan = [Float](repeating: 0.1, count: 800)
        nan[300] = .nan
        try AudioWriter.write(nan, sampleRate: 16_000, encoding: .wavFloat, to: audio + "/nan.wav")
        try AudioWriter.write([], sampleRate: 16_000, encoding: .wavPCM16, to: audio + "/nosamples.wav")
        let cases: [(String, Data, String)] = [
            ("empty.wav", Data(), "file is empty"),
            ("text.wav", Data("RIFF? no, just words\n".utf8), "not a recognised audio file"),
            ("truncated.wav", chirp.prefix(20_000), "file is truncated"),
            ("headeronly.wav", chirp.prefix(44), "file is truncated"),
            ("rate0.wav", CraftedFiles.wav(rate: 0), "not a recognised audio file"),
            ("rate10M.wav", CraftedFiles.wav(rate: 10_000_000), "sample rate 10000000 Hz is outside"),
            ("channels0.wav", CraftedFiles.wav(channels: 0, blockAlign: 2), "Channel count is zero"),
            ("channels65535.wav", CraftedFiles.wav(channels: 65_535, blockAlign: 2), "Too many channels"),
            ("bits0.wav", CraftedFiles.wav(bits: 0, blockAlign: 0), "unimplemented format"),
            ("bits40.wav", CraftedFiles.wav(bits: 40, blockAlign: 5, data: Data(repeating: 0, count: 1000)), "unimplemented format"),
        ]
        for (name, data, _) in cases { folder.write("audio/" + name, data) }
        try FileManager.default.createDirectory(atPath: audio + "/folder.wav", withIntermediateDirectories: true)
        XCTAssertEqual(mkfifo(audio + "/pipe.wav", 0o644), 0)
        try FileManager.default.copyItem(atPath: Fixtures.path("audio/speech.wav"), toPath: audio + "/good.wav")
        try FileManager.default.copyItem(atPath: Fixtures.path("audio/short.wav"), toPath: audio + "/short.wav")
        let named = cases.map { audio + "/" + $0.0 } + [audio + "/nan.wav", audio + "/nosamples.wav", audio + "/folder.wav",
                                                      audio + "/pipe.wav", audio + "/missing.wav", audio + "/good.wav", audio + "/short.wav"]
        let out = folder.file("out")
        let result = try CLI.run(["features"] + named + ["--out", out])
        XCTAssertEqual(result.status, 1)
        var expected = cases.map { ($0.0, $0.2) }
        expected += [("nan.wav", "sample 300 is NaN"), ("nosamples.wav", "holds no samples"), ("folder.wav", "is a directory"),
                     ("pipe.wav", "is a FIFO"), ("missing.wav", "no such file"), ("short.wav", "shorter than one frame")]
        for (name, message) in expected {
            XCTAssertTrue(result.stderr.split(separator: "\n").contains { $0.contains(audio + "/" + name + ":") && $0.contains(message) },
                          "\(name): \(message) in\n\(result.stderr)")
        }
        XCTAssertTrue(result.stderr.contains("15 of 17 inputs failed"), result.stderr)
        XCTAssertEqual(try Npy.read(out + "/good.npy").shape, [200, 13], "the good file is still written")
        XCTAssertEqual(try Npy.read(out + "/short.npy").shape, [0, 13], "shorter than a frame: zero frames, a warning, not a failure")
    }

    func testUnusualButValidAudioGivesFiniteFeatures() throws {
        let tone = (0..<8_000).map { Float(0.6 * sin(Double($0) * 0.07)) }
        var files = [String]()
        for (name, encoding) in [("u8.wav", AudioEncoding.wavPCM8), ("ulaw.wav", .wavULaw), ("p24.wav", .wavPCM24),
                                 ("flac.flac", .flac16), ("ogg.ogg", .oggVorbis), ("aiff.aiff", .aiff16)] {
            files.append(folder.file(name))
            try AudioWriter.write(tone, sampleRate: 16_000, encoding: encoding, to: files.last!)
        }
        files.append(folder.file("loud.wav"))
        try AudioWriter.write(tone.map { $0 * 3 }, sampleRate: 16_000, encoding: .wavFloat, to: files.last!)
        files.append(folder.file("six.wav"))
        try AudioWriter.write(tone.flatMap { [Float](repeating: $0, count: 6) }, channels: 6, sampleRate: 16_000, encoding: .wavFloat, to: files.last!)
        for rate in [8_000, 22_050, 44_100, 48_000] {
            files.append(folder.file("r\(rate).wav"))
            try AudioWriter.write(Array(tone.prefix(rate / 2)), sampleRate: rate, encoding: .wavPCM16, to: files.last!)
        }
        files.append(folder.file("bits12.wav"))
        folder.write("bits12.wav", CraftedFiles.wav(bits: 12, blockAlign: 2))
        let out = folder.file("valid")
        let result = try CLI.run(["features"] + files + ["--out", out])
        XCTAssertEqual(result.status, 0, result.stderr)
        for file in files {
            let name = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
            let features = try Npy.read(out + "/" + name + ".npy")
            XCTAssertGreaterThan(features.shape[0], 0, name)
            XCTAssertTrue(features.values.allSatisfy(\.isFinite), name)
        }
    }

    // MARK: manifests (5 kinds)

    func testBrokenManifestEntriesAreListedWithTheirLines() throws {
        let root = folder.file("corpus")
        try TinyCorpus.write(to: root)
        let manifest = root + "/extra.tsv"
        try """
        path\ttranscript
        go/spk1_nohash_0.wav\tgo go
        /etc/hostname\tno
        ../outside.wav\tup
        go/spk1_nohash_0.wav\tgo go
        no/spk1_nohash_0.wav\tno 2
        """.write(toFile: manifest, atomically: true, encoding: .utf8)
        let out = folder.file("model")
        // The broken entries are skipped and listed; training goes on with the rest of the data.
        let result = try CLI.run(["train", manifest, root, "--out", out, "--epochs", "1", "--hidden", "4"])
        XCTAssertEqual(result.status, 0, result.stderr)
        for (line, message) in [(3, "audio path outside the manifest's folder"), (4, "audio path outside the manifest's folder"),
                                (5, "duplicate entry"), (6, "characters outside the token set")] {
            XCTAssertTrue(result.stderr.contains("\(manifest):\(line): \(message)"), "line \(line) in\n\(result.stderr)")
        }
        XCTAssertTrue(try String(contentsOfFile: out + "/problems.txt", encoding: .utf8).contains("\(manifest):6: characters outside"))
        // With nothing usable left, training stops with an error and still lists why. Without a
        // speaker column, 10% is held out for validation by a hash of the audio path as the manifest
        // writes it: "gone.wav" stays in training (a held-out line 3 would be reported for its
        // characters, the training token set being empty, instead of its missing audio).
        let onlyBad = folder.write("bad.tsv", Data("path\ttranscript\n/etc/hostname\tno\ngone.wav\tgo\n".utf8))
        let failed = try expectFailure(["train", onlyBad, "--out", folder.file("none")], naming: onlyBad + ":2", "outside the manifest's folder")
        XCTAssertTrue(failed.stderr.contains("nothing usable to train on"), failed.stderr)
        XCTAssertTrue(failed.stderr.contains(onlyBad + ":3: missing audio"), failed.stderr)
        try expectFailure(["train", folder.file("nothing.tsv"), "--out", out], naming: "nothing.tsv", "no such file")
        let noColumns = folder.write("columns.tsv", Data("file\twords\na.wav\tgo\n".utf8))
        try expectFailure(["train", noColumns, "--out", out], naming: noColumns, "no 'path' column")
        let latin1 = folder.write("latin1.tsv", Data("path\ttranscript\na.wav\tcaf\u{E9}\n".utf8.map { $0 == 0xC3 ? 0xE9 : $0 }.filter { $0 != 0xA9 }))
        try expectFailure(["train", latin1, "--out", out], naming: latin1, "not UTF-8")
    }

    // MARK: model files (5 kinds)

    func brokenModel(_ name: String, config: (String) -> String = { $0 }, weights: (Data) -> Data = { $0 }) throws -> String {
        let shape = NetworkShape(inputSize: 13, hiddenSize: 4, layers: 1, classes: 5)
        var pipeline = FeaturePipeline()
        pipeline.options.useEnergy = false
        let model = AcousticModel(config: ModelConfig(features: pipeline, network: shape, tokens: ["<blank>", " ", "a", "b", "c"]),
                                  parameters: AcousticNetwork<Float>(shape: shape, seed: 1).parameterValues)
        let path = folder.file(name)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try Data(config(String(decoding: try model.configData(), as: UTF8.self)).utf8).write(to: URL(fileURLWithPath: path + "/config.json"))
        try weights(model.weightsData()).write(to: URL(fileURLWithPath: path + "/model.safetensors"))
        return path
    }

    func testBrokenModelFilesAreRefusedWithTheReason() throws {
        let clip = Fixtures.path("audio/chirp.wav")
        let truncated = try brokenModel("truncated", weights: { $0.prefix($0.count - 64) })
        try expectFailure(["transcribe", "--model", truncated, clip], naming: truncated + "/model.safetensors", "file truncated")
        let corpus = folder.file("tiny")
        try TinyCorpus.write(to: corpus)
        try expectFailure(["train", corpus, "--out", folder.file("tuned"), "--init-from", truncated], naming: truncated + "/model.safetensors", "file truncated")
        let wrongType = try brokenModel("dtype", weights: { data in
            Data(String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\"output.bias\":{\"dtype\":\"F32\"", with: "\"output.bias\":{\"dtype\":\"I32\"").utf8)
        })
        try expectFailure(["transcribe", "--model", wrongType, clip], naming: wrongType + "/model.safetensors", "dtype I32")
        let mismatch = try brokenModel("mismatch", config: { $0.replacingOccurrences(of: "\"hiddenSize\" : 4", with: "\"hiddenSize\" : 6") })
        try expectFailure(["transcribe", "--model", mismatch, clip], naming: mismatch + "/model.safetensors", "the config's sizes need")
        let beyond = try brokenModel("beyond", weights: { data in
            var bytes = [UInt8](data)
            bytes.replaceSubrange(0..<8, with: withUnsafeBytes(of: UInt64(data.count * 2).littleEndian) { Array($0) })
            return Data(bytes)
        })
        try expectFailure(["transcribe", "--model", beyond, clip], naming: beyond + "/model.safetensors", "runs past the end")
        let newer = try brokenModel("newer", config: { $0.replacingOccurrences(of: "\"formatVersion\" : 1", with: "\"formatVersion\" : 9") })
        try expectFailure(["transcribe", "--model", newer, clip], naming: newer + "/config.json", "newer than this Cochlea")
    }

    // MARK: language models (3 kinds)

    func testBrokenARPAFilesNameTheLine() throws {
        let model = try brokenModel("lmmodel")
        let clip = Fixtures.path("audio/chirp.wav")
        let good = "\\data\\\nngram 1=3\n\n\\1-grams:\n-1.0\t<s>\n-1.0\t</s>\n-0.5\tab\n\n\\end\\\n"
        for (name, text, line, message) in [
            ("counts.arpa", good.replacingOccurrences(of: "ngram 1=3", with: "ngram 1=5"), 7, "5"),
            ("number.arpa", good.replacingOccurrences(of: "-0.5\tab", with: "minus\tab"), 7, "minus"),
            ("end.arpa", good.replacingOccurrences(of: "\\end\\\n", with: ""), 0, "\\end\\"),
        ] {
            let path = folder.write(name, Data(text.utf8))
            let result = try expectFailure(["transcribe", "--model", model, clip, "--lm", path], naming: path, message)
            if line > 0 {
                XCTAssertNotNil(result.stderr.range(of: NSRegularExpression.escapedPattern(for: path) + ":[0-9]+", options: .regularExpression),
                                "the message gives the line: \(result.stderr)")
            }
        }
    }

    // MARK: options (4 kinds)

    func testImpossibleOptionsAreRefused() throws {
        let model = try brokenModel("optmodel")
        let clip = Fixtures.path("audio/chirp.wav")
        for (arguments, message) in [
            (["features", clip, "--out", folder.path, "--num-mel-bins=-5"], "mel bins"),
            (["transcribe", "--model", model, clip, "--beam", "0"], "beam"),
            (["transcribe", "--model", model, clip, "--keywords", "ab,c9"], "9"),
            (["train", clip, "--out", folder.path, "--batch-size", "0"], "batch size"),
            (["train", clip, "--out", folder.path, "--time-masks=-1"], "time masks must be 0 or positive, got -1"),
            (["train", clip, "--out", folder.path, "--frequency-mask-width=-2"], "frequency mask width must be 0 or positive, got -2"),
            (["train", clip, "--out", folder.path, "--speed-range", "0.3:1.1"], "speed perturbation factors must lie in 0.5...2"),
            (["train", clip, "--out", folder.path, "--time-limit", "0"], "time limit must be more than 0 and at most 525600 minutes, got 0.0 minutes"),
            (["train", clip, "--out", folder.path, "--time-limit", "nan"], "time limit must be more than 0"),
            (["train", clip, "--out", folder.path, "--init-from", model, "--hidden", "64", "--pcen"],
             "--init-from takes the features and network shape of the model it starts from; drop --pcen, --hidden"),
            (["bench", "speed", "--clips", "0"], "--clips must be 1 to 1000000, got 0"),
            (["bench", "model", "--layers", "0", "--no-peers"], "--layers must be 1 to 1000000, got 0"),
            (["bench", "model", "--hidden", "20000", "--no-peers"], "hidden size must be 1 to 16,384, got 20000"),
            (["bench", "model", "--frames", "1000000000", "--no-peers"], "--frames must be 1 to 1000000, got 1000000000"),
            (["bench", "decode", "--frames", "100,0", "--no-peers"], "--frames must be 1 to 1000000, got 0"),
            (["bench", "decode", "--frames", "100,abc", "--no-peers"], "--frames: abc is not a whole number"),
            (["bench", "ctc", "--threads", "2,0", "--no-peers"], "--threads must be 1 to 256, got 0"),
            (["bench", "scaling", "--classes", "0"], "classes must be 2 to 100,000"),
            (["bench", "scaling", "--link", "abc"], "--link abc: want SPEED:µs"),
            (["evaluate", clip, "--model", model, "--threads", "0"], "--threads must be 1 to 256, got 0"),
            (["transcribe", "--model", model, clip, "--threads", "1000000000"], "--threads must be 1 to 256, got 1000000000"),
            (["transcribe", "--model", model, clip, "--beam", "1000000000"], "--beam must be at most 100000, got 1000000000"),
            (["train", clip, "--out", folder.path, "--time-masks", "1000000000"], "time masks must be at most 100 per utterance"),
            (["corpus", "--out", folder.file("c"), "--plan-only", "--train-sentences", "1000000000"], "--train-sentences must be at most 100000"),
            (["evaluate", clip, "--model", model, "--confusions=-1"], "--confusions must be 0 or positive"),
        ] {
            let result = try CLI.run(arguments)
            XCTAssertNotEqual(result.status, 0, "\(arguments)")
            XCTAssertTrue(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }

    // MARK: outputs are never half-written

    /// A disk that fills up: a small tmpfs. The previous output stays whole, and the message says so.
    func testAFullDiskLeavesThePreviousOutputIntact() throws {
        let mount = folder.file("tiny")
        try FileManager.default.createDirectory(atPath: mount, withIntermediateDirectories: true)
        let process = try Process.run(URL(fileURLWithPath: "/bin/mount"), arguments: ["-t", "tmpfs", "-o", "size=48k", "tmpfs", mount])
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw XCTSkip("cannot mount a tmpfs here (needs root); the rename path is covered by AtomicFileTests") }
        defer { _ = try? Process.run(URL(fileURLWithPath: "/bin/umount"), arguments: [mount]).waitUntilExit() }
        let short = Fixtures.path("audio/speech.wav")
        XCTAssertEqual(try CLI.run(["features", short, "--out", mount, "--kind", "fbank"]).status, 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: mount + "/speech.npy"))
        // 80 bins with deltas is more than the 48 kB disk holds.
        let result = try CLI.run(["features", short, "--out", mount, "--kind", "fbank", "--num-mel-bins", "80", "--delta-order", "2"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains(mount + "/speech.npy: could not write"), result.stderr)
        XCTAssertTrue(result.stderr.contains("previous file at that path is unchanged"), result.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: mount + "/speech.npy")), before)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: mount), ["speech.npy"], "no temporary file left")
    }
}
