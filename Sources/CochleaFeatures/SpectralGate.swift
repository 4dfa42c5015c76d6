import CFFTW
import Foundation

/// Noise suppression by spectral subtraction, the kind a phone, a browser (WebRTC's noise
/// suppressor is on by default in `getUserMedia`) or a headset applies before a recording reaches a
/// file: each short-time spectrum's bins lose the noise power estimated from the clip's quietest
/// frames, times an over-subtraction factor, down to a gain floor. Weak consonants, nasal murmur and
/// breath go with the noise, and the residue flickers ("musical noise"). One per thread: it keeps
/// its FFTW plans and buffers.
public final class SpectralGate {
    /// Frame length in samples (32 ms at 16 kHz); frames overlap by half.
    public let frameLength: Int
    private let transforms: RealTransformPair
    /// √Hann (periodic), for analysis and synthesis: their product, a Hann window, sums to 1 at half overlap.
    private let window: [Float]

    public init(frameLength: Int = 512) {
        precondition(frameLength >= 16 && frameLength % 2 == 0, "an even frame length of at least 16")
        self.frameLength = frameLength
        transforms = RealTransformPair(length: frameLength)
        window = (0..<frameLength).map { Float(sin(Double.pi * Double($0) / Double(frameLength))) }
    }

    /// `signal` with every bin's power reduced by `overSubtraction` times the noise power (the mean
    /// power of that bin over the `quietShare` quietest frames), the amplitude gain never below
    /// `floor` (linear, e.g. 0.1 for −20 dB). `overSubtraction` 0 gives the signal back (to rounding).
    public func suppress(_ signal: [Float], overSubtraction: Float, floor: Float, quietShare: Double) -> [Float] {
        precondition(overSubtraction >= 0 && (0...1).contains(floor) && quietShare > 0 && quietShare <= 1, "valid gate settings")
        guard !signal.isEmpty else { return signal }
        let hop = frameLength / 2, bins = frameLength / 2 + 1
        let real = transforms.real, spectrum = transforms.spectrum
        // Half a frame of zeros before and a frame after, so that every sample lies under two frames
        // (the edge frames, partly zeros, then count among the quiet ones: a slightly low estimate).
        let padded = [Float](repeating: 0, count: hop) + signal + [Float](repeating: 0, count: frameLength)
        let frames = (signal.count + hop) / hop + 1
        var spectra = [Float](repeating: 0, count: frames * bins * 2)
        var powers = [Float](repeating: 0, count: frames * bins)
        for f in 0..<frames {
            for i in 0..<frameLength { real[i] = padded[f * hop + i] * window[i] }
            fftwf_execute(transforms.forward)
            for k in 0..<bins {
                let (re, im) = spectrum[k]
                spectra[(f * bins + k) * 2] = re
                spectra[(f * bins + k) * 2 + 1] = im
                powers[f * bins + k] = re * re + im * im
            }
        }
        let noise = noisePower(powers, frames: frames, bins: bins, quietShare: quietShare)
        var out = [Float](repeating: 0, count: padded.count)
        let scale = 1 / Float(frameLength)
        for f in 0..<frames {
            for k in 0..<bins {
                let power = powers[f * bins + k]
                let remaining = power > 0 ? max(0, 1 - overSubtraction * noise[k] / power) : 0
                let gain = max(floor, remaining.squareRoot())
                spectrum[k] = (spectra[(f * bins + k) * 2] * gain, spectra[(f * bins + k) * 2 + 1] * gain)
            }
            fftwf_execute(transforms.inverse)
            for i in 0..<frameLength { out[f * hop + i] += real[i] * scale * window[i] }
        }
        return Array(out[hop..<(hop + signal.count)])
    }

    /// Each bin's mean power over the `quietShare` of frames with the least total power.
    private func noisePower(_ powers: [Float], frames: Int, bins: Int, quietShare: Double) -> [Float] {
        let energy = (0..<frames).map { f in powers[(f * bins)..<((f + 1) * bins)].reduce(0, +) }
        let quiet = energy.indices.sorted { energy[$0] < energy[$1] }.prefix(max(1, Int(Double(frames) * quietShare)))
        var noise = [Float](repeating: 0, count: bins)
        for f in quiet { for k in 0..<bins { noise[k] += powers[f * bins + k] } }
        return noise.map { $0 / Float(quiet.count) }
    }
}
