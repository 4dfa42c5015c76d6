import CochleaCore
import Foundation

extension MelFilterbank {
    /// python_speech_features' `get_filterbanks`: HTK mel scale (2595 log10(1 + f/700)), filter edges
    /// rounded down to whole FFT bins, over bins 0...fftLength/2.
    init(integerBins binCount: Int, fftLength: Int, sampleRate: Int, lowFrequency: Double, highFrequency: Double) {
        func mel(_ hz: Double) -> Double { 2595 * log10(1 + hz / 700) }
        func hertz(_ mel: Double) -> Double { 700 * (pow(10, mel / 2595) - 1) }
        let high = highFrequency > 0 ? highFrequency : Double(sampleRate) / 2 + highFrequency
        let low = mel(lowFrequency), step = (mel(high) - low) / Double(binCount + 1)
        let edges = (0..<(binCount + 2)).map { floor(Double(fftLength + 1) * hertz(low + Double($0) * step) / Double(sampleRate)) }
        var offsets = [Int](), weights = [[Float]]()
        for j in 0..<binCount {
            let (left, center, right) = (edges[j], edges[j + 1], edges[j + 2])
            var row = [Float]()
            for i in Int(left)..<max(Int(right), Int(left)) {
                let x = Double(i)
                row.append(Float(x < center ? (x - left) / (center - left) : (right - x) / (right - center)))
            }
            offsets.append(Int(left))
            weights.append(row)
        }
        self.init(offsets: offsets, weights: weights)
    }
}

/// python_speech_features.mfcc: pre-emphasis over the whole signal, frames zero-padded past its end,
/// power spectrum |X|²/N, C0 replaced by the log of the frame's total power.
extension FeatureExtractor {
    /// python_speech_features' float64 floor for zero energies.
    static let psfEpsilon = Float(Double.ulpOfOne)

    /// Writes the pre-emphasised, windowed frame to `x`; its energy comes later, from the power spectrum.
    func preparePythonSpeechFeaturesFrame(_ frame: Int, of samples: UnsafeBufferPointer<Float>, into x: UnsafeMutablePointer<Float>) -> Float {
        let start = frame * options.windowShift
        let scale = Float(options.sampleScale), c = Float(options.preemphasisCoefficient)
        for i in 0..<options.windowSize {
            let n = start + i
            guard n < samples.count else { x[i] = 0; continue }
            let previous = n > 0 ? samples[n - 1] : 0
            x[i] = (samples[n] - c * previous) * scale * window[i]
        }
        return 0
    }

    /// power /= N; returns the log of the frame's total power.
    func normalizePythonSpeechFeaturesPower() -> Float {
        let bins = options.paddedWindowSize / 2 + 1
        let norm = 1 / Float(options.paddedWindowSize)
        for k in 0..<bins { power[k] *= norm }
        let energy = VectorReductions.sum(power, bins)
        return log(energy == 0 ? Self.psfEpsilon : energy)
    }
}
