import CochleaCore

/// Seeded coloured noise with unit RMS. Made here rather than by `sox synth`, so that a clip's noise
/// is a function of its plan seed alone.
public enum NoiseGenerator {
    /// `count` samples of `kind` (white, pink or brown; floor is white), scaled to RMS 1.
    public static func make(_ kind: NoiseKind, count: Int, seed: UInt64) -> [Float] {
        var random = SeededRandom(seed: seed)
        var samples = [Float](repeating: 0, count: count)
        switch kind {
        case .white, .floor, .babble:
            for i in 0..<count { samples[i] = Float(random.nextGaussian()) }
        case .pink:
            // Paul Kellet's filter: seven one-pole sections whose sum falls at 3 dB per octave
            // (within ±0.05 dB above 9 Hz at 44.1 kHz; close enough at 16 kHz for noise).
            var b = [Double](repeating: 0, count: 7)
            for i in 0..<count {
                let w = random.nextGaussian()
                b[0] = 0.99886 * b[0] + w * 0.0555179
                b[1] = 0.99332 * b[1] + w * 0.0750759
                b[2] = 0.96900 * b[2] + w * 0.1538520
                b[3] = 0.86650 * b[3] + w * 0.3104856
                b[4] = 0.55000 * b[4] + w * 0.5329522
                b[5] = -0.7616 * b[5] - w * 0.0168980
                samples[i] = Float(b[0] + b[1] + b[2] + b[3] + b[4] + b[5] + b[6] + w * 0.5362)
                b[6] = w * 0.115926
            }
        case .brown:
            // Integrated white noise (6 dB per octave), with a slight leak so it does not wander off.
            var y = 0.0
            for i in 0..<count {
                y = 0.998 * y + 0.05 * random.nextGaussian()
                samples[i] = Float(y)
            }
        }
        removeMean(&samples)
        scale(&samples, by: 1 / max(rms(samples), 1e-12))
        return samples
    }

    static func removeMean(_ x: inout [Float]) {
        guard !x.isEmpty else { return }
        let mean = Float(x.reduce(0.0) { $0 + Double($1) } / Double(x.count))
        for i in x.indices { x[i] -= mean }
    }
}

/// Root mean square of `x` (0 for an empty array).
func rms<C: Collection>(_ x: C) -> Float where C.Element == Float {
    guard !x.isEmpty else { return 0 }
    return Float((x.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(x.count)).squareRoot())
}

func scale(_ x: inout [Float], by factor: Float) {
    for i in x.indices { x[i] *= factor }
}

/// Decibels to an amplitude ratio.
func amplitude(dB: Double) -> Float { Float(pow(10, dB / 20)) }

#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif
