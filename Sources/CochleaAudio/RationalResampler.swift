import Foundation

/// Sample-rate conversion by a ratio of whole numbers with a windowed-sinc filter designed once:
/// torchaudio.functional.resample's "sinc_interp_kaiser" kernel, kept per output phase without the
/// taps its window makes zero. For one ratio applied to many clips, as in speed perturbation, where
/// libsoxr (`Resampler`) designs its filter anew for every clip and spends more on that than on the
/// conversion.
///
/// Output sample `m = b · outputBlock + j` is the dot product of phase `j`'s taps with the input
/// from `b · inputBlock + firstTap[j]` on; input outside the clip counts as zero, as torchaudio pads it.
public struct RationalResampler: Sendable {
    /// Input samples consumed and output samples made per block: the two rates over their gcd.
    public let inputBlock: Int
    public let outputBlock: Int
    /// Taps per phase, a multiple of 8 (the SIMD width of the dot product).
    public let taps: Int
    private let firstTap: [Int]
    private let kernels: [Float]

    /// `zeroCrossings`: torchaudio's `lowpass_filter_width`, the sinc's zero crossings on each side;
    /// `rolloff`: the cutoff (−6 dB) as a fraction of the lower Nyquist frequency; `beta`: the Kaiser
    /// window's shape. The defaults, measured from 18,824 to 16,000 Hz (speed perturbation by 0.85):
    /// flat to 7 kHz, −0.1 dB at 7.3 kHz, and 92 dB or more down from 8.2 kHz on (libsoxr's "high
    /// quality": flat to 7.28 kHz, 120 dB from 8 kHz). torchaudio's own defaults are 6, 0.99, 14.77.
    public init(from inputRate: Int, to outputRate: Int, zeroCrossings: Int = 48, rolloff: Double = 0.95,
                beta: Double = 8.6) {
        precondition(inputRate > 0 && outputRate > 0 && zeroCrossings > 0 && rolloff > 0 && rolloff <= 1 && beta >= 0)
        let divisor = Self.gcd(inputRate, outputRate)
        let input = inputRate / divisor, output = outputRate / divisor
        inputBlock = input
        outputBlock = output
        // Rates in units of the reduced ones: the kernel's cutoff and its gain.
        let cutoff = Double(min(input, output)) * rolloff
        let lobe = Double(zeroCrossings)
        // Phase j's taps lie where |q / input - j / output| · cutoff < zeroCrossings (q: input offset).
        let firsts = (0..<output).map { j in
            Int((Double(input) * (Double(j) / Double(output) - lobe / cutoff)).rounded(.up))
        }
        let widest = (0..<output).map { j in
            Int((Double(input) * (Double(j) / Double(output) + lobe / cutoff)).rounded(.down)) - firsts[j] + 1
        }.max()!
        let taps = (widest + 7) / 8 * 8
        var kernels = [Float](repeating: 0, count: output * taps)
        for j in 0..<output {
            for s in 0..<taps {
                let q = firsts[j] + s
                var t = (Double(q) / Double(input) - Double(j) / Double(output)) * cutoff
                t = min(max(t, -lobe), lobe)
                let window = Self.besselI0(beta * (1 - (t / lobe) * (t / lobe)).squareRoot()) / Self.besselI0(beta)
                let x = t * Double.pi
                kernels[j * taps + s] = Float((x == 0 ? 1 : sin(x) / x) * window * cutoff / Double(input))
            }
        }
        self.taps = taps
        firstTap = firsts
        self.kernels = kernels
    }

    /// Output samples for `inputCount` input samples: ⌈inputCount · outputBlock / inputBlock⌉, as torchaudio.
    public func outputCount(inputCount: Int) -> Int {
        (inputCount * outputBlock + inputBlock - 1) / inputBlock
    }

    /// Converts `input` into `output`, which holds exactly `outputCount(inputCount: input.count)` samples.
    public func resample(_ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>) {
        precondition(output.count == outputCount(inputCount: input.count))
        let n = input.count
        kernels.withUnsafeBufferPointer { kernels in
            for m in 0..<output.count {
                let j = m % outputBlock
                let start = m / outputBlock * inputBlock + firstTap[j]
                let kernel = kernels.baseAddress! + j * taps
                if start >= 0 && start + taps <= n {
                    output[m] = Self.dot(input.baseAddress! + start, kernel, count: taps)
                } else {
                    // The clip's edges: the taps that fall outside it meet zeros.
                    var sum: Float = 0
                    let lower = max(0, -start), upper = min(taps, n - start)
                    if lower < upper { for s in lower..<upper { sum += input[start + s] * kernel[s] } }
                    output[m] = sum
                }
            }
        }
    }

    /// `samples` converted, in a new array.
    public func resample(_ samples: [Float]) -> [Float] {
        var output = [Float](repeating: 0, count: outputCount(inputCount: samples.count))
        samples.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { resample(input, into: $0) }
        }
        return output
    }

    private static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        var sum = SIMD8<Float>()
        var i = 0
        while i < count {
            let x = UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<Float>.self)
            let y = UnsafeRawPointer(b + i).loadUnaligned(as: SIMD8<Float>.self)
            sum += x * y  // not addingProduct: without -mfma that is a call to fmaf per lane
            i += 8
        }
        return sum.sum()
    }

    /// The modified Bessel function of the first kind, order 0, by its power series.
    static func besselI0(_ x: Double) -> Double {
        var sum = 1.0, term = 1.0, k = 1.0
        while term > sum * 1e-17 {
            term *= (x / (2 * k)) * (x / (2 * k))
            sum += term
            k += 1
        }
        return sum
    }

    private static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
}
