import CochleaCore
import Foundation

/// Computes Kaldi-compatible MFCC or log-mel filterbank features, frame by frame:
/// frame → dither → remove DC → raw energy → pre-emphasis → window → FFT (FFTW) → power spectrum →
/// mel filterbank → log → (MFCC: DCT → lifter) → energy.
///
/// An extractor owns its FFTW plan and scratch buffers and allocates nothing per frame; it is not
/// thread-safe, so give each thread its own (they are cheap to make once per thread).
public final class FeatureExtractor {
    public let options: FeatureOptions
    let fft: RealFFT
    let window: [Float]
    let filterbank: MelFilterbank
    private let dct: [Float]
    private let lifter: [Float]
    let power: UnsafeMutablePointer<Float>
    let mel: UnsafeMutablePointer<Float>
    private let logEnergyFloor: Float

    /// Kaldi floors energies at float32's machine epsilon before taking logs.
    static let epsilon = Float.ulpOfOne

    public init(options: FeatureOptions) throws {
        try options.validate()
        self.options = options
        let padded = options.paddedWindowSize
        fft = RealFFT(length: padded)
        window = options.windowType.coefficients(length: options.windowSize, blackmanCoeff: options.blackmanCoeff)
        filterbank = options.kind == .psfMFCC
            ? MelFilterbank(integerBins: options.numMelBins, fftLength: padded, sampleRate: options.sampleRate,
                            lowFrequency: options.lowFrequency, highFrequency: options.highFrequency)
            : MelFilterbank(binCount: options.numMelBins, fftLength: padded, sampleRate: options.sampleRate,
                            lowFrequency: options.lowFrequency, highFrequency: options.highFrequency)
        dct = dctMatrix(rows: options.numCeps, columns: options.numMelBins)
        lifter = lifterCoefficients(count: options.numCeps, q: options.cepstralLifter)
        power = .allocate(capacity: padded / 2 + 1)
        mel = .allocate(capacity: options.numMelBins)
        logEnergyFloor = options.energyFloor > 0 ? Float(log(options.energyFloor)) : -.infinity
    }

    deinit {
        power.deallocate()
        mel.deallocate()
    }

    /// Features of `samples` (at `options.sampleRate`, in [-1, 1]). A clip shorter than one frame
    /// gives zero frames, not an error.
    public func compute(_ samples: [Float]) -> FeatureMatrix {
        let frames = options.frameCount(sampleCount: samples.count)
        var result = FeatureMatrix(frames: frames, dims: options.dimension)
        samples.withUnsafeBufferPointer { input in
            result.values.withUnsafeMutableBufferPointer { output in
                compute(samples: input, into: output.baseAddress!)
            }
        }
        return result
    }

    /// Writes `frameCount(samples.count) × dimension` values to `output`, row-major.
    public func compute(samples: UnsafeBufferPointer<Float>, into output: UnsafeMutablePointer<Float>) {
        if options.kind == .psfMFCC { return computePythonSpeechFeatures(samples: samples, into: output) }
        let frames = options.frameCount(sampleCount: samples.count)
        var random = SeededRandom(seed: options.ditherSeed)
        for frame in 0..<frames {
            let logEnergy = prepareFrame(frame, of: samples, random: &random)
            fft.execute()
            computePowerSpectrum()
            filterbank.apply(power: power, into: mel)
            let row = output + frame * options.dimension
            switch options.kind {
            case .mfcc: finishMFCC(logEnergy: logEnergy, row: row)
            case .fbank: finishFbank(logEnergy: logEnergy, row: row)
            case .psfMFCC: preconditionFailure("handled above")
            }
        }
    }

    /// Fills the FFT input with the windowed frame and returns its log energy (0 when energy is not used).
    private func prepareFrame(_ frame: Int, of samples: UnsafeBufferPointer<Float>, random: inout SeededRandom) -> Float {
        let size = options.windowSize
        let x = fft.input
        copyFrame(frame, of: samples, to: x)
        if options.dither != 0 {
            let dither = Float(options.dither)
            for i in 0..<size { x[i] += dither * Float(random.nextGaussian()) }
        }
        if options.removeDCOffset {
            var sum: Float = 0
            for i in 0..<size { sum += x[i] }
            let mean = sum / Float(size)
            for i in 0..<size { x[i] -= mean }
        }
        var logEnergy: Float = 0
        if options.useEnergy && options.rawEnergy { logEnergy = logOfEnergy(x, size) }
        let coefficient = Float(options.preemphasisCoefficient)
        if coefficient != 0 {
            var i = size - 1
            while i > 0 {
                x[i] -= coefficient * x[i - 1]
                i -= 1
            }
            x[0] -= coefficient * x[0]
        }
        window.withUnsafeBufferPointer { w in
            for i in 0..<size { x[i] *= w[i] }
        }
        if options.useEnergy && !options.rawEnergy { logEnergy = logOfEnergy(x, size) }
        return max(logEnergy, logEnergyFloor)
    }

    /// Copies one frame's samples, scaled, to `x`. Frames that reach past either end of the signal
    /// (only without snip-edges) read it reflected, as Kaldi's `ExtractWindow` does.
    private func copyFrame(_ frame: Int, of samples: UnsafeBufferPointer<Float>, to x: UnsafeMutablePointer<Float>) {
        let size = options.windowSize
        let shift = options.windowShift
        let scale = Float(options.sampleScale)
        let start = options.snipEdges ? frame * shift : frame * shift + shift / 2 - size / 2
        let count = samples.count
        if start >= 0 && start + size <= count {
            let source = samples.baseAddress! + start
            for i in 0..<size { x[i] = source[i] * scale }
            return
        }
        for i in 0..<size {
            var s = start + i
            while s < 0 || s >= count {
                s = s < 0 ? -s - 1 : 2 * count - 1 - s
            }
            x[i] = samples[s] * scale
        }
    }

    private func logOfEnergy(_ x: UnsafeMutablePointer<Float>, _ size: Int) -> Float {
        var energy: Float = 0
        for i in 0..<size { energy += x[i] * x[i] }
        return log(max(energy, FeatureExtractor.epsilon))
    }

    func computePowerSpectrum() {
        let bins = options.paddedWindowSize / 2 + 1
        let spectrum = fft.output
        for k in 0..<bins {
            let re = spectrum[2 * k], im = spectrum[2 * k + 1]
            power[k] = re * re + im * im
        }
        if options.kind == .fbank && !options.usePower {
            for k in 0..<bins { power[k] = power[k].squareRoot() }
        }
    }

    private func finishFbank(logEnergy: Float, row: UnsafeMutablePointer<Float>) {
        let bins = options.numMelBins
        let destination = options.useEnergy ? row + 1 : row
        for b in 0..<bins {
            destination[b] = options.useLogFbank ? log(max(mel[b], FeatureExtractor.epsilon)) : mel[b]
        }
        if options.useEnergy { row[0] = logEnergy }
    }

    func finishMFCC(logEnergy: Float, row: UnsafeMutablePointer<Float>, floor: Float = FeatureExtractor.epsilon) {
        let bins = options.numMelBins
        for b in 0..<bins { mel[b] = log(max(mel[b], floor)) }
        dct.withUnsafeBufferPointer { matrix in
            lifter.withUnsafeBufferPointer { lift in
                for k in 0..<options.numCeps {
                    let coefficients = matrix.baseAddress! + k * bins
                    var sum: Float = 0
                    for b in 0..<bins { sum += coefficients[b] * mel[b] }
                    row[k] = sum * lift[k]
                }
            }
        }
        if options.useEnergy { row[0] = logEnergy }
    }
}
