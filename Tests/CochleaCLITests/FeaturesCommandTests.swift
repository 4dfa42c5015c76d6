import CochleaAudio
import CochleaCore
import CochleaTestSupport
import Foundation
import XCTest

final class FeaturesCommandTests: XCTestCase {
    let folder = TemporaryDirectory()

    func testWritesOneNpyPerInputMatchingTheReference() throws {
        let out = folder.file("feats")
        let result = try CLI.run(["features", Fixtures.path("audio/chirp.wav"), "--out", out, "--dither", "0", "--use-energy", "false"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let ours = try Npy.read(out + "/chirp.npy")
        let reference = try Fixtures.npy("features/chirp.kaldi_mfcc.npy")
        XCTAssertEqual(ours.shape, reference.shape)
        assertClose(ours.values, reference.values, absolute: 1e-3, relative: 1e-4, "chirp via the CLI")
    }

    func testPCENMatchesLibrosaThroughTheCLI() throws {
        let out = folder.file("pcen")
        let result = try CLI.run(["features", Fixtures.path("audio/speech.wav"), "--out", out, "--kind", "fbank",
                                  "--num-mel-bins", "40", "--dither", "0", "--pcen"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let ours = try Npy.read(out + "/speech.npy")
        let reference = try Fixtures.npy("features_pcen/speech.kaldi_fbank40_pcen.npy")
        XCTAssertEqual(ours.shape, reference.shape)
        assertClose(ours.values, reference.values, absolute: 1e-3, relative: 2e-3, "speech PCEN via the CLI")
        let refused = try CLI.run(["features", Fixtures.path("audio/speech.wav"), "--out", out, "--pcen"])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("PCEN replaces the logarithm"), refused.stderr)
    }

    func testBadFilesAreReportedAndTheRestWritten() throws {
        let inputs = folder.file("in")
        try FileManager.default.createDirectory(atPath: inputs + "/sub", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Fixtures.path("audio/speech.wav"), toPath: inputs + "/sub/good.wav")
        try FileManager.default.copyItem(atPath: Fixtures.path("audio/short.wav"), toPath: inputs + "/short.wav")
        try Data("not audio".utf8).write(to: URL(fileURLWithPath: inputs + "/text.wav"))
        let out = folder.file("out")
        let result = try CLI.run(["features", inputs, folder.file("missing.flac"), "--out", out, "--kind", "fbank", "--num-mel-bins", "40"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("text.wav: not a recognised audio file"), result.stderr)
        XCTAssertTrue(result.stderr.contains("missing.flac: no such file"), result.stderr)
        XCTAssertTrue(result.stderr.contains("short.wav: shorter than one frame"), result.stderr)
        XCTAssertTrue(result.stderr.contains("2 of 4 inputs failed"), result.stderr)
        XCTAssertEqual(try Npy.read(out + "/sub/good.npy").shape, [200, 40], "folder structure kept")
        XCTAssertEqual(try Npy.read(out + "/short.npy").shape, [0, 40], "too short: zero frames, consistently")
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/text.npy"))
    }

    /// The floor reaches the written features: speech between zeros, with and without it.
    func testDynamicRangeFloorsEachBand() throws {
        let padded = folder.file("padded.wav")
        let speech = try AudioDecoder.decode(path: Fixtures.path("audio/speech.wav")).samples
        try AudioWriter.write([Float](repeating: 0, count: 8000) + speech, sampleRate: 16000, encoding: .wavPCM16, to: padded)
        var written = [NpyArray]()
        for extra in [[], ["--dynamic-range", "40"]] {
            let out = folder.file("floor\(extra.count)")
            let result = try CLI.run(["features", padded, "--out", out, "--kind", "fbank", "--num-mel-bins", "40"] + extra)
            XCTAssertEqual(result.status, 0, result.stderr)
            written.append(try Npy.read(out + "/padded.npy"))
        }
        let (plain, floored) = (written[0], written[1])
        XCTAssertEqual(plain.shape, floored.shape)
        let dims = plain.shape[1], frames = plain.shape[0]
        let range = 40 * log(10.0) / 10
        for d in 0..<dims {
            let column = (0..<frames).map { plain.values[$0 * dims + d] }
            let floor = column.max()! - range
            for t in 0..<frames {
                XCTAssertEqual(floored.values[t * dims + d], max(column[t], floor), accuracy: 1e-4)
            }
            XCTAssertLessThan(column[0], floor, "band \(d): the zeros lie deeper than 40 dB under the speech")
        }
    }

    /// `--speech-statistics` reaches the written features: speech with and without 0.5 s of zeros
    /// before it normalises alike with it, and not without it.
    func testSpeechStatisticsMakeTheLeadingPauseIrrelevant() throws {
        let speech = try AudioDecoder.decode(path: Fixtures.path("audio/speech.wav")).samples
        let close = folder.file("close.wav"), padded = folder.file("padded.wav")
        try AudioWriter.write(speech, sampleRate: 16000, encoding: .wavFloat, to: close)
        try AudioWriter.write([Float](repeating: 0, count: 8000) + speech, sampleRate: 16000, encoding: .wavFloat, to: padded)
        var differences = [Double]()
        for extra in [[], ["--speech-statistics", "30"]] {
            let out = folder.file("stats\(extra.count)")
            let result = try CLI.run(["features", close, padded, "--out", out, "--kind", "fbank", "--num-mel-bins", "40", "--dither", "0",
                                      "--cmvn", "mean-variance", "--dynamic-range", "50"] + extra)
            XCTAssertEqual(result.status, 0, result.stderr)
            let a = try Npy.read(out + "/close.npy"), b = try Npy.read(out + "/padded.npy")
            XCTAssertEqual(b.shape[0], a.shape[0] + 50)
            let dims = a.shape[1], rows = (2 * dims)..<(a.values.count - 2 * dims)
            differences.append(rows.reduce(0.0) { $0 + Double(abs(a.values[$1] - b.values[$1 + 50 * dims])) } / Double(rows.count))
        }
        XCTAssertGreaterThan(differences[0], 0.2, "\(differences)")
        XCTAssertLessThan(differences[1], 0.05, "\(differences)")
    }

    func testImpossibleOptionsAreRefused() throws {
        for (arguments, message) in [
            (["--num-ceps", "40"], "number of cepstra"),
            (["--frame-shift", "0"], "frame shift"),
            (["--high-freq", "12000"], "Nyquist"),
            (["--window-type", "triangle"], "window-type"),
            (["--threads", "0"], "threads"),
            (["--dynamic-range", "50"], "a dynamic-range floor needs log filterbank features"),
            (["--kind", "fbank", "--speech-statistics", "30"], "normalisation statistics over speech need log filterbank features normalised per utterance"),
        ] {
            let result = try CLI.run(["features", Fixtures.path("audio/chirp.wav"), "--out", folder.path] + arguments)
            XCTAssertNotEqual(result.status, 0, arguments.joined(separator: " "))
            XCTAssertTrue(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }

    func testHelpTeachesTheOptions() throws {
        let result = try CLI.run(["features", "--help"])
        XCTAssertEqual(result.status, 0)
        for text in ["--snip-edges", "--num-mel-bins", "--delta-order", "numpy.load"] {
            XCTAssertTrue(result.stdout.contains(text), text)
        }
    }
}
