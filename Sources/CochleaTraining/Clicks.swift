import CochleaCore
import Foundation

/// Clicks and taps in the pauses: short decaying bursts of coloured noise put where the clip is
/// quiet, as a mouse button, a touch screen, a lip smack or a desk knock leaves them around a word
/// recorded by pressing a button. Some of Speech Commands' recordings have them, 20–40 dB under the
/// word's peak and a few tenths of a second before it, and the default model, trained without them,
/// reads a tick before a vowel as a consonant ("up" → "stop", "go" → "two"). The recipe with 0.3 of
/// them read "up" as "stop" 25 times in that test set's 425 instead of 34, but as many of its words
/// wrong in all (26.9%; the recipe without them 26.7–28.5%) and the synthetic test voices worse (231
/// errors against 200–215), so the recipe leaves them out (the default model's README).
public struct ClickOptions: Codable, Equatable, Sendable {
    /// Share of training utterances given clicks each epoch.
    public var probability = 0.3
    /// Each click's peak relative to the clip's peak (dB).
    public var level: ClosedRange<Double> = -40 ... -15
    /// Most clicks in one clip (at least one).
    public var maximumCount = 4

    public init(probability: Double = 0.3) { self.probability = probability }

    func validate() throws {
        func fail(_ message: String) -> TrainingOptionsError { TrainingOptionsError(message: message) }
        guard (0...1).contains(probability) else { throw fail("click probability must be in [0, 1], got \(probability)") }
        guard level.lowerBound >= -80, level.upperBound <= 0 else { throw fail("click level must lie in -80...0 dB, got \(level)") }
        guard (1...20).contains(maximumCount) else { throw fail("clicks per clip must be 1 to 20, got \(maximumCount)") }
    }

    /// One click: a burst of white noise decaying over `duration` seconds, through a resonance at
    /// `centre` Hz of quality `q`, its peak `level` dB relative to the clip's, starting at sample `start`.
    struct Click: Equatable {
        var start: Int
        var duration: Double
        var centre: Double
        var q: Double
        var level: Double
    }

    /// 10 ms windows more than this far under the loudest one are pauses, where clicks go.
    static let pauseDepth = 20.0
    /// A click's burst lasts 1–12 ms (seconds).
    static let durations = 0.001...0.012
    /// Centre frequencies of the clicks' resonance (Hz; at most 0.8 of the Nyquist frequency): dull
    /// knocks to sharp ticks.
    static let centres = 500.0...7000.0
    static let qualities = 0.7...4.0

    /// `count` clicks drawn for `samples`: each starts in a pause (anywhere when the clip has none).
    static func draw(count: Int, for samples: [Float], sampleRate: Int, level: ClosedRange<Double>,
                     random: inout SeededRandom) -> [Click] {
        guard !samples.isEmpty else { return [] }
        let hop = max(1, sampleRate / 100)
        let energies = samples.withUnsafeBufferPointer { VectorReductions.windowMeanSquares($0, window: hop) }
        let loudest = energies.max() ?? 0
        let floor = loudest * pow(10, -pauseDepth / 10)
        let pauses = energies.indices.filter { energies[$0] < floor }
        let nyquist = Double(sampleRate) / 2
        return (0..<count).map { _ in
            let start: Int
            if pauses.isEmpty {
                start = Int(random.next() % UInt64(samples.count))
            } else {
                let window = pauses[Int(random.next() % UInt64(pauses.count))]
                start = min(samples.count - 1, window * hop + Int(random.next() % UInt64(hop)))
            }
            return Click(start: start, duration: random.nextDouble(in: durations),
                         centre: min(random.nextDouble(in: centres), 0.8 * nyquist),
                         q: random.nextDouble(in: qualities), level: random.nextDouble(in: level))
        }
    }

    /// `samples` with `clicks` added; a silent clip comes back as it was (no level to set them by).
    static func add(_ clicks: [Click], to samples: [Float], sampleRate: Int, random: inout SeededRandom) -> [Float] {
        let peak = VectorReductions.peakMagnitude(samples)
        guard peak > 0 else { return samples }
        var out = samples
        for click in clicks {
            let burst = waveform(click, sampleRate: sampleRate, random: &random)
            let burstPeak = VectorReductions.peakMagnitude(burst)
            guard burstPeak > 0 else { continue }
            let gain = peak * Float(pow(10, click.level / 20)) / burstPeak
            for (k, value) in burst.enumerated() where click.start + k < out.count { out[click.start + k] += gain * value }
        }
        return out
    }

    /// The click's shape at an arbitrary scale: exponentially decaying white noise (time constant a
    /// quarter of its duration) through a two-pole band-pass resonator (RBJ's, 0 dB at `centre`),
    /// followed for 5 ms after the burst so that the resonance rings out.
    static func waveform(_ click: Click, sampleRate: Int, random: inout SeededRandom) -> [Float] {
        let rate = Double(sampleRate)
        let burstLength = max(1, Int(click.duration * rate))
        let length = burstLength + Int(0.005 * rate)
        let tau = Double(burstLength) / 4
        let w0 = 2 * Double.pi * click.centre / rate
        let alpha = sin(w0) / (2 * click.q)
        let a0 = 1 + alpha
        let (b0, b2) = (alpha / a0, -alpha / a0)
        let (a1, a2) = (-2 * cos(w0) / a0, (1 - alpha) / a0)
        var (x1, x2, y1, y2) = (0.0, 0.0, 0.0, 0.0)
        return (0..<length).map { k in
            let x = k < burstLength ? random.nextGaussian() * exp(-Double(k) / tau) : 0
            let y = b0 * x + b2 * x2 - a1 * y1 - a2 * y2
            (x2, x1, y2, y1) = (x1, x, y1, y)
            return Float(y)
        }
    }

    /// `samples` with 1 to `maximumCount` clicks at levels drawn from `level`.
    func add(to samples: [Float], sampleRate: Int, random: inout SeededRandom) -> [Float] {
        let count = 1 + Int(random.next() % UInt64(maximumCount))
        let clicks = Self.draw(count: count, for: samples, sampleRate: sampleRate, level: level, random: &random)
        return Self.add(clicks, to: samples, sampleRate: sampleRate, random: &random)
    }
}
