import CochleaCore
import Foundation

/// Computes Kaldi-compatible MFCC or log-mel filterbank features, frame by frame:
/// frame → dither → remove DC → raw energy → pre-emphasis → window → FFT (FFTW) → power spectrum →
/// mel filterbank → log → (MFCC: DCT → lifter) → energy.
///
/// An extractor owns its FFTW plan and buffers and allocates nothing while computing; it is not
/// thread-safe, so give each thread its own. (Transforming blocks of frames at once, with the
/// spectra transposed so that later stages vectorise along frames, measured slower: FFTW's strided
/// batched transform cost more than the loops it sped up.)
public final class FeatureExtractor {
    public let options: FeatureOptions
    let fft: RealFFT
    let window: [Float]
    let filterbank: MelFilterbank
    /// [numCeps, numMelBins] row-major, liftering folded in.
    private let liftedDCT: [Float]
    /// [N/2 + 1] power spectrum of the current frame.
    let power: UnsafeMutablePointer<Float>
    /// [numMelBins] mel energies of the current frame, then their logs.
    let mel: UnsafeMutablePointer<Float>
    /// One frame's samples before pre-emphasis and windowing, when they cannot be read in place.
    let frameBuffer: UnsafeMutablePointer<Float>
    let logEnergyFloor: Float

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
        // Filterbanks have no cepstra (and `numCeps` is not checked for them).
        let ceps = options.kind == .fbank ? 0 : options.numCeps
        let dct = dctMatrix(rows: ceps, columns: options.numMelBins)
        let lifter = lifterCoefficients(count: ceps, q: options.cepstralLifter)
        liftedDCT = dct.indices.map { dct[$0] * lifter[$0 / options.numMelBins] }
        power = .allocate(capacity: padded / 2 + 1 + MelFilterbank.padding)
        power.initialize(repeating: 0, count: padded / 2 + 1 + MelFilterbank.padding)
        mel = .allocate(capacity: options.numMelBins)
        frameBuffer = .allocate(capacity: options.windowSize)
        logEnergyFloor = options.energyFloor > 0 ? Float(log(options.energyFloor)) : -.infinity
    }

    deinit {
        power.deallocate()
        mel.deallocate()
        frameBuffer.deallocate()
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
        let frames = options.frameCount(sampleCount: samples.count)
        var random = SeededRandom(seed: options.ditherSeed)
        for frame in 0..<frames {
            var logEnergy = options.kind == .psfMFCC
                ? preparePythonSpeechFeaturesFrame(frame, of: samples, into: fft.input)
                : prepareFrame(frame, of: samples, into: fft.input, random: &random)
            fft.execute()
            computePowerSpectrum()
            if options.kind == .psfMFCC { logEnergy = normalizePythonSpeechFeaturesPower() }
            filterbank.apply(power: power, into: mel)
            let row = output + frame * options.dimension
            switch options.kind {
            case .mfcc: finishMFCC(logEnergy: logEnergy, row: row, floor: Self.epsilon)
            case .psfMFCC: finishMFCC(logEnergy: logEnergy, row: row, floor: Self.psfEpsilon)
            case .fbank: finishFbank(logEnergy: logEnergy, row: row)
            }
        }
    }

    /// power[k] = |X[k]|² (or |X[k]| for a magnitude filterbank).
    private func computePowerSpectrum() {
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
        if options.useLogFbank { FastLog.logInPlace(mel, bins, floor: Self.epsilon) }
        (options.useEnergy ? row + 1 : row).update(from: mel, count: bins)
        if options.useEnergy { row[0] = logEnergy }
    }

    /// Log mel energies → liftered DCT → row, C0 replaced by the energy when asked.
    private func finishMFCC(logEnergy: Float, row: UnsafeMutablePointer<Float>, floor: Float) {
        let bins = options.numMelBins
        FastLog.logInPlace(mel, bins, floor: floor)
        liftedDCT.withUnsafeBufferPointer { matrix in
            for k in 0..<options.numCeps {
                row[k] = VectorReductions.dot(matrix.baseAddress! + k * bins, mel, bins)
            }
        }
        if options.useEnergy { row[0] = logEnergy }
    }
}
