import CochleaAudio
import CochleaCore
import CochleaTestSupport
@testable import CochleaTraining
import XCTest

final class NoiseMixerTests: XCTestCase {
    /// The added noise is a stretch of the recording at the drawn SNR; a recording shorter than the
    /// clip wraps round, so the added noise repeats with the recording's length.
    func testNoiseIsMixedAtTheDrawnSNRAndWrapsRound() throws {
        let folder = TemporaryDirectory()
        let length = 700
        let recording = (0..<length).map { Float(0.2 * sin(Double($0) * 0.37) + 0.1 * sin(Double($0) * 0.05)) }
        try AudioWriter.write(recording, sampleRate: 16_000, encoding: .wavFloat, to: folder.file("noise.wav"))
        let mixer = try NoiseMixer(files: [folder.file("noise.wav")], sampleRate: 16_000, snrRange: 6...6)
        let clip = (0..<2_000).map { Float(0.5 * sin(Double($0) * 0.11)) }
        var random = SeededRandom(seed: 5)
        let mixed = mixer.mix(clip, random: &random)
        XCTAssertEqual(mixed.count, clip.count)
        let added = zip(mixed, clip).map { Double($0 - $1) }
        for i in 0..<(clip.count - length) { XCTAssertEqual(added[i], added[i + length], accuracy: 1e-6, "sample \(i)") }
        let power = { (x: [Double]) in x.reduce(0) { $0 + $1 * $1 } }
        XCTAssertEqual(10 * log10(power(clip.map(Double.init)) / power(added)), 6, accuracy: 0.01)
        // Shorter than the recording: a scaled stretch of it, unwrapped.
        let short = Array(clip.prefix(300))
        let addedShort = zip(mixer.mix(short, random: &random), short).map { Double($0 - $1) }
        XCTAssertEqual(10 * log10(power(short.map(Double.init)) / power(addedShort)), 6, accuracy: 0.01)
        let matches = (0...(length - short.count)).filter { start in
            let stretch = recording[start..<(start + short.count)].map(Double.init)
            let gain = addedShort[0] / stretch[0]
            return zip(addedShort, stretch).allSatisfy { abs($0 - gain * $1) < 1e-6 }
        }
        XCTAssertEqual(matches.count, 1, "one stretch of the recording")
    }
}
