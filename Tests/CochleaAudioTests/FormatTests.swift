import CochleaAudio
import CochleaTestSupport
import Foundation
import XCTest

/// Every encoding decodes to the samples that were written (within its quantisation), and the
/// resampler is band-limited.
final class FormatTests: XCTestCase {
    let folder = TemporaryDirectory()

    func sine(_ frequency: Double, rate: Int, seconds: Double, amplitude: Double = 0.5) -> [Float] {
        (0..<Int(Double(rate) * seconds)).map { Float(amplitude * sin(2 * Double.pi * frequency * Double($0) / Double(rate))) }
    }

    func maxError(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).map { abs($0 - $1) }.max() ?? .infinity
    }

    func testLosslessEncodingsRoundTrip() throws {
        let samples = sine(440, rate: 16_000, seconds: 0.5)
        let cases: [(AudioEncoding, String, Float)] = [
            (.wavPCM8, "wav", 1.0 / 128), (.wavPCM16, "wav", 1.0 / 32768), (.wavPCM24, "wav", 1.0 / 8_388_608),
            (.wavPCM32, "wav", 1e-7), (.wavFloat, "wav", 0), (.flac16, "flac", 1.0 / 32768),
            (.flac24, "flac", 1.0 / 8_388_608), (.aiff16, "aiff", 1.0 / 32768), (.wavULaw, "wav", 0.02),
        ]
        for (encoding, ext, tolerance) in cases {
            let path = folder.file("\(encoding.rawValue).\(ext)")
            try AudioWriter.write(samples, sampleRate: 16_000, encoding: encoding, to: path)
            let clip = try AudioDecoder.decode(path: path)
            XCTAssertEqual(clip.samples.count, samples.count, "\(encoding)")
            XCTAssertLessThanOrEqual(maxError(clip.samples, samples), tolerance, "\(encoding)")
        }
    }

    func testOggVorbisDecodesCloseToTheOriginal() throws {
        let samples = sine(440, rate: 16_000, seconds: 1)
        let path = folder.file("tone.ogg")
        try AudioWriter.write(samples, sampleRate: 16_000, encoding: .oggVorbis, to: path)
        let clip = try AudioDecoder.decode(path: path)
        XCTAssertEqual(clip.samples.count, samples.count)
        let noise = zip(clip.samples, samples).map { Double($0 - $1) * Double($0 - $1) }.reduce(0, +)
        let signal = samples.map { Double($0) * Double($0) }.reduce(0, +)
        XCTAssertGreaterThan(10 * log10(signal / noise), 20, "Vorbis SNR")
    }

    func testSixChannelsAverage() throws {
        let frames = 800
        var interleaved = [Float]()
        for i in 0..<frames { for c in 0..<6 { interleaved.append(Float(c) * 0.1 + Float(i % 7) * 0.01) } }
        let path = folder.file("six.wav")
        try AudioWriter.write(interleaved, channels: 6, sampleRate: 16_000, encoding: .wavFloat, to: path)
        let clip = try AudioDecoder.decode(path: path)
        XCTAssertEqual(clip.sourceChannels, 6)
        for i in 0..<frames { XCTAssertEqual(clip.samples[i], 0.25 + Float(i % 7) * 0.01, accuracy: 1e-6) }
    }

    func testFloatBeyondFullScaleIsKept() throws {
        let path = folder.file("loud.wav")
        try AudioWriter.write([1.5, -2, 0.5], sampleRate: 16_000, encoding: .wavFloat, to: path)
        XCTAssertEqual(try AudioDecoder.decode(path: path).samples, [1.5, -2, 0.5])
    }

    func testResamplingKeepsTonesAndRemovesAliases() throws {
        for rate in [8_000, 22_050, 44_100, 48_000] {
            let clip = try Resampler.resample(sine(440, rate: rate, seconds: 1), from: rate, to: 16_000)
            XCTAssertEqual(clip.count, 16_000, "from \(rate)")
            let expected = sine(440, rate: 16_000, seconds: 1)
            // Away from the edges, where the filter has no history, the tone is reproduced.
            XCTAssertLessThan(maxError(Array(clip[800..<15_200]), Array(expected[800..<15_200])), 2e-3, "from \(rate)")
        }
        // 10 kHz is above the 8 kHz Nyquist of 16 kHz: a band-limited resampler removes it.
        let alias = try Resampler.resample(sine(10_000, rate: 44_100, seconds: 1), from: 44_100, to: 16_000)
        let rms = (alias[800..<15_200].map { Double($0 * $0) }.reduce(0, +) / 14_400).squareRoot()
        XCTAssertLessThan(rms, 1e-4)
    }

    func testDecodeResamplesToTheRequestedRate() throws {
        let clip = try AudioDecoder.decode(path: Fixtures.path("audio/stereo44k_float.wav"))
        XCTAssertEqual(clip.sampleRate, 16_000)
        XCTAssertEqual(clip.sourceSampleRate, 44_100)
        XCTAssertEqual(clip.samples.count, 16_000)
    }
}

final class AudioStreamTests: XCTestCase {
    func testStreamDeliversTheDecodedSamplesInChunks() throws {
        let path = Fixtures.path("audio/chirp.wav")
        let stream = try AudioStream(path: path, chunkFrames: 1_000)
        var samples = [Float]()
        var chunks = 0
        while let chunk = try stream.next() {
            samples += chunk
            chunks += 1
        }
        XCTAssertEqual(samples, try AudioDecoder.decode(path: path).samples)
        XCTAssertEqual(chunks, 32)
        XCTAssertNil(try stream.next())
    }

    func testStreamResamplesAndChecksLikeTheDecoder() throws {
        let stereo = Fixtures.path("audio/stereo44k_float.wav")
        let stream = try AudioStream(path: stereo, chunkFrames: 4_096)
        var samples = [Float]()
        while let chunk = try stream.next() { samples += chunk }
        let whole = try AudioDecoder.decode(path: stereo).samples
        XCTAssertEqual(samples.count, whole.count, accuracy: 2)
        let largest = zip(samples[100..<15_900], whole[100..<15_900]).map { abs($0 - $1) }.max()!
        XCTAssertLessThan(largest, 1e-4)
        let folder = TemporaryDirectory()
        var bad = [Float](repeating: 0.1, count: 10_000)
        bad[9_000] = .infinity
        try AudioWriter.write(bad, sampleRate: 16_000, encoding: .wavFloat, to: folder.file("inf.wav"))
        let broken = try AudioStream(path: folder.file("inf.wav"), chunkFrames: 4_096)
        XCTAssertThrowsError(try { while try broken.next() != nil {} }()) { error in
            XCTAssertEqual(error as? AudioError, .nonFinite(path: folder.file("inf.wav"), sampleIndex: 9_000, value: "infinite"))
        }
        XCTAssertThrowsError(try AudioStream(path: folder.file("none.wav"))) { XCTAssertEqual($0 as? AudioError, .missing(path: folder.file("none.wav"))) }
    }
}
