import CochleaCore
import Foundation

/// Kaldi's mel scale: mel(f) = 1127 ln(1 + f / 700).
enum MelScale {
    static func mel(_ hertz: Double) -> Double { 1127 * log(1 + hertz / 700) }
    static func hertz(_ mel: Double) -> Double { 700 * (exp(mel / 1127) - 1) }
}

/// Triangular filters equally spaced on the mel scale, as Kaldi's `MelBanks` builds them: each bin is
/// stored as the first FFT bin it touches and its run of weights, so applying it skips the zeros.
struct MelFilterbank {
    /// First FFT bin of each mel bin.
    let offsets: [Int]
    /// Weights of each mel bin, starting at its offset.
    let weights: [[Float]]

    var binCount: Int { offsets.count }

    /// Each bin's weights zero-padded to a whole number of SIMD8 lanes, back to back, and where each
    /// bin's run starts: the short runs of the low bins then need no scalar tail loop.
    private let packed: [Float]
    private let starts: [Int]
    private let lanes: [Int]
    /// Floats the power spectrum must hold beyond its last bin (zeros), for the padded runs.
    static let padding = 8

    init(offsets: [Int], weights: [[Float]]) {
        self.offsets = offsets
        self.weights = weights
        let padded = weights.map { $0 + [Float](repeating: 0, count: (8 - $0.count % 8) % 8) }
        packed = padded.flatMap { $0 }
        starts = padded.reduce(into: [0]) { $0.append($0.last! + $1.count) }
        lanes = padded.map { $0.count / 8 }
    }

    /// Kaldi's construction over the FFT bins 0..<fftLength/2 (the Nyquist bin is never used); with
    /// a VTLN warp, each filter's left, centre and right edges are warped (Kaldi's `VtlnWarpMelFreq`).
    init(binCount: Int, fftLength: Int, sampleRate: Int, lowFrequency: Double, highFrequency: Double,
         vtln: (warp: Double, low: Double, high: Double) = (1, 100, -500)) {
        let nyquist = 0.5 * Double(sampleRate)
        let high = highFrequency > 0 ? highFrequency : nyquist + highFrequency
        let fftBins = fftLength / 2
        let binWidth = Double(sampleRate) / Double(fftLength)
        let melLow = MelScale.mel(lowFrequency), melHigh = MelScale.mel(high)
        let melDelta = (melHigh - melLow) / Double(binCount + 1)
        var offsets = [Int](), weights = [[Float]]()
        for bin in 0..<binCount {
            var left = melLow + Double(bin) * melDelta
            var center = left + melDelta
            var right = center + melDelta
            if vtln.warp != 1 {
                let vtlnHigh = vtln.high > 0 ? vtln.high : nyquist + vtln.high
                func warp(_ mel: Double) -> Double {
                    MelScale.mel(MelFilterbank.vtlnWarp(MelScale.hertz(mel), warp: vtln.warp, low: vtln.low, high: vtlnHigh,
                                                        lowFrequency: lowFrequency, highFrequency: high))
                }
                (left, center, right) = (warp(left), warp(center), warp(right))
            }
            var first = -1
            var row = [Float]()
            for i in 0..<fftBins {
                let mel = MelScale.mel(binWidth * Double(i))
                guard mel > left && mel < right else { continue }
                let weight = mel <= center ? (mel - left) / (center - left) : (right - mel) / (right - center)
                if first < 0 { first = i }
                // Kaldi's rows are contiguous; fill any gap so the run stays aligned with the FFT bins.
                while first + row.count < i { row.append(0) }
                row.append(Float(weight))
            }
            offsets.append(max(first, 0))
            weights.append(row)
        }
        self.init(offsets: offsets, weights: weights)
    }

    /// Kaldi's `VtlnWarpFreq`: frequencies between the cut-offs scaled by 1/warp, the stretches
    /// below and above bent to meet the band's edges unchanged.
    static func vtlnWarp(_ frequency: Double, warp: Double, low lowCutoff: Double, high highCutoff: Double,
                         lowFrequency: Double, highFrequency: Double) -> Double {
        guard frequency >= lowFrequency && frequency <= highFrequency else { return frequency }
        let l = lowCutoff * max(1, warp), h = highCutoff * min(1, warp)
        let scale = 1 / warp
        let fl = scale * l, fh = scale * h
        if frequency < l { return lowFrequency + (fl - lowFrequency) / (l - lowFrequency) * (frequency - lowFrequency) }
        if frequency < h { return scale * frequency }
        return highFrequency + (highFrequency - fh) / (highFrequency - h) * (frequency - highFrequency)
    }

    /// mel[b] = Σ_k weights[b][k] · power[offsets[b] + k]; `power` holds `padding` zeros past its end.
    func apply(power: UnsafePointer<Float>, into mel: UnsafeMutablePointer<Float>) {
        packed.withUnsafeBufferPointer { w in
            for bin in 0..<offsets.count {
                let p = UnsafeRawPointer(power + offsets[bin]), q = UnsafeRawPointer(w.baseAddress! + starts[bin])
                var sum = SIMD8<Float>()
                for lane in 0..<lanes[bin] {
                    sum += p.loadUnaligned(fromByteOffset: 32 * lane, as: SIMD8<Float>.self)
                        * q.loadUnaligned(fromByteOffset: 32 * lane, as: SIMD8<Float>.self)
                }
                mel[bin] = sum.sum()
            }
        }
    }
}
