@testable import CochleaCorpus
import Foundation
import XCTest

final class MixerTests: XCTestCase {
    /// 0.3 s of silence, a 0.4 s tone whose first 50 ms are 35 dB quieter (a soft fricative onset),
    /// then 0.3 s of silence.
    func burst() -> [Float] {
        var x = [Float](repeating: 0, count: 16_000)
        for i in 4_800..<11_200 {
            let gain: Float = i < 5_600 ? 0.5 * 0.0178 : 0.5
            x[i] = gain * Float(sin(2 * Double.pi * 440 * Double(i) / 16_000))
        }
        return x
    }

    func testSpeechRegionKeepsSoftOnsetsWithAMargin() throws {
        let region = try XCTUnwrap(ClipMixer.speechRegion(burst()))
        XCTAssertEqual(region.lowerBound, 4_800 - ClipMixer.margin)
        XCTAssertEqual(region.upperBound, 11_200 + ClipMixer.margin)
        XCTAssertNil(ClipMixer.speechRegion([Float](repeating: 0, count: 8_000)))
        XCTAssertNil(ClipMixer.speechRegion([Float](repeating: 1e-5, count: 8_000)), "−100 dBFS is silence")
    }

    func testWordsArePaddedToOneSecondWithoutCuttingSpeech() {
        let speech = [Float](repeating: 0.5, count: 11_000)
        let (clip, region) = ClipMixer.place(speech, lead: 0.2, trail: 0.1, length: 16_000)
        XCTAssertEqual(clip.count, 16_000)
        XCTAssertEqual(region, 3_200..<14_200)
        XCTAssertEqual(Array(clip[region]), speech)
        // 0.25 + 0.75 + 0.25 s does not fit: the 4,000 spare samples split 1:1.
        let long = [Float](repeating: 0.5, count: 12_000)
        let fitted = ClipMixer.place(long, lead: 0.25, trail: 0.25, length: 16_000)
        XCTAssertEqual(fitted.speech, 2_000..<14_000)
        XCTAssertEqual(fitted.clip.count, 16_000)
        let sentence = ClipMixer.place(speech, lead: 0.05, trail: 0.3, length: nil)
        XCTAssertEqual(sentence.clip.count, 800 + 11_000 + 4_800)
    }

    func testNoiseIsMixedAtThePlannedSNRAndLevel() {
        for (kind, snr) in [(NoiseKind.white, 5.0), (.pink, 17.5), (.brown, 30), (.floor, 50)] {
            var (clip, region) = ClipMixer.place(burst(), lead: 0.1, trail: 0.1, length: nil)
            let clean = clip
            let noise = NoiseGenerator.make(kind, count: clip.count, seed: 3)
            ClipMixer.addNoise(&clip, noise: noise, speech: region, snr: snr)
            let added = zip(clip, clean).map { $0 - $1 }
            let measured = 20 * log10(Double(rms(clean[region])) / Double(rms(added)))
            XCTAssertEqual(measured, snr, accuracy: 0.01, "\(kind)")
            ClipMixer.normalise(&clip, peak: -7.5)
            XCTAssertEqual(20 * log10(Double(clip.map(abs).max()!)), -7.5, accuracy: 1e-4)
        }
    }

    func testNoiseIsSeededUnitRMSAndColoured() {
        let n = 64_000
        var lowShare = [NoiseKind: Double]()
        for kind in [NoiseKind.white, .pink, .brown] {
            let a = NoiseGenerator.make(kind, count: n, seed: 11)
            XCTAssertEqual(a, NoiseGenerator.make(kind, count: n, seed: 11), "\(kind) must repeat for a seed")
            XCTAssertNotEqual(a, NoiseGenerator.make(kind, count: n, seed: 12))
            XCTAssertEqual(Double(rms(a)), 1, accuracy: 1e-4)
            // Energy of the first difference relative to the signal: 2 for white noise, small when
            // the power sits at low frequencies.
            let difference = zip(a.dropFirst(), a).map { Double($0 - $1) * Double($0 - $1) }.reduce(0, +) / Double(n)
            lowShare[kind] = difference
        }
        XCTAssertEqual(lowShare[.white]!, 2, accuracy: 0.05)
        XCTAssertLessThan(lowShare[.pink]!, 0.5 * lowShare[.white]!)
        XCTAssertLessThan(lowShare[.brown]!, 0.2 * lowShare[.pink]!)
    }

    func testSoxEffectsFollowThePlan() {
        var item = PlanItem(part: .word, split: .train, path: "words/go/x_nohash_0.wav", engine: .flite, voice: "slt")
        XCTAssertEqual(Synthesiser.soxEffects(item), ["rate", "-h", "16000"])
        item.cents = -120; item.tempo = 0.95; item.speed = 1.1
        XCTAssertEqual(Synthesiser.soxEffects(item, extraTempo: 2), ["pitch", "-120", "tempo", "-s", "1.9", "speed", "1.1", "rate", "-h", "16000"])
        item.engine = .festival; item.voice = "cmu_us_slt_arctic_hts"; item.stretch = 1.25; item.transcript = "go"
        let script = Synthesiser.festivalScript([(item, "/tmp/a.wav")])
        XCTAssertTrue(script.contains("(voice_cmu_us_slt_arctic_hts)"))
        XCTAssertTrue(script.contains("(list \"-r\" 0.8)"), "HTS voices take the inverse stretch as -r: \(script)")
        XCTAssertTrue(script.contains("(utt.save.wave (SynthText \"go\") \"/tmp/a.wav\" 'riff)"))
    }
}
