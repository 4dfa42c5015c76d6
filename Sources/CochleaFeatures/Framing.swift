import CochleaCore
import Foundation

extension FeatureExtractor {
    /// Writes frame `frame`, pre-emphasised and windowed, to `x` (the FFT input; its zero padding is
    /// never written) and returns its log energy (0 when energy is not used).
    /// Kaldi's order is dither → remove DC → raw energy → pre-emphasis → window, with DC removal,
    /// pre-emphasis and window fused in one pass. The mean is subtracted from each sample before
    /// pre-emphasis, as Kaldi does: folding it in as x_i − c·x_{i−1} − (1 − c)m cancels
    /// catastrophically under a DC offset and moved MFCCs by more than 1e-3.
    func prepareFrame(_ frame: Int, of samples: UnsafeBufferPointer<Float>, into x: UnsafeMutablePointer<Float>,
                      random: inout SeededRandom) -> Float {
        let size = options.windowSize
        // The frame's samples, and the factor that brings them to sampleScale units: read in place
        // when neither dither nor edge reflection needs a copy.
        var f = UnsafePointer(frameBuffer)
        var gain: Float = 1
        if options.dither == 0, let direct = framePointer(frame, of: samples) {
            f = direct
            gain = Float(options.sampleScale)
        } else {
            copyFrame(frame, of: samples, to: frameBuffer)
            if options.dither != 0 {
                GaussianTable.add(to: frameBuffer, count: size, scale: Float(options.dither), random: &random)
            }
        }
        let mean = options.removeDCOffset ? VectorReductions.sum(f, size) * gain / Float(size) : 0
        var logEnergy: Float = 0
        if options.useEnergy && options.rawEnergy {
            logEnergy = log(max(VectorReductions.centeredSumOfSquares(f, size, scale: gain, mean: mean), Self.epsilon))
        }
        let c = Float(options.preemphasisCoefficient)
        window.withUnsafeBufferPointer { w in
            x[0] = ((gain * f[0] - mean) - c * (gain * f[0] - mean)) * w[0]
            for i in 1..<size { x[i] = ((gain * f[i] - mean) - c * (gain * f[i - 1] - mean)) * w[i] }
        }
        if options.useEnergy && !options.rawEnergy {
            logEnergy = log(max(VectorReductions.sumOfSquares(x, size), Self.epsilon))
        }
        return max(logEnergy, logEnergyFloor)
    }

    /// The frame's first sample in `samples`, or nil when the frame reaches past either end.
    private func framePointer(_ frame: Int, of samples: UnsafeBufferPointer<Float>) -> UnsafePointer<Float>? {
        let start = frameStart(frame)
        guard start >= 0 && start + options.windowSize <= samples.count else { return nil }
        return samples.baseAddress! + start
    }

    func frameStart(_ frame: Int) -> Int {
        let shift = options.windowShift
        return options.snipEdges ? frame * shift : frame * shift + shift / 2 - options.windowSize / 2
    }

    /// Copies one frame's samples, scaled, to `x`. Frames that reach past either end of the signal
    /// (only without snip-edges) read it reflected, as Kaldi's `ExtractWindow` does.
    private func copyFrame(_ frame: Int, of samples: UnsafeBufferPointer<Float>, to x: UnsafeMutablePointer<Float>) {
        let scale = Float(options.sampleScale)
        let start = frameStart(frame)
        let count = samples.count
        if start >= 0 && start + options.windowSize <= count {
            let source = samples.baseAddress! + start
            for i in 0..<options.windowSize { x[i] = source[i] * scale }
            return
        }
        for i in 0..<options.windowSize {
            var s = start + i
            while s < 0 || s >= count {
                s = s < 0 ? -s - 1 : 2 * count - 1 - s
            }
            x[i] = samples[s] * scale
        }
    }
}
