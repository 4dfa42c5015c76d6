/// Per-utterance normalisation statistics taken over the utterance's loud frames only, so that how
/// much pause surrounds the speech stops mattering.
///
/// Utterance CMVN averages over every frame: a word cut close to its first syllable (as the Free
/// Spoken Digit Dataset's are) is normalised by speech alone, the same word with half a second of
/// pause around it by a mean half made of pause. A model trained on clips with pauses reads the first
/// kind worse (the default model: 45.8% WER on FSDD as recorded, 30.5% with 0.2 s of silence put
/// around each clip). Frames whose mean log energy lies within `decibels` of the loudest frame's are
/// speech, or noise loud enough to count as the recording's level; the means and variances come
/// from them alone and are then applied to every frame.
///
/// It removes the dependence but not the gap: the default recipe trained with it (30 dB) read FSDD as
/// recorded 44.5% wrong and padded with 0.3 s of zeros 38.0% (the default 45.8% and 31.3%), and made 141
/// errors on the dry test voices against 128, so the default model does not use it. Padding gained it
/// 6.5 points on FSDD against the default's 14.5: about half of what a pause buys there comes from the
/// pause in the statistics, the rest from the pause the network hears.
public struct SpeechStatistics: Codable, Equatable, Sendable {
    /// How far under the loudest frame's mean log energy a frame may lie and still count, in dB.
    public var decibels: Double

    public init(decibels: Double) { self.decibels = decibels }

    /// Which frames of log filterbank features [T, D] (natural-log energies; of power spectra when
    /// `powerSpectrum`, else of magnitudes) count, judged by their mean over the columns not in
    /// `ignoring` (bands holding only dither, which would pull every frame towards the same value).
    func loudFrames(of matrix: FeatureMatrix, ignoring: [Int], powerSpectrum: Bool) -> [Bool] {
        let dims = matrix.dims
        var used = [Bool](repeating: true, count: dims)
        for d in ignoring { used[d] = false }
        let columns = (0..<dims).filter { used[$0] }
        guard matrix.frames > 0, !columns.isEmpty else { return [Bool](repeating: true, count: matrix.frames) }
        let levels = (0..<matrix.frames).map { t in
            columns.reduce(0.0) { $0 + Double(matrix.values[t * dims + $1]) } / Double(columns.count)
        }
        let range = DynamicRangeFloor.naturalLogRange(decibels: decibels, powerSpectrum: powerSpectrum)
        let threshold = levels.max()! - range
        return levels.map { $0 >= threshold }
    }
}
