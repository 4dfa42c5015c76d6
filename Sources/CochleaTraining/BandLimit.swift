import CochleaCore
import CochleaFeatures
import Foundation

/// A band-limited channel: speech low-pass filtered at a random cutoff, as a telephone (3.4 kHz), a
/// file recorded at 8 kHz (4 kHz) or a cheap microphone leaves it. Per-utterance mean and variance
/// normalisation already undoes a channel's smooth tilt, but not a band that is missing: the mel
/// bands above the cutoff hold only dither, which normalisation then raises to full variance. A
/// model trained on full-band synthetic speech misreads such recordings (the default model trained
/// without this: 4.8% WER on the corpus's test voices, 11.2% through robustness_test.sh's telephone).
public struct BandLimitOptions: Codable, Equatable, Sendable {
    /// Share of training utterances band-limited each epoch.
    public var probability = 0.25
    /// Cutoff frequencies (Hz) drawn uniformly.
    public var cutoff: ClosedRange<Double> = 3000...7000

    public init(probability: Double = 0.25) { self.probability = probability }

    /// Taps of the filter: its transition band is about 450 Hz wide at 16 kHz.
    static let taps = 257
    /// Stopband attenuation (dB) the Kaiser window is designed for. Deep enough that what leaks
    /// through from loud speech stays far below the features' dither, as in a telephone or an 8 kHz
    /// file: then `--mask-empty-bands` finds the same empty bands in training as in use (a Blackman
    /// window's 74 dB left leakage about as strong as the dither, and no band empty).
    static let attenuation = 110.0

    func validate(sampleRate: Int) throws {
        func fail(_ message: String) -> TrainingOptionsError { TrainingOptionsError(message: message) }
        guard (0...1).contains(probability) else { throw fail("band-limit probability must be in [0, 1], got \(probability)") }
        let nyquist = Double(sampleRate) / 2
        guard cutoff.lowerBound >= 500, cutoff.upperBound < nyquist else {
            throw fail("band-limit cutoffs must lie in 500 Hz up to below half the sample rate (\(Int(nyquist)) Hz), got \(cutoff)")
        }
    }

    /// A linear-phase low-pass FIR filter (windowed sinc, Kaiser window for `attenuation` dB) of
    /// `taps` taps (odd) with its −6 dB point at `cutoff` Hz and unit gain at 0 Hz.
    static func lowpassKernel(cutoff: Double, sampleRate: Int, taps: Int = taps) -> [Float] {
        precondition(taps % 2 == 1 && cutoff > 0 && cutoff < Double(sampleRate) / 2, "odd taps and a cutoff below Nyquist")
        let fc = cutoff / Double(sampleRate), middle = taps / 2
        // Kaiser's β for the attenuation (Oppenheim & Schafer, 7.62).
        let beta = 0.1102 * (attenuation - 8.7)
        var kernel = [Double](repeating: 0, count: taps)
        for n in 0..<taps {
            let t = Double(n - middle)
            let sinc = t == 0 ? 2 * fc : sin(2 * Double.pi * fc * t) / (Double.pi * t)
            let r = t / Double(middle)
            kernel[n] = sinc * besselI0(beta * (1 - r * r).squareRoot()) / besselI0(beta)
        }
        let sum = kernel.reduce(0, +)
        return kernel.map { Float($0 / sum) }
    }

    /// The modified Bessel function of the first kind, order 0, by its power series.
    static func besselI0(_ x: Double) -> Double {
        var sum = 1.0, term = 1.0, k = 1.0
        while term > 1e-16 * sum {
            term *= (x / (2 * k)) * (x / (2 * k))
            sum += term
            k += 1
        }
        return sum
    }

    /// `samples` low-pass filtered at a cutoff drawn from `cutoff`, aligned with the input (the
    /// filter's delay of taps / 2 samples taken out) and of the same length.
    func bandLimit(_ samples: [Float], sampleRate: Int, convolver: FFTConvolver, random: inout SeededRandom) -> [Float] {
        let kernel = Self.lowpassKernel(cutoff: random.nextDouble(in: cutoff), sampleRate: sampleRate)
        return Self.filter(samples, kernel: kernel, convolver: convolver)
    }

    /// `samples` through the linear-phase `kernel` without its delay.
    static func filter(_ samples: [Float], kernel: [Float], convolver: FFTConvolver) -> [Float] {
        guard !samples.isEmpty else { return samples }
        let delay = kernel.count / 2
        let filtered = convolver.convolve(samples + [Float](repeating: 0, count: delay), with: kernel)
        return Array(filtered[delay...])
    }
}
