/// A floor under each log filterbank band, a fixed distance below the band's loudest frame in the
/// utterance, so that how deep a recording's pauses are stops mattering.
///
/// Recorders disagree most where there is no speech: a synthesiser's clip or a room recording keeps
/// a noise floor 40–70 dB under the speech, while a clip padded with zeros, a recorder's noise
/// suppression or a tightly trimmed recording leaves pauses holding only the dither, 75–90 dB down.
/// Per-utterance normalisation then spends most of a band's variance on that gap and squeezes the
/// speech into a sliver of the range; a model that only ever heard noise floors reads it as other
/// words. Raising every value to at least (band maximum − `decibels`) makes deep pauses look like
/// the shallow ones training saw. Whisper clamps its log-mel spectrogram the same way, 80 dB under
/// its maximum.
public struct DynamicRangeFloor: Codable, Equatable, Sendable {
    /// How far below each band's maximum over the utterance its floor lies, in dB of energy.
    public var decibels: Double

    public init(decibels: Double) { self.decibels = decibels }

    /// `decibels` as a difference of natural-log filterbank energies: ln(10) / 10 per dB of power; a
    /// magnitude's log moves half as far.
    static func naturalLogRange(decibels: Double, powerSpectrum: Bool) -> Double {
        decibels * 2.302585092994046 / (powerSpectrum ? 10 : 20)
    }

    /// Raises each column of [T, D] `matrix` (natural-log energies; of power spectra when
    /// `powerSpectrum`, else of magnitudes) to at least its maximum minus `decibels`.
    func apply(to matrix: inout FeatureMatrix, powerSpectrum: Bool) {
        guard matrix.frames > 0 else { return }
        let range = Float(Self.naturalLogRange(decibels: decibels, powerSpectrum: powerSpectrum))
        let dims = matrix.dims
        matrix.values.withUnsafeMutableBufferPointer { values in
            for d in 0..<dims {
                var maximum = -Float.infinity
                for t in 0..<matrix.frames { maximum = max(maximum, values[t * dims + d]) }
                let floor = maximum - range
                for t in 0..<matrix.frames where values[t * dims + d] < floor { values[t * dims + d] = floor }
            }
        }
    }
}
