import CochleaCore
import CochleaFeatures
@testable import CochleaTraining
import Foundation
import XCTest

final class BandLimitTests: XCTestCase {
    /// Gain in dB of a tone of `frequency` Hz through the filter, read off the filtered signal's
    /// middle second (clear of the edges) against the tone's.
    func gain(cutoff: Double, frequency: Double) -> Double {
        let rate = 16000
        let tone = (0..<3 * rate).map { Float(sin(2 * Double.pi * frequency * Double($0) / Double(rate))) }
        let kernel = BandLimitOptions.lowpassKernel(cutoff: cutoff, sampleRate: rate)
        let out = BandLimitOptions.filter(tone, kernel: kernel, convolver: FFTConvolver())
        let middle = rate..<(2 * rate)
        let energy = { (x: ArraySlice<Float>) in x.reduce(0.0) { $0 + Double($1) * Double($1) } }
        return 10 * log10(energy(out[middle]) / energy(tone[middle]))
    }

    /// Passband flat, stopband at least 100 dB down, the transition within ±350 Hz of the cutoff,
    /// and −6 dB at the cutoff itself (a windowed sinc's half-amplitude point).
    func testLowpassPassesBelowAndStopsAboveTheCutoff() {
        for cutoff in [3000.0, 4000, 6500] {
            for frequency in [100.0, 1000, cutoff - 350] {
                XCTAssertEqual(gain(cutoff: cutoff, frequency: frequency), 0, accuracy: 0.05, "\(frequency) Hz, cutoff \(cutoff)")
            }
            XCTAssertEqual(gain(cutoff: cutoff, frequency: cutoff), -6.02, accuracy: 0.3, "cutoff \(cutoff)")
            for frequency in [cutoff + 350, cutoff + 1000, 7900] where frequency < 8000 {
                XCTAssertLessThan(gain(cutoff: cutoff, frequency: frequency), -100, "\(frequency) Hz, cutoff \(cutoff)")
            }
        }
    }

    /// The filter's delay is taken out: a passband tone comes out where it went in, sample for sample.
    func testFilteredSignalIsAlignedAndKeepsItsLength() {
        let clip = (0..<8000).map { Float(0.5 * sin(2 * Double.pi * 440 * Double($0) / 16000)) }
        let out = BandLimitOptions.filter(clip, kernel: BandLimitOptions.lowpassKernel(cutoff: 4000, sampleRate: 16000),
                                          convolver: FFTConvolver())
        XCTAssertEqual(out.count, clip.count)
        let worst = (300..<7700).map { abs(out[$0] - clip[$0]) }.max()!
        XCTAssertLessThan(worst, 1e-3)
        XCTAssertEqual(BandLimitOptions.filter([], kernel: [1], convolver: FFTConvolver()), [])
    }

    /// Full-band noise at a speech-like level (−26 dBFS RMS) band-limited at 4 kHz leaves the bands
    /// above it as empty as an 8 kHz file would: empty-band masking clears them, so training sees
    /// what transcription will. (The analysis window's own leakage keeps the first band or two above
    /// the cutoff from being empty in loud audio, in training and in use alike.)
    func testBandLimitedAudioHasEmptyBandsForMasking() throws {
        var noise = SeededRandom(seed: 2)
        let loud = (0..<16000).map { _ in Float(0.05 * noise.nextGaussian()) }
        var options = BandLimitOptions(probability: 1)
        options.cutoff = 4000...4000
        var random = SeededRandom(seed: 1)
        let limited = options.bandLimit(loud, sampleRate: 16000, convolver: FFTConvolver(), random: &random)
        var pipeline = FeaturePipeline.defaultForTraining
        pipeline.emptyBands = EmptyBandMasking()
        let features = try PipelineExtractor(pipeline).features(of: limited)
        let cleared = (0..<features.dims).filter { d in (0..<features.frames).allSatisfy { features.values[$0 * features.dims + d] == 0 } }
        // 40 mel bands from 20 Hz to 8 kHz: bands 33 and up start above 4.6 kHz, 29 and below end under 4 kHz.
        XCTAssertTrue(Set(33..<40).isSubset(of: cleared), "\(cleared)")
        XCTAssertTrue(cleared.allSatisfy { $0 >= 30 }, "\(cleared)")
    }

    func testBesselI0() {
        // Abramowitz & Stegun, table 9.8: e^-x I0(x).
        for (x, scaled) in [(0.0, 1.0), (1.0, 0.4657596077), (5.0, 0.1835408126), (10.0, 0.1278333372)] {
            XCTAssertEqual(BandLimitOptions.besselI0(x) * exp(-x), scaled, accuracy: 1e-9)
        }
    }

    func testBandLimitIsSeededAndDrawsItsCutoffFromTheRange() {
        var noise = SeededRandom(seed: 5)
        let clip = (0..<16000).map { _ in Float(noise.nextGaussian()) }
        var channel = BandLimitOptions(probability: 1)
        channel.cutoff = 3000...3000
        var random = SeededRandom(seed: 9)
        var first = random, second = random
        let a = channel.bandLimit(clip, sampleRate: 16000, convolver: FFTConvolver(), random: &first)
        let b = channel.bandLimit(clip, sampleRate: 16000, convolver: FFTConvolver(), random: &second)
        XCTAssertTrue(a == b)
        // White noise keeps about the share of its energy below the cutoff: 3 of 8 kHz.
        let energy = { (x: [Float]) in x.reduce(0.0) { $0 + Double($1) * Double($1) } }
        XCTAssertEqual(energy(a) / energy(clip), 3.0 / 8, accuracy: 0.02)
        channel.cutoff = 3000...7000
        let c = channel.bandLimit(clip, sampleRate: 16000, convolver: FFTConvolver(), random: &random)
        let d = channel.bandLimit(clip, sampleRate: 16000, convolver: FFTConvolver(), random: &random)
        XCTAssertTrue(c != d, "the next draw, another cutoff")
        for x in [c, d] { XCTAssertTrue((3.0 / 8 - 0.02...7.0 / 8 + 0.02).contains(energy(x) / energy(clip))) }
    }

    /// Options of runs made before the band limit existed (no key in the checkpoint) still decode;
    /// impossible values are refused.
    func testOptionsWithoutBandLimitDecodeAndWithItRoundTrip() throws {
        var options = TrainingOptions()
        let plain = try JSONEncoder().encode(options)
        XCTAssertFalse(String(decoding: plain, as: UTF8.self).contains("bandLimit"))
        XCTAssertEqual(try JSONDecoder().decode(TrainingOptions.self, from: plain), options)
        options.bandLimit = BandLimitOptions(probability: 0.3)
        options.bandLimit?.cutoff = 3400...6000
        XCTAssertEqual(try JSONDecoder().decode(TrainingOptions.self, from: try JSONEncoder().encode(options)), options)
        XCTAssertNoThrow(try options.validate())
        options.bandLimit?.cutoff = 3400...8000
        XCTAssertThrowsError(try options.validate()) { XCTAssertTrue("\($0)".contains("below half the sample rate (8000 Hz)")) }
        options.bandLimit = BandLimitOptions(probability: -0.1)
        XCTAssertThrowsError(try options.validate())
    }
}
