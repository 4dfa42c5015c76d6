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
    /// The liftered DCT transposed, [numMelBins, cepsLanes]: row b holds every cepstrum's weight
    /// of mel bin b, zero-padded to whole SIMD8 lanes, so that the cepstra of a frame accumulate
    /// across all coefficients at once rather than as 13 short dot products.
    private let dctByBin: [Float]
    private let cepsLanes: Int
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
                            lowFrequency: options.lowFrequency, highFrequency: options.highFrequency,
                            vtln: (options.vtlnWarp, options.vtlnLow, options.vtlnHigh))
        // Filterbanks have no cepstra (and `numCeps` is not checked for them).
        let ceps = options.kind == .fbank ? 0 : options.numCeps
        let dct = dctMatrix(rows: ceps, columns: options.numMelBins)
        let lifter = lifterCoefficients(count: ceps, q: options.cepstralLifter)
        let lanes = (ceps + 7) / 8 * 8
        var byBin = [Float](repeating: 0, count: options.numMelBins * lanes)
        for k in 0..<ceps {
            for b in 0..<options.numMelBins { byBin[b * lanes + k] = dct[k * options.numMelBins + b] * lifter[k] }
        }
        dctByBin = byBin
        cepsLanes = lanes
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
        var random = SeededRandom(seed: options.ditherSeed)
        compute(samples: samples, into: output, random: &random)
    }

    /// As `compute(samples:into:)`, drawing dither from `random`, so that a stream of chunks
    /// continues the noise where the previous chunk left it.
    func compute(samples: UnsafeBufferPointer<Float>, into output: UnsafeMutablePointer<Float>, random: inout SeededRandom) {
        let frames = options.frameCount(sampleCount: samples.count)
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
        let blocks = cepsLanes / 8
        dctByBin.withUnsafeBufferPointer { matrix in
            let m = UnsafeRawPointer(matrix.baseAddress!)
            var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>()
            for b in 0..<bins {
                let x = SIMD8<Float>(repeating: mel[b])
                acc0 += x * m.loadUnaligned(fromByteOffset: (b * cepsLanes) * 4, as: SIMD8<Float>.self)
                if blocks > 1 { acc1 += x * m.loadUnaligned(fromByteOffset: (b * cepsLanes + 8) * 4, as: SIMD8<Float>.self) }
            }
            for k in 0..<min(8, options.numCeps) { row[k] = acc0[k] }
            for k in 8..<max(8, min(16, options.numCeps)) { row[k] = acc1[k - 8] }
            if blocks > 2 {
                // More than 16 cepstra: the remaining blocks one after the other.
                for block in 2..<blocks {
                    var acc = SIMD8<Float>()
                    for b in 0..<bins {
                        acc += SIMD8<Float>(repeating: mel[b]) * m.loadUnaligned(fromByteOffset: (b * cepsLanes + block * 8) * 4, as: SIMD8<Float>.self)
                    }
                    for k in (block * 8)..<min(block * 8 + 8, options.numCeps) { row[k] = acc[k - block * 8] }
                }
            }
        }
        if options.useEnergy { row[0] = logEnergy }
    }
}
