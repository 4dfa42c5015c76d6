import Foundation

/// Per-channel energy normalisation (Wang et al., "Trainable frontend for robust and far-field
/// keyword spotting", ICASSP 2017), with fixed parameters, in place of the logarithm of filterbank
/// energies: each band's energy E divided by a slow average M of itself raised to `gain` (an
/// automatic gain control per band, so that a band's steady level, a noise floor or a channel's
/// tilt, cancels), then compressed by a root around `bias`:
///
///     M(t) = (1 − s)·M(t − 1) + s·E(t),  M(0) = E(0)
///     PCEN(t) = (E(t) / (ε + M(t))^gain + bias)^power − bias^power
///
/// s follows from `timeConstant` and the frame shift as librosa's `pcen` computes it, and the
/// formula is librosa's (its `ref` = E), so librosa's figures are the oracle. Energies are those of
/// Kaldi-compatible features: samples at 16-bit scale, the power spectrum.
public struct PCEN: Codable, Equatable, Sendable {
    /// Time constant of the smoother in seconds.
    public var timeConstant = 0.4
    /// Exponent α of the gain control (1: full normalisation).
    public var gain = 0.98
    /// Offset δ before the root.
    public var bias = 2.0
    /// Root r of the compression.
    public var power = 0.5
    /// ε, keeps the division finite.
    public var epsilon = 1e-6

    public init() {}

    func validate() throws {
        guard (0.01...10).contains(timeConstant), (0...1).contains(gain), bias > 0, bias <= 1000,
              power > 0, power <= 1, epsilon > 0, epsilon < 1 else {
            throw FeatureOptionsError(message: "PCEN needs a time constant of 0.01–10 s, gain 0–1, bias above 0 (at most 1000), power above 0 (at most 1) and ε in (0, 1), got \(timeConstant) s, \(gain), \(bias), \(power), \(epsilon)")
        }
    }

    /// The smoother's coefficient s for frames `frameShiftSeconds` apart (librosa's formula: the
    /// one-pole filter whose impulse response has `timeConstant` as its time constant).
    public func smoothing(frameShiftSeconds: Double) -> Double {
        let t = timeConstant / frameShiftSeconds
        return ((1 + 4 * t * t).squareRoot() - 1) / (2 * t * t)
    }

    /// Replaces each value of [T, D] `matrix`, natural-log filterbank energies, by the PCEN of the
    /// energy, band by band through time.
    func apply(to matrix: inout FeatureMatrix, frameShiftSeconds: Double) {
        guard matrix.frames > 0 else { return }
        let s = smoothing(frameShiftSeconds: frameShiftSeconds)
        let offset = pow(bias, power), dims = matrix.dims, frames = matrix.frames
        matrix.values.withUnsafeMutableBufferPointer { values in
            for d in 0..<dims {
                var smoothed = exp(Double(values[d]))  // M(0) = E(0)
                for t in 0..<frames {
                    let energy = exp(Double(values[t * dims + d]))
                    smoothed = (1 - s) * smoothed + s * energy
                    let normalised = energy * pow(epsilon + smoothed, -gain)
                    values[t * dims + d] = Float(pow(normalised + bias, power) - offset)
                }
            }
        }
    }
}
