import CochleaAudio
import CochleaCore
import CochleaFeatures
import Foundation

/// SpecAugment-style masking (Park et al. 2019): bands of feature dimensions and runs of frames
/// set to zero (the mean, after normalisation), drawn anew for every utterance in every epoch.
public struct SpecAugmentOptions: Codable, Equatable, Sendable {
    /// Frequency masks per utterance, each up to `frequencyWidth` feature dimensions wide.
    public var frequencyMasks = 2
    public var frequencyWidth = 6
    /// Time masks per utterance, each up to `timeWidth` frames and at most `maxTimeFraction` of it.
    public var timeMasks = 2
    public var timeWidth = 10
    public var maxTimeFraction = 0.2
    public init() {}

    public static let off: SpecAugmentOptions = {
        var o = SpecAugmentOptions()
        o.frequencyMasks = 0
        o.timeMasks = 0
        return o
    }()

    public var isOff: Bool { frequencyMasks == 0 && timeMasks == 0 }

    public func validate() throws {
        for (name, value) in [("frequency masks", frequencyMasks), ("frequency mask width", frequencyWidth),
                              ("time masks", timeMasks), ("time mask width", timeWidth)] where value < 0 {
            throw TrainingOptionsError(message: "\(name) must be 0 or positive, got \(value)")
        }
        // Each mask costs a pass over the utterance: a billion of them never finished an epoch.
        for (name, value) in [("frequency masks", frequencyMasks), ("time masks", timeMasks)] where value > 100 {
            throw TrainingOptionsError(message: "\(name) must be at most 100 per utterance, got \(value)")
        }
        guard (0...1).contains(maxTimeFraction) else {
            throw TrainingOptionsError(message: "a time mask's largest share of the utterance must be in [0, 1], got \(maxTimeFraction)")
        }
    }

    /// Masks `matrix` in place. With deltas, a band covers the same coefficients in every block.
    public func apply(to matrix: inout FeatureMatrix, blocks: Int, random: inout SeededRandom) {
        let frames = matrix.frames, dims = matrix.dims
        guard frames > 0 else { return }
        let base = dims / max(blocks, 1)
        for _ in 0..<frequencyMasks where frequencyWidth > 0 && base > 1 {
            let width = Int(random.next() % UInt64(min(frequencyWidth, base - 1) + 1))
            let start = Int(random.next() % UInt64(base - width + 1))
            for t in 0..<frames {
                for block in 0..<blocks {
                    for d in start..<(start + width) { matrix.values[t * dims + block * base + d] = 0 }
                }
            }
        }
        let maxWidth = min(timeWidth, Int(Double(frames) * maxTimeFraction))
        for _ in 0..<timeMasks where maxWidth > 0 {
            let width = Int(random.next() % UInt64(maxWidth + 1))
            let start = Int(random.next() % UInt64(frames - width + 1))
            for t in start..<(start + width) {
                for d in 0..<dims { matrix.values[t * dims + d] = 0 }
            }
        }
    }
}

/// Additive background noise from long recordings (Speech Commands' `_background_noise_`), mixed
/// at a random signal-to-noise ratio measured against the speech's RMS.
public final class NoiseMixer {
    /// Noise recordings at the model's sample rate.
    private let noises: [[Float]]
    public let snrRange: ClosedRange<Double>

    public init(files: [String], sampleRate: Int, snrRange: ClosedRange<Double>) throws {
        noises = try files.map { try AudioDecoder.decode(path: $0, sampleRate: sampleRate).samples }.filter { $0.count > 0 }
        self.snrRange = snrRange
    }

    public var isEmpty: Bool { noises.isEmpty }

    /// `samples` plus a random stretch of a random noise at a random SNR in `snrRange` dB.
    public func mix(_ samples: [Float], random: inout SeededRandom) -> [Float] {
        guard !noises.isEmpty, !samples.isEmpty else { return samples }
        let noise = noises[Int(random.next() % UInt64(noises.count))]
        let start = noise.count > samples.count ? Int(random.next() % UInt64(noise.count - samples.count)) : 0
        let snr = random.nextDouble(in: snrRange)
        // The stretch of noise under the clip, wrapped round when the noise is the shorter
        // (an index that steps and wraps, not a remainder per sample, which cost 1.5% of training's CPU).
        var stretch = [Float](repeating: 0, count: samples.count)
        var j = start
        for i in stretch.indices {
            stretch[i] = noise[j]
            j = j + 1 == noise.count ? 0 : j + 1
        }
        var speechPower = 0.0, noisePower = 0.0
        for i in 0..<samples.count {
            speechPower += Double(samples[i] * samples[i])
            noisePower += Double(stretch[i] * stretch[i])
        }
        guard speechPower > 0, noisePower > 0 else { return samples }
        let gain = Float((speechPower / noisePower / pow(10, snr / 10)).squareRoot())
        for i in stretch.indices { stretch[i] = samples[i] + gain * stretch[i] }
        return stretch
    }
}
